package io.vigil.api;

import io.vigil.cluster.Cluster;
import io.vigil.cluster.TimelineHistory;
import io.vigil.patroni.ClusterJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Bodies of {@code GET /cluster} (Patroni's {@code cluster_as_json} plus {@code scope}) and {@code GET /history}.
 */
final class ClusterBodies {
  private ClusterBodies() {}

  /** {@code GET /cluster}: Patroni's {@code cluster_as_json} plus {@code scope}, as api.py's {@code do_GET_cluster}. */
  static Map<String, Object> cluster(Cluster cluster, String scope) {
    Map<String, Object> r = ClusterJson.clusterAsJson(cluster);
    r.put("scope", scope);
    return r;
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
