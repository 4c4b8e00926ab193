package io.vigil.ha;

/**
 * What another member answered on {@code GET /patroni} (docs/rest-api.md §3.3), fetched by the loop in parallel with a 2 s
 * timeout and no retry when {@link HaEngine#peerStatusesNeeded} says so. An unreachable member is
 * {@link #unreachable(String)}.
 *
 * @param walPosition a primary's {@code xlog.location}, a replica's max(received, replayed); null when unknown
 * @param primary the answer shows {@code xlog.location} or role primary: the old primary is alive
 * @param nofailover the member's {@code tags.nofailover} (or failover_priority <= 0)
 * @param failoverPriority the member's failover_priority (1 by default, 0 with nofailover)
 * @param watchdogFailed {@code watchdog_failed: true} in the answer: it may not lead
 */
public record PeerStatus(
    String name,
    boolean reachable,
    boolean primary,
    Long walPosition,
    Integer timeline,
    boolean nofailover,
    int failoverPriority,
    boolean watchdogFailed) {

  public static PeerStatus unreachable(String name) {
    return new PeerStatus(name, false, false, null, null, false, 0, false);
  }

  /** Reachable and allowed to lead: what Patroni's {@code failover_limitation()} calls no limitation. */
  public boolean mayPromote() {
    return reachable && !nofailover && !watchdogFailed;
  }

  public long wal() {
    return walPosition == null ? 0 : walPosition;
  }
}
