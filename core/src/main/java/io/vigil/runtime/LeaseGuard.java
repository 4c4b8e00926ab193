package io.vigil.runtime;

/**
 * How long this node may still run a writable primary on the strength of its last successful leader-key write,
 * whatever the HA loop is doing. The key expires ttl seconds after the last renewal that etcd/ZooKeeper
 * accepted; the renewal may have been applied as late as its answer but no earlier than its request, so the
 * lease is counted from the moment the request was <em>sent</em>. A replica may promote as soon as the key is
 * gone, so the primary must have stopped taking writes a safety margin before that (Patroni's watchdog uses the
 * same 5 s margin by default).
 *
 * <p>A confirmed failsafe round (every member answered {@code POST /failsafe}) holds those members off the race
 * for ttl seconds from the moment the round was sent, so it extends the entitlement the same way.
 *
 * <p>Pure bookkeeping on monotonic milliseconds; the loop owns the clock and decides what to do when
 * {@link #mustStepDown} says so. It is told of every change of the step-down point ({@link #onChange}), so that
 * its timer can sleep until that point instead of waking up to poll: a replica holds no lease and never wakes
 * for it, a healthy leader renews before the point and so never either. Used only on the loop's context.
 */
final class LeaseGuard {
  static final long SAFETY_MARGIN_MILLIS = 5_000;

  /** Monotonic ms until which the last write keeps the key alive; {@link Long#MIN_VALUE}: no lease held. */
  private long heldUntilMillis = Long.MIN_VALUE;
  private Runnable onChange = () -> {};

  /** Called (on the loop's context) whenever the step-down point moves or the lease is dropped. */
  void onChange(Runnable listener) {
    this.onChange = listener;
  }

  /** A leader-key write (acquire, renew, take) sent at {@code sentAtMillis} succeeded with this ttl. */
  void renewed(long sentAtMillis, int ttlSeconds) {
    extend(sentAtMillis + ttlSeconds * 1000L);
  }

  /** A failsafe round sent at {@code sentAtMillis} was acknowledged by every member. */
  void failsafeConfirmed(long sentAtMillis, int ttlSeconds) {
    if (heldUntilMillis != Long.MIN_VALUE) {
      extend(sentAtMillis + ttlSeconds * 1000L);
    }
  }

  private void extend(long untilMillis) {
    if (untilMillis > heldUntilMillis) {
      heldUntilMillis = untilMillis;
      onChange.run();
    }
  }

  /** The key was released, found to belong to someone else, or this node stepped down: nothing left to guard. */
  void dropped() {
    if (heldUntilMillis != Long.MIN_VALUE) {
      heldUntilMillis = Long.MIN_VALUE;
      onChange.run();
    }
  }

  boolean holding() {
    return heldUntilMillis != Long.MIN_VALUE;
  }

  /** Milliseconds left before the step-down point; negative once it has passed; MAX_VALUE when nothing is held. */
  long millisLeft(long nowMillis) {
    return holding() ? heldUntilMillis - SAFETY_MARGIN_MILLIS - nowMillis : Long.MAX_VALUE;
  }

  /** True when a lease was held and its step-down point has passed. */
  boolean mustStepDown(long nowMillis) {
    return holding() && millisLeft(nowMillis) <= 0;
  }
}
