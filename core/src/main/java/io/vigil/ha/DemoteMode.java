package io.vigil.ha;

/**
 * How a primary steps down (docs/ha-rules.md §2.7). The runner maps each mode to a stop mode, whether a CHECKPOINT runs
 * before the stop, whether the leader key is released, and how PostgreSQL comes back as a replica.
 */
public enum DemoteMode {
  /** DCS unreachable while primary: fast stop, key kept (it expires), restart as replica without primary_conninfo. */
  OFFLINE("offline", "fast", false, false),
  /** Manual switchover or failover: CHECKPOINT, fast stop, release the key, restart as replica. */
  GRACEFUL("graceful", "fast", true, true),
  /** Unhealthy primary (start timeout, crash with primary_start_timeout 0, watchdog): immediate stop, release. */
  IMMEDIATE("immediate", "immediate", false, true),
  /** Lost the lock, or a primary without the lock: immediate stop, the key is not ours to release. */
  IMMEDIATE_NOLOCK("immediate-nolock", "immediate", false, false),
  /** The primary of a cluster being turned into a standby cluster: fast stop, becomes standby_leader. */
  DEMOTE_CLUSTER("demote-cluster", "fast", false, true);

  private final String patroniName;
  private final String stopMode;
  private final boolean checkpointBeforeStop;
  private final boolean releasesLeaderKey;

  DemoteMode(String patroniName, String stopMode, boolean checkpointBeforeStop, boolean releasesLeaderKey) {
    this.patroniName = patroniName;
    this.stopMode = stopMode;
    this.checkpointBeforeStop = checkpointBeforeStop;
    this.releasesLeaderKey = releasesLeaderKey;
  }

  /** The mode name as Patroni spells it ({@code immediate-nolock}). */
  public String patroniName() {
    return patroniName;
  }

  /** The {@code pg_ctl stop -m} mode. */
  public String stopMode() {
    return stopMode;
  }

  public boolean checkpointBeforeStop() {
    return checkpointBeforeStop;
  }

  /**
   * Whether the demote releases the leader key (early through the on_shutdown hook when a replica already has
   * the shutdown checkpoint, otherwise after the stop). For {@link #DEMOTE_CLUSTER} the runner keeps the key
   * when archive_command is set (docs/ha-rules.md §2.7).
   */
  public boolean releasesLeaderKey() {
    return releasesLeaderKey;
  }
}
