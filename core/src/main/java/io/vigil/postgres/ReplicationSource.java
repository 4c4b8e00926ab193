package io.vigil.postgres;

import io.vigil.cluster.Member;
import io.vigil.config.StandbyCluster;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A node to clone from, follow or rewind from: its member name (for logs and {@code following}) and where its
 * PostgreSQL listens. {@code conninfo} holds further libpq keywords that override the defaults built from host
 * and port: the remote primary of a standby cluster may be a list of hosts and ports with
 * {@code target_session_attrs=read-write} (docs/standby-cluster.md §3).
 */
public record ReplicationSource(String memberName, String host, int port, Map<String, String> conninfo) {

  public ReplicationSource {
    conninfo = conninfo == null ? Map.of() : Map.copyOf(conninfo);
  }

  public ReplicationSource(String memberName, String host, int port) {
    this(memberName, host, port, Map.of());
  }

  /**
   * The remote primary of a standby cluster (patroni/ha.py {@code get_remote_member}); null when the section
   * names neither host nor port (WAL archives only).
   */
  public static ReplicationSource remote(StandbyCluster sc) {
    if (!sc.hasConnection()) {
      return null;
    }
    Map<String, String> ci = new LinkedHashMap<>();
    if (sc.hostList() != null) {
      ci.put("host", sc.hostList());
    }
    if (sc.portList() != null) {
      ci.put("port", sc.portList());
    }
    if (sc.multiHost()) {
      ci.put("target_session_attrs", "read-write");
    }
    String host = sc.hosts().isEmpty() ? "localhost" : sc.hosts().get(0);
    int port = sc.ports().isEmpty() ? 5432 : sc.ports().get(0);
    String name = "remote primary " + (sc.hostList() == null ? "" : sc.hostList())
        + (sc.portList() == null ? "" : ":" + sc.portList());
    return new ReplicationSource(name, host, port, ci);
  }

  /**
   * One source per host of a multi-host remote primary ({@code host=h1,h2 port=p1,p2}), in the order libpq tries
   * them; a single-host source is its own only element.
   */
  public List<ReplicationSource> eachHost() {
    String hostList = conninfo.get("host");
    if (hostList == null || !hostList.contains(",")) {
      return List.of(this);
    }
    String[] hosts = hostList.split(",");
    String[] ports = conninfo.getOrDefault("port", Integer.toString(port)).split(",");
    List<ReplicationSource> out = new ArrayList<>();
    for (int i = 0; i < hosts.length; i++) {
      String host = hosts[i].trim();
      int hostPort = Integer.parseInt((ports.length == 1 ? ports[0] : ports[i]).trim());
      out.add(new ReplicationSource("remote primary " + host + ":" + hostPort, host, hostPort));
    }
    return out;
  }

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
