package io.vigil.ha;

import io.vigil.config.Tags;
import io.vigil.postgres.PostgresRole;
import io.vigil.postgres.PostgresState;
import java.time.Instant;
import java.util.Objects;

/**
 * What this node knows about itself at the start of a cycle. Every value is read by the loop; "now" arrives
 * here so that {@link HaEngine#decide} never reads a clock.
 *
 * @param name this member's name
 * @param postgres the last PostgreSQL snapshot
 * @param dataDirectory facts from pg_controldata and the data directory that the recovery rules need
 * @param longAction the async action still running, null when idle
 * @param lastCompleted the async action that finished since the previous cycle (reported once), or null
 * @param leaderKey the result of this agent's last write to the leader key
 * @param nowMillis monotonic time (for timeouts and backoffs)
 * @param now wall-clock time (for {@code scheduled_at} of switchovers and restarts)
 * @param shutdownRequested SIGTERM received: this cycle decides the shutdown (docs/ha-rules.md §2.9)
 * @param requests REST requests waiting for the loop
 * @param synchronousStandbyNames the current {@code synchronous_standby_names} of PostgreSQL ("" when empty)
 * @param rewindPossible pg_rewind can run: {@code pg_rewind --help} works and wal_log_hints or checksums are on
 * @param divergence the verdict of the diverged-LSN check the loop ran because {@link HaMemory#rewind()} was
 *     {@link RewindState#CHECK}; null when not run
 * @param watchdog the watchdog device state
 */
public record LocalState(
    String name,
    Tags tags,
    PostgresState postgres,
    DataDirectory dataDirectory,
    LongAction longAction,
    LongAction.Completed lastCompleted,
    LeaderKeyWrite leaderKey,
    long nowMillis,
    Instant now,
    boolean shutdownRequested,
    Requests requests,
    String synchronousStandbyNames,
    boolean rewindPossible,
    Divergence divergence,
    Watchdog watchdog) {

  /** The same state with another outcome of the last leader-key write (a renewal that failed this cycle). */
  public LocalState withLeaderKey(LeaderKeyWrite outcome) {
    return new LocalState(name, tags, postgres, dataDirectory, longAction, lastCompleted, outcome, nowMillis, now,
        shutdownRequested, requests, synchronousStandbyNames, rewindPossible, divergence, watchdog);
  }

  public LocalState {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(postgres, "postgres");
    tags = tags == null ? Tags.none() : tags;
    dataDirectory = dataDirectory == null ? DataDirectory.UNKNOWN : dataDirectory;
    leaderKey = leaderKey == null ? LeaderKeyWrite.NONE : leaderKey;
    requests = requests == null ? Requests.NONE : requests;
    synchronousStandbyNames = synchronousStandbyNames == null ? "" : synchronousStandbyNames;
    watchdog = watchdog == null ? Watchdog.OFF : watchdog;
  }

  /**
   * pg_controldata's "Database cluster state" and files that say how PostgreSQL was left.
   *
   * @param controlState e.g. {@code in production}, {@code shut down}, {@code shut down in recovery},
   *     {@code in crash recovery}, {@code in archive recovery}; null when unknown
   * @param standbySignal standby.signal or recovery.conf exists
   * @param backupLabel backup_label exists (crash recovery in single-user mode is then not used)
   */
  public record DataDirectory(String controlState, boolean standbySignal, boolean backupLabel) {
    public static final DataDirectory UNKNOWN = new DataDirectory(null, false, false);

    /** States after which PostgreSQL can be started again as the primary it was (docs/ha-rules.md §2.7 recover step 2). */
    public boolean leftAsPrimary() {
      return controlState != null && switch (controlState) {
        case "in production", "in crash recovery", "shutting down", "shut down" -> true;
        default -> false;
      };
    }

    /**
     * A primary left running or mid-shutdown by a crash (Patroni's recover(): {@code in production},
     * {@code in crash recovery}, {@code shutting down}): single-user crash recovery makes it cleanly shut down.
     */
    public boolean crashedAsPrimary() {
      return controlState != null && switch (controlState) {
        case "in production", "in crash recovery", "shutting down" -> true;
        default -> false;
      };
    }
  }

  /** The diverged-LSN check's verdict. */
  public enum Divergence { NOT_DIVERGED, DIVERGED }

  /**
   * The watchdog device.
   *
   * @param usable the device can be opened and its timeout fits (slack >= 0); true when the mode is off
   * @param active armed right now; report true when the mode is off (there is nothing to arm), or every
   *     leader decision carries an {@link Action.ActivateWatchdog}
   * @param activationFailed the last ActivateWatchdog failed (the runner records it)
   */
  public record Watchdog(boolean usable, boolean active, boolean activationFailed) {
    public static final Watchdog OFF = new Watchdog(true, false, false);
  }

  /**
   * REST requests the loop has accepted and not yet carried out.
   *
   * @param restart a restart request (immediate or scheduled), null when none
   * @param reinitialize a reinitialize request, null when none
   */
  public record Requests(RestartRequest restart, ReinitializeRequest reinitialize) {
    public static final Requests NONE = new Requests(null, null);
  }

  /**
   * {@code POST /restart} (docs/postgres.md §6.10). The REST layer checked the filters for an immediate request; for a
   * scheduled one the engine checks {@code role} and {@code restartPending} when the time comes.
   *
   * @param scheduledAt null for "now"
   * @param timeoutSeconds start timeout; null means primary_start_timeout
   * @param role only restart while in this role; null for any
   * @param onlyIfPendingRestart {@code restart_pending: true}
   * @param postmasterStartTime the postmaster start time when the restart was scheduled: a different one now
   *     means PostgreSQL was restarted meanwhile and the request is dropped
   */
  public record RestartRequest(
      Instant scheduledAt, Integer timeoutSeconds, PostgresRole role, boolean onlyIfPendingRestart,
      String postmasterStartTime) {}

  /**
   * {@code POST /reinitialize}: {@code force} cancels a running long action; {@code fromLeader} clones only from
   * the leader.
   */
  public record ReinitializeRequest(boolean force, boolean fromLeader) {}
}
