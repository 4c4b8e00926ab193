package io.vigil.config;

import java.util.List;
import java.util.Map;

/**
 * The dynamic configuration as read from the DCS {@code /config} key (docs/configuration.md §5.1), with Patroni's defaults
 * and minimums applied and {@code loop_wait + 2*retry_timeout <= ttl} enforced. Built by
 * {@code GlobalConfigParser}; an invalid value falls back to its default with a warning, never an error,
 * because a bad value written by someone else must not stop the agent.
 */
public record GlobalConfig(
    int ttl,
    int loopWait,
    int retryTimeout,
    long maximumLagOnFailover,
    long maximumLagOnSyncnode,
    int maxTimelinesHistory,
    int primaryStartTimeout,
    int primaryStopTimeout,
    int primaryRaceBackoff,
    SynchronousMode synchronousMode,
    boolean synchronousModeStrict,
    int synchronousNodeCount,
    boolean failsafeMode,
    boolean checkTimeline,
    boolean pause,
    int memberSlotsTtl,
    /** permanent slots: name → {type, database, plugin, cluster_type} */
    Map<String, Map<String, Object>> slots,
    List<Map<String, Object>> ignoreSlots,
    /** null unless this is a standby cluster (host, port or restore_command set) */
    Map<String, Object> standbyCluster,
    boolean usePgRewind,
    boolean useSlots,
    Map<String, Object> postgresqlParameters,
    List<String> pgHba,
    /** the whole value as stored, for REST {@code GET /config} and edits */
    Map<String, Object> raw) {

  public enum SynchronousMode {
    OFF, ON, QUORUM;

    public boolean enabled() {
      return this != OFF;
    }
  }

  public boolean isStandbyCluster() {
    return standbyCluster != null;
  }

  /**
   * The standby cluster section read into its keys (docs/standby-cluster.md §1), null when this is not a
   * standby cluster.
   *
   * @throws IllegalArgumentException naming the key when a value is unusable
   */
  public StandbyCluster standbyClusterSettings() {
    if (standbyCluster == null) {
      return null;
    }
    List<String> problems = new java.util.ArrayList<>();
    StandbyCluster sc = StandbyCluster.parse(standbyCluster,
        (k, m) -> problems.add("standby_cluster." + k + ": " + m));
    if (sc == null) {
      throw new IllegalArgumentException(String.join("; ", problems) + " (dynamic configuration, /config)");
    }
    return sc;
  }
}
