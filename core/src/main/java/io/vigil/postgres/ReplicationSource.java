package io.vigil.postgres;

import io.vigil.cluster.Member;
import java.net.URI;

/**
 * A node to clone from, follow or rewind from: its member name (for logs and {@code following}) and where its
 * PostgreSQL listens.
 */
public record ReplicationSource(String memberName, String host, int port) {

  /**
   * From a member key's {@code conn_url} ({@code postgres://host:port/db}).
   *
   * @throws IllegalArgumentException when the member has no usable conn_url
   */
  public static ReplicationSource fromMember(Member member) {
    String url = member.connUrl();
    if (url == null) {
      throw new IllegalArgumentException("member " + member.name() + " has no conn_url");
    }
    URI uri = URI.create(url);
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("member " + member.name() + " has an unusable conn_url '" + url + "'");
    }
    return new ReplicationSource(member.name(), uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort());
  }
}
