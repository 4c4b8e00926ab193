package io.vigil.bus;

import io.vigil.cluster.Cluster;
import io.vigil.config.Tags;
import io.vigil.postgres.PostgresState;
import java.util.Map;

/**
 * What this agent knows about itself after an HA cycle, published on {@link Addresses#HA_CYCLE}. The REST API
 * answers health checks and {@code GET /patroni} from the latest one and never waits on PostgreSQL or the DCS.
 *
 * @param role the member role string Patroni writes (primary, replica, standby_leader, demoted, ...)
 * @param message the cycle's decision message, worded as Patroni logs it
 * @param cluster the last cluster snapshot read from the DCS, null before the first successful read
 * @param dcsLastSeenEpochSeconds last time the DCS answered, 0 when never
 * @param lastCycleMonotonicMillis when the last cycle finished, for {@code /liveness}
 * @param longAction name of the running long action (bootstrap, clone, ...), null when idle
 * @param scheduledRestart the pending scheduled restart request, null when none
 * @param watchdogFailed mode required and the watchdog is not usable (Patroni's {@code watchdog_failed})
 * @param leaseConfirmed this cycle wrote the leader key (acquired or renewed), or kept its primary in failsafe
 *     mode with every member's acknowledgement: the moments Patroni feeds the watchdog (docs/watchdog.md §3)
 */
public record NodeStatus(
    String scope,
    String name,
    String role,
    String message,
    PostgresState postgres,
    Cluster cluster,
    Tags tags,
    boolean paused,
    boolean clusterUnlocked,
    boolean failsafeActive,
    long dcsLastSeenEpochSeconds,
    long lastCycleMonotonicMillis,
    int ttl,
    String longAction,
    Map<String, Object> scheduledRestart,
    boolean watchdogFailed,
    boolean leaseConfirmed) {

  /** A status that confirmed no lease (API fixtures, the state before the first cycle). */
  public NodeStatus(String scope, String name, String role, String message, PostgresState postgres, Cluster cluster,
      Tags tags, boolean paused, boolean clusterUnlocked, boolean failsafeActive, long dcsLastSeenEpochSeconds,
      long lastCycleMonotonicMillis, int ttl, String longAction, Map<String, Object> scheduledRestart,
      boolean watchdogFailed) {
    this(scope, name, role, message, postgres, cluster, tags, paused, clusterUnlocked, failsafeActive,
        dcsLastSeenEpochSeconds, lastCycleMonotonicMillis, ttl, longAction, scheduledRestart, watchdogFailed, false);
  }
}
