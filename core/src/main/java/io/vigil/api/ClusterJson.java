package io.vigil.api;

import io.vigil.postgres.Lsn;
import io.vigil.cluster.PatroniJson;

import io.vigil.cluster.Cluster;
import io.vigil.cluster.Member;
import io.vigil.cluster.TimelineHistory;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Bodies of {@code GET /cluster} (Patroni's {@code cluster_as_json} plus {@code scope}), {@code GET /history} and
 * {@code GET /config}.
 */
final class ClusterJson {
  private ClusterJson() {}

  private static final String[] OPTIONAL_MEMBER_KEYS = {
    "timeline", "pending_restart", "pending_restart_reason", "scheduled_restart", "tags", "site"
  };

  static Map<String, Object> cluster(Cluster cluster, String scope) {
    Map<String, Object> config = cluster.config() == null ? Map.of() : cluster.config().data();
    boolean standby = NodeView.isStandbyCluster(config);
    boolean sync = NodeView.isSynchronousMode(config);
    String syncRole = NodeView.isQuorumMode(config) ? "quorum_standby" : "sync_standby";
    String leaderName = cluster.leader() == null ? null : cluster.leader().name();
    long clusterLsn = cluster.status().optime();

    List<Map<String, Object>> members = new ArrayList<>();
    List<Member> sorted = new ArrayList<>(cluster.members());
    sorted.sort(Comparator.comparing(Member::name));
    for (Member m : sorted) {
      String role;
      if (m.name().equals(leaderName)) {
        if (standby) {
          role = "standby_leader";
        } else if ("promoted".equals(m.data().get("role"))) {
          role = "promoted";
        } else {
          role = "leader";
        }
      } else if (sync && cluster.sync() != null && cluster.sync().matches(m.name())) {
        role = syncRole;
      } else {
        role = "replica";
      }
      Object replicationState = "leader".equals(role) ? null : m.data().get("replication_state");
      Object state = replicationState == null || "".equals(replicationState) ? m.data().get("state") : replicationState;
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("name", m.name());
      j.put("role", role);
      j.put("state", state == null ? "" : state);
      j.put("api_url", m.apiUrl());
      hostPort(m.connUrl(), j);
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
    if (cluster.isPaused()) {
      r.put("pause", true);
    }
    if (cluster.failover() != null && cluster.failover().scheduledAt() != null) {
      Map<String, Object> sw = new LinkedHashMap<>();
      sw.put("at", PatroniJson.isoformat(cluster.failover().scheduledAt()));
      if (cluster.failover().leader() != null) {
        sw.put("from", cluster.failover().leader());
      }
      if (cluster.failover().candidate() != null) {
        sw.put("to", cluster.failover().candidate());
      }
      r.put("scheduled_switchover", sw);
    }
    r.put("scope", scope);
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

  /** {@code host} and {@code port} from {@code postgres://host:port/db} (Patroni's {@code conn_kwargs}). */
  private static void hostPort(String connUrl, Map<String, Object> j) {
    if (connUrl == null) {
      return;
    }
    try {
      URI uri = URI.create(connUrl);
      String host = uri.getHost();
      if (host == null || host.isEmpty()) {
        return;
      }
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      j.put("host", host);
      if (uri.getPort() > 0) {
        j.put("port", uri.getPort());
      }
    } catch (IllegalArgumentException e) {
      // a member key with an unreadable conn_url shows no host, as in Patroni
    }
  }

  /** {@code GET /history}: list of {@code [timeline, lsn, reason, timestamp, new_leader]}, old lines shorter. */
  static List<List<Object>> history(Cluster cluster) {
    List<List<Object>> lines = new ArrayList<>();
    TimelineHistory h = cluster == null ? null : cluster.history();
    if (h == null) {
      return lines;
    }
    for (TimelineHistory.Line l : h.lines()) {
      List<Object> line = new ArrayList<>(List.of(l.timeline(), l.lsn(), l.reason() == null ? "" : l.reason()));
      if (l.timestamp() != null) {
        line.add(l.timestamp());
        if (l.newLeader() != null) {
          line.add(l.newLeader());
        }
      }
      lines.add(line);
    }
    return lines;
  }
}
