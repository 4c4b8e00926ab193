package io.vigil.ctl;

import io.vigil.cluster.Member;
import java.net.URI;
import java.util.Map;

/**
 * Where a member's PostgreSQL listens, from its {@code conn_url} (or the legacy {@code conn_kwargs}), as
 * Patroni's {@code Member.conn_kwargs()} reads it: the port defaults to 5432, the database is the URL path.
 *
 * @param host null when the member published no address
 */
public record ConnParams(String host, int port, String dbname) {

  public static ConnParams of(Member member) {
    Object kwargs = member.data().get("conn_kwargs");
    if (kwargs instanceof Map<?, ?> m && !m.isEmpty()) {
      Object host = m.get("host");
      Object port = m.get("port");
      Object db = m.get("dbname");
      return new ConnParams(host == null ? null : String.valueOf(host),
          port == null ? 5432 : Integer.parseInt(String.valueOf(port)), db == null ? null : String.valueOf(db));
    }
    return parse(member.connUrl());
  }

  /** Parses {@code postgres://host:port/dbname}; a missing or unparsable URL gives a null host. */
  public static ConnParams parse(String connUrl) {
    if (connUrl == null || connUrl.isEmpty()) {
      return new ConnParams(null, 5432, null);
    }
    try {
      URI uri = URI.create(connUrl);
      String host = uri.getHost();
      if (host != null && host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      String path = uri.getPath();
      return new ConnParams(host, uri.getPort() > 0 ? uri.getPort() : 5432,
          path == null || path.length() <= 1 ? null : path.substring(1));
    } catch (IllegalArgumentException e) {
      return new ConnParams(null, 5432, null);
    }
  }

  /** What {@code vigilctl dsn} prints. */
  public String dsn() {
    return "host=" + host + " port=" + port;
  }
}
