package io.vigil.api;

import io.vigil.patroni.PyText;
import io.vigil.bus.NodeStatus;
import io.vigil.cluster.Cluster;
import io.vigil.postgres.PostgresState;
import java.util.List;
import java.util.Map;

/**
 * The status code of every health endpoint (docs/rest-api.md §3.2, §3.4), as Patroni's {@code do_GET},
 * {@code do_GET_liveness} and {@code _readiness} compute it. Pure: the inputs are the derived {@link NodeView},
 * the status map of {@link StatusJson#postgresStatus} and the request's path and query.
 */
final class HealthChecks {
  private HealthChecks() {}

  static final int OK = 200;
  static final int UNAVAILABLE = 503;

  /**
   * The code for a generic health check. Paths are matched by substring in Patroni's order, so
   * {@code /read-only-sync} and {@code /foo/replica} behave exactly as they do there.
   */
  static int code(NodeView view, Map<String, Object> response, String requestPath, Map<String, List<String>> query) {
    String path = "/".equals(requestPath) ? "/primary" : requestPath;
    NodeStatus s = view.status();
    Cluster cluster = view.cluster();
    Object role = response.get("role");

    long leaderOptime = Math.max(cluster == null ? 0 : cluster.status().optime(), latestEndLsn(s));
    long replayed = replayedLocation(response);
    Long maxLag = query.containsKey("lag") ? PyText.parseInt(query.get("lag").get(0), "B") : null;
    long maxReplicaLag = maxLag == null ? Long.MAX_VALUE : maxLag;
    boolean lagging = leaderOptime != 0 && leaderOptime > saturatedAdd(replayed, maxReplicaLag);

    List<String> wantedState = query.get("replication_state");
    boolean stateMatches = wantedState == null
        || wantedState.get(0).equals(response.get("replication_state"));
    boolean noloadbalance = s.tags() != null && s.tags().noloadbalance();
    int replica = !noloadbalance && !lagging && "replica".equals(role) && "running".equals(response.get("state"))
        && stateMatches ? OK : UNAVAILABLE;

    int leader;
    int primary;
    int standbyLeader;
    if (cluster == null && Boolean.TRUE.equals(response.get("pause"))) {
      leader = "primary".equals(role) || "standby_leader".equals(role) ? OK : UNAVAILABLE;
      primary = "primary".equals(role) ? OK : UNAVAILABLE;
      standbyLeader = "standby_leader".equals(role) ? OK : UNAVAILABLE;
    } else if (view.leader()) {
      leader = OK;
      if (view.standbyCluster()) {
        primary = UNAVAILABLE;
        replica = UNAVAILABLE;
        standbyLeader = "replica".equals(role) || "standby_leader".equals(role) ? OK : UNAVAILABLE;
      } else {
        primary = OK;
        standbyLeader = UNAVAILABLE;
      }
    } else {
      leader = UNAVAILABLE;
      primary = UNAVAILABLE;
      standbyLeader = UNAVAILABLE;
    }

    int code = UNAVAILABLE;
    boolean ignoreTags = false;
    if (path.contains("standby_leader") || path.contains("standby-leader")) {
      code = standbyLeader;
      ignoreTags = true;
    } else if (path.contains("leader")) {
      code = leader;
      ignoreTags = true;
    } else if (path.contains("master") || path.contains("primary") || path.contains("read-write")) {
      code = primary;
      ignoreTags = true;
    } else if (path.contains("replica")) {
      code = replica;
    } else if (path.contains("read-only") && !path.contains("sync") && !path.contains("quorum")) {
      code = primary == OK || standbyLeader == OK ? OK : replica;
    } else if (path.contains("health")) {
      code = "running".equals(response.get("state")) ? OK : UNAVAILABLE;
    } else if (cluster != null) {
      boolean quorum = Boolean.TRUE.equals(response.get("quorum_standby"));
      boolean sync = Boolean.TRUE.equals(response.get("sync_standby"));
      boolean leading = primary == OK || standbyLeader == OK;
      switch (path) {
        case "/sync", "/synchronous" -> code = sync ? replica : UNAVAILABLE;
        case "/quorum" -> code = quorum ? replica : UNAVAILABLE;
        case "/async", "/asynchronous" -> code = !sync && !quorum ? replica : UNAVAILABLE;
        case "/read-only-quorum" -> code = leading ? OK : quorum ? replica : UNAVAILABLE;
        case "/read-only-sync", "/read-only-synchronous" -> code = leading ? OK : sync ? replica : UNAVAILABLE;
        default -> code = UNAVAILABLE;
      }
    }

    if (!ignoreTags && code == OK) {
      code = checkTags(s, query);
    }
    return code;
  }

  /** {@code tag_<key>=<value>}: every requested tag must exist with that value (non-strings as lowercase). */
  private static int checkTags(NodeStatus s, Map<String, List<String>> query) {
    Map<String, Object> tags = s.tags() == null ? Map.of() : s.tags().values();
    for (Map.Entry<String, List<String>> e : query.entrySet()) {
      if (!e.getKey().startsWith("tag_")) {
        continue;
      }
      Object value = tags.get(e.getKey().substring(4));
      if (value == null) {
        return UNAVAILABLE;
      }
      String text = value instanceof String str ? str : PyText.str(value).toLowerCase(java.util.Locale.ROOT);
      if (!text.equals(e.getValue().get(0))) {
        return UNAVAILABLE;
      }
    }
    return OK;
  }

  /**
   * {@code /liveness}: 200 while paused, or while the HA loop's last cycle is younger than ttl on a running
   * primary (twice ttl elsewhere: a replica's stuck loop harms nobody for longer).
   */
  static int liveness(NodeView view, long nowMonotonicMillis) {
    NodeStatus s = view.status();
    if (s.paused()) {
      return OK;
    }
    PostgresState pg = s.postgres();
    boolean primary = pg != null && pg.running() && "primary".equals(StatusJson.memberRole(s));
    long threshold = view.ttl() * 1000L * (primary ? 1 : 2);
    return nowMonotonicMillis - s.lastCycleMonotonicMillis() < threshold ? OK : UNAVAILABLE;
  }

  /** {@code /readiness}: null when ready, else the reason Patroni logs at debug level. */
  static String readinessFailure(NodeView view, Map<String, Object> response, Map<String, List<String>> query) {
    if (view.leader()) {
      return null;
    }
    NodeStatus s = view.status();
    PostgresState pg = s.postgres();
    if (pg == null || !"running".equals(pg.state())) {
      return "PostgreSQL is not running";
    }
    if (!"streaming".equals(response.get("replication_state"))) {
      return "PostgreSQL replication state is not streaming";
    }
    long latestEnd = latestEndLsn(s);
    Cluster cluster = view.cluster();
    if (cluster == null && latestEnd == 0) {
      return s.failsafeActive() ? null : "DCS is not accessible";
    }
    long leaderOptime = Math.max(cluster == null ? 0 : cluster.status().optime(), latestEnd);
    boolean write = query.containsKey("mode") && "write".equals(query.get("mode").get(0));
    String mode = write ? "write" : "apply";
    long location = write ? receivedLocation(response) : replayedLocation(response);
    long lag = leaderOptime - location;
    Long maxLag = query.containsKey("lag") ? PyText.parseInt(query.get("lag").get(0), "B") : null;
    long max = maxLag == null ? view.maximumLagOnFailover() : maxLag;
    if (lag > max) {
      return "Replication " + mode + " lag " + lag + " exceeds maximum allowable " + max;
    }
    return null;
  }

  /**
   * Patroni reads the WAL receiver's {@code latest_end_lsn}; the published PostgreSQL state carries the receive
   * LSN, the closest value it has (both say how far the primary's WAL is known to reach).
   */
  private static long latestEndLsn(NodeStatus s) {
    PostgresState pg = s.postgres();
    if (pg == null || !pg.inRecovery() || pg.receiveLsn() == null) {
      return 0;
    }
    return pg.receiveLsn();
  }

  private static long replayedLocation(Map<String, Object> response) {
    return xlog(response, "replayed_location");
  }

  private static long receivedLocation(Map<String, Object> response) {
    return xlog(response, "received_location");
  }

  private static long xlog(Map<String, Object> response, String key) {
    if (response.get("xlog") instanceof Map<?, ?> xlog && xlog.get(key) instanceof Number n) {
      return n.longValue();
    }
    return 0;
  }

  private static long saturatedAdd(long a, long b) {
    long r = a + b;
    return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
  }
}
