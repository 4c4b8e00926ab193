package io.vigil.api;

import io.vigil.bus.NodeStatus;
import io.vigil.cluster.Cluster;
import io.vigil.patroni.DynamicConfig;
import java.util.Map;

/**
 * The facts Patroni's REST handler derives from its live objects, derived here from the last {@link NodeStatus}
 * and the clock. {@code cluster} plays Patroni's {@code dcs.cluster}: the snapshot counts only while it is
 * younger than ttl, measured from the last time the DCS answered.
 *
 * @param cluster the valid cluster view, null when missing or expired
 * @param leader this node holds a non-expired leader key ({@code ha.is_leader()})
 * @param postgresOutdated the HA loop has not published for longer than ttl, so its PostgreSQL facts cannot be
 *     presented as current (see {@link #of})
 */
record NodeView(NodeStatus status, Cluster cluster, boolean leader, long nowEpochMillis, boolean postgresOutdated) {

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
    // Patroni asks PostgreSQL on every request; Vigil answers from the last cycle's status. A status older than ttl
    // means the loop missed its own deadline (loop_wait + 2 x retry_timeout <= ttl), most often because the whole
    // process was stopped: a watchdog may have killed the postmaster meanwhile, and the first answers after a thaw
    // must not call it a running primary. Answered as Patroni answers when its query fails (docs/rest-api.md §3.3).
    boolean outdated = clock.monotonicMillis() - status.lastCycleMonotonicMillis() > ttl * 1000L;
    return new NodeView(status, valid, leader, now, outdated);
  }

  /** The dynamic config Patroni reads from {@code global_config.from_cluster(dcs.cluster)}. */
  Map<String, Object> config() {
    Cluster c = status.cluster();
    return c != null && c.config() != null ? c.config().data() : Map.of();
  }

  /** Patroni's {@code global_config}: the questions REST answers ask of {@code /config}. */
  DynamicConfig dynamicConfig() {
    return new DynamicConfig(config());
  }

  boolean standbyCluster() {
    return dynamicConfig().isStandbyCluster();
  }

  boolean synchronousMode() {
    return dynamicConfig().isSynchronousMode();
  }

  boolean quorumMode() {
    return dynamicConfig().isQuorumCommitMode();
  }

  boolean failsafeMode() {
    return dynamicConfig().checkMode("failsafe_mode");
  }

  long maximumLagOnFailover() {
    return dynamicConfig().getInt("maximum_lag_on_failover", 1048576L, "B");
  }

  int ttl() {
    return status.ttl() > 0 ? status.ttl() : DEFAULT_TTL;
  }
}
