package io.vigil.api;

import io.vigil.bus.NodeStatus;
import io.vigil.cluster.Cluster;
import io.vigil.config.Tags;
import java.util.Map;

/**
 * The facts Patroni's REST handler derives from its live objects, derived here from the last {@link NodeStatus}
 * and the clock. {@code cluster} plays Patroni's {@code dcs.cluster}: the snapshot counts only while it is
 * younger than ttl, measured from the last time the DCS answered.
 *
 * @param cluster the valid cluster view, null when missing or expired
 * @param leader this node holds a non-expired leader key ({@code ha.is_leader()})
 */
record NodeView(NodeStatus status, Cluster cluster, boolean leader, long nowEpochMillis) {

  static final int DEFAULT_TTL = 30;

  static NodeView of(NodeStatus status, ApiClock clock) {
    long now = clock.now().toEpochMilli();
    Cluster snapshot = status.cluster();
    int ttl = status.ttl() > 0 ? status.ttl() : DEFAULT_TTL;
    boolean fresh = status.dcsLastSeenEpochSeconds() > 0
        && now < (status.dcsLastSeenEpochSeconds() + ttl) * 1000L;
    Cluster valid = snapshot != null && fresh ? snapshot : null;
    // failsafe mode keeps a primary's leadership alive while every member confirms it (docs/ha-rules.md §2.8)
    boolean leader = snapshot != null && status.name().equals(snapshot.leaderName())
        && (valid != null || status.failsafeActive());
    return new NodeView(status, valid, leader, now);
  }

  /** The dynamic config Patroni reads from {@code global_config.from_cluster(dcs.cluster)}. */
  Map<String, Object> config() {
    Cluster c = status.cluster();
    return c != null && c.config() != null ? c.config().data() : Map.of();
  }

  boolean standbyCluster() {
    return isStandbyCluster(config());
  }

  static boolean isStandbyCluster(Map<String, Object> config) {
    if (config.get("standby_cluster") instanceof Map<?, ?> sc) {
      for (String k : new String[] {"host", "port", "restore_command"}) {
        Object v = sc.get(k);
        if (v != null && !"".equals(v) && !Boolean.FALSE.equals(v)) {
          return true;
        }
      }
    }
    return false;
  }

  boolean synchronousMode() {
    return isSynchronousMode(config());
  }

  static boolean isSynchronousMode(Map<String, Object> config) {
    Object mode = config.get("synchronous_mode");
    return ("quorum".equals(mode) || Tags.truthy(mode)) && !isStandbyCluster(config);
  }

  boolean quorumMode() {
    return isQuorumMode(config());
  }

  static boolean isQuorumMode(Map<String, Object> config) {
    return isSynchronousMode(config) && "quorum".equals(config.get("synchronous_mode"));
  }

  boolean failsafeMode() {
    return Tags.truthy(config().get("failsafe_mode"));
  }

  int loopWait() {
    return intConfig("loop_wait", 10);
  }

  long maximumLagOnFailover() {
    Long v = PyText.parseInt(config().get("maximum_lag_on_failover"), "B");
    return v == null ? 1048576L : v;
  }

  int ttl() {
    return status.ttl() > 0 ? status.ttl() : DEFAULT_TTL;
  }

  private int intConfig(String key, int fallback) {
    Long v = PyText.parseInt(config().get(key), "s");
    return v == null ? fallback : v.intValue();
  }
}
