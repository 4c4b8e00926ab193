package io.vigil.ha;

import io.vigil.postgres.PostgresRole;

/**
 * The facts Patroni keeps in {@code Ha} fields between cycles, made explicit: {@link HaEngine#decide} gets the
 * previous value and returns the next one in {@link Decision#memory()}. The loop stores it as it is; when an
 * action fails, it keeps the memory of the decision anyway and applies the matching {@code after...} method
 * where an action's Javadoc says so.
 *
 * @param raceBackoffStartMillis when the cluster was first seen without a leader (primary_race_backoff
 *     window), null while a leader exists
 * @param lastWalPosition this node's WAL position in the previous cycle (Patroni's {@code _prev_wal_lsn})
 * @param rewind the timeline-divergence state
 * @param bootstrap how far this node's own bootstrap of a new cluster has got
 * @param recovering a start after failure was attempted (Patroni's {@code recovering}); checked once
 * @param startingSinceMillis when PostgreSQL was first seen in state {@code starting}, null otherwise
 * @param prePromoteFailedAtMillis when the pre_promote script last refused a promotion (skip races for ttl)
 * @param paused pause was on in the previous cycle (to notice a resume)
 * @param startupDone the first full cycle has run (the initialize takeover and on_start happen only before)
 * @param lostRace the last {@link Action.AcquireLeaderKey} answered false: the runner sets this with
 *     {@link #afterLostRace()} so that the next cycle words its follow message as Patroni does
 * @param lastRole the role PostgreSQL last had while running (a crashed primary restarts in place), or null
 * @param ssnChange the synchronous_standby_names this primary last saw and its flush LSN at that moment; null
 *     until a primary in synchronous mode first looks (see {@link SsnChange})
 * @param crashRecoveryTried single-user crash recovery was started since PostgreSQL last ran (Patroni's
 *     {@code _crash_recovery_started}): it is tried once, so that a run that leaves pg_control unclean (or is
 *     declined) cannot be asked for again every cycle
 */
public record HaMemory(
    Long raceBackoffStartMillis,
    Long lastWalPosition,
    RewindState rewind,
    BootstrapPhase bootstrap,
    boolean recovering,
    Long startingSinceMillis,
    Long prePromoteFailedAtMillis,
    boolean paused,
    boolean startupDone,
    boolean lostRace,
    PostgresRole lastRole,
    SsnChange ssnChange,
    boolean crashRecoveryTried) {

  /**
   * Patroni's {@code _primary_flush_lsn}: the primary's flush LSN when it first saw {@code value} as its
   * synchronous_standby_names. A standby that was not yet in {@code /sync} counts as synchronous only once its
   * flush position from pg_stat_replication reaches {@code primaryLsn}: only then does it hold every commit
   * that was acknowledged before PostgreSQL started to wait for it.
   */
  public record SsnChange(String value, long primaryLsn) {}

  /** Progress of this node's bootstrap of a new cluster (docs/ha-rules.md §2.1 step 9). */
  public enum BootstrapPhase {
    /** Not bootstrapping. */
    NONE,
    /** The bootstrap method finished; waiting for the end of recovery, then post_bootstrap runs. */
    BOOTSTRAPPED,
    /** post_bootstrap finished; the cycle writes initialize, config and the leader key. */
    POST_BOOTSTRAP_DONE
  }

  public HaMemory {
    rewind = rewind == null ? RewindState.INITIAL : rewind;
    bootstrap = bootstrap == null ? BootstrapPhase.NONE : bootstrap;
  }

  /** The memory of an agent that just started. */
  public static HaMemory initial() {
    return new HaMemory(null, null, RewindState.INITIAL, BootstrapPhase.NONE, false, null, null, false, false, false,
        null, null, false);
  }

  /** What the runner records when {@link Action.AcquireLeaderKey} answered false (another node won). */
  public HaMemory afterLostRace() {
    return withLostRace(true);
  }

  public HaMemory withRaceBackoffStart(Long millis) {
    return new HaMemory(millis, lastWalPosition, rewind, bootstrap, recovering, startingSinceMillis,
        prePromoteFailedAtMillis, paused, startupDone, lostRace, lastRole, ssnChange, crashRecoveryTried);
  }

  public HaMemory withLastWalPosition(Long lsn) {
    return new HaMemory(raceBackoffStartMillis, lsn, rewind, bootstrap, recovering, startingSinceMillis,
        prePromoteFailedAtMillis, paused, startupDone, lostRace, lastRole, ssnChange, crashRecoveryTried);
  }

  public HaMemory withRewind(RewindState state) {
    return new HaMemory(raceBackoffStartMillis, lastWalPosition, state, bootstrap, recovering, startingSinceMillis,
        prePromoteFailedAtMillis, paused, startupDone, lostRace, lastRole, ssnChange, crashRecoveryTried);
  }

  public HaMemory withBootstrap(BootstrapPhase phase) {
    return new HaMemory(raceBackoffStartMillis, lastWalPosition, rewind, phase, recovering, startingSinceMillis,
        prePromoteFailedAtMillis, paused, startupDone, lostRace, lastRole, ssnChange, crashRecoveryTried);
  }

  public HaMemory withRecovering(boolean value) {
    return new HaMemory(raceBackoffStartMillis, lastWalPosition, rewind, bootstrap, value, startingSinceMillis,
        prePromoteFailedAtMillis, paused, startupDone, lostRace, lastRole, ssnChange, crashRecoveryTried);
  }

  public HaMemory withStartingSince(Long millis) {
    return new HaMemory(raceBackoffStartMillis, lastWalPosition, rewind, bootstrap, recovering, millis,
        prePromoteFailedAtMillis, paused, startupDone, lostRace, lastRole, ssnChange, crashRecoveryTried);
  }

  public HaMemory withPrePromoteFailedAt(Long millis) {
    return new HaMemory(raceBackoffStartMillis, lastWalPosition, rewind, bootstrap, recovering, startingSinceMillis,
        millis, paused, startupDone, lostRace, lastRole, ssnChange, crashRecoveryTried);
  }

  public HaMemory withPaused(boolean value) {
    return new HaMemory(raceBackoffStartMillis, lastWalPosition, rewind, bootstrap, recovering, startingSinceMillis,
        prePromoteFailedAtMillis, value, startupDone, lostRace, lastRole, ssnChange, crashRecoveryTried);
  }

  public HaMemory withStartupDone(boolean value) {
    return new HaMemory(raceBackoffStartMillis, lastWalPosition, rewind, bootstrap, recovering, startingSinceMillis,
        prePromoteFailedAtMillis, paused, value, lostRace, lastRole, ssnChange, crashRecoveryTried);
  }

  public HaMemory withLostRace(boolean value) {
    return new HaMemory(raceBackoffStartMillis, lastWalPosition, rewind, bootstrap, recovering, startingSinceMillis,
        prePromoteFailedAtMillis, paused, startupDone, value, lastRole, ssnChange, crashRecoveryTried);
  }

  public HaMemory withSsnChange(SsnChange change) {
    return new HaMemory(raceBackoffStartMillis, lastWalPosition, rewind, bootstrap, recovering, startingSinceMillis,
        prePromoteFailedAtMillis, paused, startupDone, lostRace, lastRole, change, crashRecoveryTried);
  }

  public HaMemory withLastRole(PostgresRole role) {
    return new HaMemory(raceBackoffStartMillis, lastWalPosition, rewind, bootstrap, recovering, startingSinceMillis,
        prePromoteFailedAtMillis, paused, startupDone, lostRace, role, ssnChange, crashRecoveryTried);
  }

  public HaMemory withCrashRecoveryTried(boolean value) {
    return new HaMemory(raceBackoffStartMillis, lastWalPosition, rewind, bootstrap, recovering, startingSinceMillis,
        prePromoteFailedAtMillis, paused, startupDone, lostRace, lastRole, ssnChange, value);
  }
}
