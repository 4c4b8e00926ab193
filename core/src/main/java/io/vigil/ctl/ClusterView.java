package io.vigil.ctl;

import io.vigil.postgres.Lsn;
import io.vigil.cluster.PatroniJson;

import io.vigil.cluster.Cluster;
import io.vigil.cluster.Failover;
import io.vigil.cluster.Member;
import io.vigil.config.Tags;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What patronictl derives from a cluster snapshot before printing it (Patroni's {@code cluster_as_json} and
 * {@code global_config}): each member's displayed role and state, LSNs and lags against {@code status.optime},
 * maintenance mode and a scheduled switchover. The same shape as REST {@code GET /cluster}.
 */
public final class ClusterView {
  private ClusterView() {}

  /** {@code synchronous_mode} is on (or quorum) and this is not a standby cluster. */
  public static boolean isSynchronousMode(Cluster cluster) {
    Object mode = configValue(cluster, "synchronous_mode");
    boolean on = Tags.truthy(mode) || "quorum".equals(mode);
    return on && !isStandbyCluster(cluster);
  }

  public static boolean isQuorumCommitMode(Cluster cluster) {
    return "quorum".equals(configValue(cluster, "synchronous_mode")) && !isStandbyCluster(cluster);
  }

  /** {@code standby_cluster} with a host, port or restore_command. */
  public static boolean isStandbyCluster(Cluster cluster) {
    Object sc = configValue(cluster, "standby_cluster");
    if (sc instanceof Map<?, ?> m) {
      return isSet(m.get("host")) || isSet(m.get("port")) || isSet(m.get("restore_command"));
    }
    return false;
  }

  private static boolean isSet(Object v) {
    return v != null && !"".equals(v) && !Boolean.FALSE.equals(v) && !(v instanceof Number n && n.longValue() == 0);
  }

  public static boolean isPaused(Cluster cluster) {
    return Tags.truthy(configValue(cluster, "pause"));
  }

  /** {@code loop_wait} from {@code /config}, 10 when absent. */
  public static int loopWait(Cluster cluster) {
    Object v = configValue(cluster, "loop_wait");
    if (v instanceof Number n && n.intValue() > 0) {
      return n.intValue();
    }
    try {
      return v == null ? 10 : Integer.parseInt(String.valueOf(v));
    } catch (NumberFormatException e) {
      return 10;
    }
  }

  private static Object configValue(Cluster cluster, String key) {
    return cluster.config() == null ? null : cluster.config().data().get(key);
  }

  /**
   * {@code cluster_as_json(cluster)}: {@code {members: [...sorted by name], pause?, scheduled_switchover?}}.
   * Lags are bytes (Long) or {@code "unknown"}; LSNs are {@code X/Y} text or {@code "unknown"}.
   */
  public static Map<String, Object> asJson(Cluster cluster) {
    String leaderName = cluster.leader() == null ? null : cluster.leader().name();
    long clusterLsn = cluster.status() == null ? 0 : cluster.status().optime();
    boolean sync = isSynchronousMode(cluster);
    String syncRole = isQuorumCommitMode(cluster) ? "quorum_standby" : "sync_standby";
    boolean standby = isStandbyCluster(cluster);
    List<Map<String, Object>> members = new ArrayList<>();
    for (Member m : cluster.members()) {
      String role;
      if (m.name().equals(leaderName)) {
        role = standby ? "standby_leader" : "leader";
      } else if (sync && cluster.sync() != null && cluster.sync().matches(m.name())) {
        role = syncRole;
      } else {
        role = "replica";
      }
      Object replicationState = "leader".equals(role) ? null : m.data().get("replication_state");
      String state = replicationState != null && !"".equals(replicationState)
          ? String.valueOf(replicationState) : stringOr(m.data().get("state"), "");
      Map<String, Object> member = new LinkedHashMap<>();
      member.put("name", m.name());
      member.put("role", role);
      member.put("state", state);
      member.put("api_url", m.apiUrl());
      ConnParams conn = ConnParams.of(m);
      if (conn.host() != null && !conn.host().isEmpty()) {
        member.put("host", conn.host());
        member.put("port", conn.port());
      }
      for (String key : List.of("timeline", "pending_restart", "pending_restart_reason", "scheduled_restart", "tags")) {
        if (m.data().containsKey(key)) {
          member.put(key, m.data().get(key));
        }
      }
      if (!m.name().equals(leaderName)) {
        putLsn(member, "receive_", m.receiveLsn(), clusterLsn);
        putLsn(member, "replay_", m.replayLsn(), clusterLsn);
        putLsn(member, "", m.xlogLocation(), clusterLsn);
      }
      members.add(member);
    }
    members.sort(Comparator.comparing(x -> (String) x.get("name")));
    Map<String, Object> ret = new LinkedHashMap<>();
    ret.put("members", members);
    if (isPaused(cluster)) {
      ret.put("pause", true);
    }
    Failover f = cluster.failover();
    if (f != null && f.scheduledAt() != null) {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("at", PatroniJson.isoformat(f.scheduledAt()));
      if (f.leader() != null && !f.leader().isEmpty()) {
        s.put("from", f.leader());
      }
      if (f.candidate() != null && !f.candidate().isEmpty()) {
        s.put("to", f.candidate());
      }
      ret.put("scheduled_switchover", s);
    }
    return ret;
  }

  private static void putLsn(Map<String, Object> member, String location, Long lsn, long clusterLsn) {
    String lsnKey = location + "lsn";
    String lagKey = location + "lag";
    if (lsn == null || lsn == 0) {
      member.put(lsnKey, "unknown");
      member.put(lagKey, "unknown");
    } else {
      member.put(lagKey, clusterLsn >= lsn ? clusterLsn - lsn : 0L);
      member.put(lsnKey, Lsn.format(lsn));
    }
  }

  private static String stringOr(Object v, String fallback) {
    return v == null ? fallback : String.valueOf(v);
  }
}
