package io.vigil.postgres;

/** The demote modes of docs/ha-rules.md §2.7 (the leader-key handling is the HA loop's part, not the controller's). */
public enum DemoteMode {
  /** DCS unreachable while primary: fast stop, restart as a replica of nobody. */
  OFFLINE("offline", StopMode.FAST, false),
  /** Switchover or manual failover: CHECKPOINT, then fast stop. */
  GRACEFUL("graceful", StopMode.FAST, true),
  /** Unhealthy primary: immediate stop. */
  IMMEDIATE("immediate", StopMode.IMMEDIATE, false),
  /** Lost the lock: immediate stop. */
  IMMEDIATE_NOLOCK("immediate-nolock", StopMode.IMMEDIATE, false);

  private final String patroniName;
  private final StopMode stopMode;
  private final boolean checkpointFirst;

  DemoteMode(String patroniName, StopMode stopMode, boolean checkpointFirst) {
    this.patroniName = patroniName;
    this.stopMode = stopMode;
    this.checkpointFirst = checkpointFirst;
  }

  public String patroniName() {
    return patroniName;
  }

  public StopMode stopMode() {
    return stopMode;
  }

  public boolean checkpointFirst() {
    return checkpointFirst;
  }
}
