package io.vigil.ha;

/**
 * The result of this agent's last write to the leader key (acquire, renew, take or release), as the runner
 * recorded it. The cluster snapshot says whose name the key holds; this says whether our own last attempt to
 * keep it worked, which is what Patroni's {@code update_lock()} answers within a cycle.
 */
public enum LeaderKeyWrite {
  /** No write yet since the agent started, or the key was released or a race was lost. */
  NONE,
  /** The last acquire, renew or take succeeded. */
  HELD,
  /** The last renew answered false: the key is not ours any more (CAS failed, lease gone). */
  LOST,
  /**
   * The last renew failed with DcsUnavailableException: a running, unpaused primary is handled as cut off from
   * the DCS (docs/ha-rules.md §2.8); any other node simply tries the key again.
   */
  UNREACHABLE
}
