package io.vigil.patroni;

import io.vigil.cluster.Cluster;
import io.vigil.cluster.Failover;
import io.vigil.cluster.Member;
import io.vigil.cluster.PatroniJson;
import io.vigil.postgres.Lsn;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Patroni's {@code cluster_as_json(cluster)} (utils.py): the body of REST {@code GET /cluster} (before
 * {@code scope} is added) and what {@code patronictl list} prints. Keys in Patroni's order.
 *
 * <ul>
 *   <li>{@code members}, sorted by name: {@code name}, {@code role}, {@code state}, {@code api_url}, {@code host}
 *       and {@code port} (from {@link ConnKwargs}, when the host is known), then {@code timeline},
 *       {@code pending_restart}, {@code pending_restart_reason}, {@code scheduled_restart}, {@code tags} as
 *       stored in the member key, then for every member but the leader {@code receive_lag}, {@code receive_lsn},
 *       {@code replay_lag}, {@code replay_lsn}, {@code lag}, {@code lsn}: lags in bytes behind
 *       {@code status.optime} (0 when ahead), LSNs as {@code X/Y}, both {@code "unknown"} when the member has no
 *       position.</li>
 *   <li>{@code role}: {@code leader} for the leader key's holder ({@code standby_leader} in a standby cluster),
 *       {@code sync_standby} or {@code quorum_standby} for members in {@code /sync} when synchronous mode is on,
 *       {@code replica} otherwise. The member key's own role ({@code primary}, {@code promoted}) is not shown.</li>
 *   <li>{@code state}: the replication state (e.g. {@code streaming}) when there is one and the member is not
 *       {@code leader}, else the member's {@code state}.</li>
 *   <li>{@code pause: true} in maintenance mode; {@code scheduled_switchover} {@code {at, from?, to?}} when the
 *       failover key has a time ({@code from}/{@code to} only when non-empty).</li>
 * </ul>
 */
public final class ClusterJson {
  private ClusterJson() {}

  private static final List<String> OPTIONAL_MEMBER_KEYS =
      List.of("timeline", "pending_restart", "pending_restart_reason", "scheduled_restart", "tags");

  /** {@code cluster_as_json(cluster)}. */
  public static Map<String, Object> clusterAsJson(Cluster cluster) {
    DynamicConfig config = DynamicConfig.of(cluster);
    boolean standby = config.isStandbyCluster();
    boolean sync = config.isSynchronousMode();
    String syncRole = config.isQuorumCommitMode() ? "quorum_standby" : "sync_standby";
    String leaderName = cluster.leaderName();
    long clusterLsn = cluster.status() == null ? 0 : cluster.status().optime();

    List<Member> sorted = new ArrayList<>(cluster.members());
    sorted.sort(Comparator.comparing(Member::name));
    List<Map<String, Object>> members = new ArrayList<>();
    for (Member m : sorted) {
      String role;
      if (m.name().equals(leaderName)) {
        role = standby ? "standby_leader" : "leader";
      } else if (sync && cluster.sync() != null && cluster.sync().matches(m.name())) {
        role = syncRole;
      } else {
        role = "replica";
      }
      Object replicationState = "leader".equals(role) ? null : m.data().get("replication_state");
      Object state = PyText.truthy(replicationState) ? replicationState : m.data().getOrDefault("state", "");
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("name", m.name());
      j.put("role", role);
      j.put("state", state);
      j.put("api_url", m.apiUrl());
      ConnKwargs conn = ConnKwargs.of(m);
      if (PyText.truthy(conn.host())) {
        j.put("host", conn.host());
        if (conn.port() != null && conn.port() != 0) {
          j.put("port", conn.port());
        }
      }
      for (String key : OPTIONAL_MEMBER_KEYS) {
        if (m.data().containsKey(key)) {
          j.put(key, m.data().get(key));
        }
      }
      if (!m.name().equals(leaderName)) {
        lsn(j, "receive_", m.receiveLsn(), clusterLsn);
        lsn(j, "replay_", m.replayLsn(), clusterLsn);
        lsn(j, "", m.xlogLocation(), clusterLsn);
      }
      members.add(j);
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("members", members);
    if (config.isPaused()) {
      r.put("pause", true);
    }
    Failover f = cluster.failover();
    if (f != null && f.scheduledAt() != null) {
      Map<String, Object> sw = new LinkedHashMap<>();
      sw.put("at", PatroniJson.isoformat(f.scheduledAt()));
      if (PyText.truthy(f.leader())) {
        sw.put("from", f.leader());
      }
      if (PyText.truthy(f.candidate())) {
        sw.put("to", f.candidate());
      }
      r.put("scheduled_switchover", sw);
    }
    return r;
  }

  private static void lsn(Map<String, Object> j, String prefix, Long lsn, long clusterLsn) {
    String lsnKey = prefix + "lsn";
    String lagKey = prefix + "lag";
    if (lsn == null || lsn == 0) {
      j.put(lsnKey, "unknown");
      j.put(lagKey, "unknown");
    } else {
      j.put(lagKey, clusterLsn >= lsn ? clusterLsn - lsn : 0L);
      j.put(lsnKey, Lsn.format(lsn));
    }
  }

  /** patronictl's lag columns: {@code round(lag / 1024 / 1024)}, to the nearest MB with halves to even. */
  public static long megabytes(long bytes) {
    return (long) Math.rint(bytes / 1024.0 / 1024.0);
  }
}
