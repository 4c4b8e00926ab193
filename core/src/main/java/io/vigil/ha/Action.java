package io.vigil.ha;

import io.vigil.postgres.PostgresRole;
import java.util.List;
import java.util.Map;

/**
 * One step of a {@link Decision}. The runner executes a decision's actions in order and stops at the first
 * failure, because each action is the precondition of the next (no {@link Promote} unless the
 * {@link AcquireLeaderKey} before it succeeded). After a failure it records what the failed action's Javadoc
 * says, still runs a trailing {@link TouchMember} (Patroni touches its member key in a {@code finally}), and
 * starts a new cycle at once.
 *
 * <p>"Async" actions are handed to the async executor (one long action at a time, named by
 * {@code asyncName}); handing over is their success, and their outcome comes back next cycle as
 * {@link LocalState#lastCompleted()}. A busy executor is a failure.
 */
public sealed interface Action {

  /**
   * Create the leader key with this member's name if no leader key exists ({@code Dcs.acquireLeaderKey}).
   * False = another node won: record {@link LeaderKeyWrite#NONE}, store {@link HaMemory#afterLostRace()} and
   * stop; the next cycle follows the winner. True = record {@link LeaderKeyWrite#HELD}.
   */
  record AcquireLeaderKey() implements Action {}

  /**
   * Refresh the leader key ({@code Dcs.renewLeaderKey}), then write {@code /status} if the optime or slots
   * changed (docs/dcs-layout.md §1.3) and pet the watchdog. False = record {@link LeaderKeyWrite#LOST}; a
   * DcsUnavailableException = record {@link LeaderKeyWrite#UNREACHABLE}; either way stop: the next cycle
   * demotes.
   */
  record RenewLeaderKey() implements Action {}

  /**
   * Voluntary release: write {@code status.optime} = the last checkpoint LSN, then delete the leader key with
   * CAS on our own value ({@code Dcs.releaseLeaderKey}); record {@link LeaderKeyWrite#NONE} whatever the result.
   * Never fails the decision: a key that is already gone, or cannot be deleted, expires with its lease.
   */
  record ReleaseLeaderKey() implements Action {}

  /** Write the leader key unconditionally right after this node bootstrapped the cluster; record HELD. */
  record TakeLeaderKey() implements Action {}

  /**
   * Write {@code initialize} = {@code systemId}. With {@code createOnly} the write happens only if the key is
   * absent: the bootstrap race (value {@code ""}, docs/ha-rules.md §2.10) or the takeover of an existing data directory;
   * false = another node was first, stop. Otherwise the value is written unconditionally.
   */
  record InitializeCluster(String systemId, boolean createOnly) implements Action {}

  /** Delete {@code initialize} after a failed bootstrap so that another node may try. */
  record CancelInitialization() implements Action {}

  /** Write {@code /config} with the given dynamic configuration (after bootstrap, or when it is missing). */
  record WriteDynamicConfig(Map<String, Object> config) implements Action {
    public WriteDynamicConfig {
      config = config == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(config));
    }
  }

  /** Async {@code "bootstrap"}: run {@code bootstrap.method} (initdb or custom) and start PostgreSQL (docs/postgres.md §6.1). */
  record Bootstrap() implements Action {}

  /**
   * Async {@code "post_bootstrap"}: create/alter the superuser, replication and rewind roles, run the
   * post_bootstrap script (docs/postgres.md §6.1).
   */
  record PostBootstrap() implements Action {}

  /**
   * Async: create a replica (create_replica_methods, docs/postgres.md §6.2) from member {@code from}, then start it following
   * the leader. {@code from} null = the leader; with {@code withoutLeader} only {@code no_leader} methods may run;
   * with {@code standbyLeader} the source is the remote {@code standby_cluster} member. The async name is
   * {@code asyncName} ({@code "bootstrap from leader 'pg1'"}).
   */
  record Clone(String from, boolean withoutLeader, boolean standbyLeader, String asyncName) implements Action {}

  /**
   * Async: start PostgreSQL in {@code role}. For a replica, {@code follow} names the member whose conn_url goes
   * into primary_conninfo (null = none: start without primary_conninfo); with {@code remote} it follows the
   * {@code standby_cluster} remote member instead. {@code timeoutSeconds} bounds the wait for a primary (null =
   * pg_ctl_timeout).
   */
  record StartPostgres(PostgresRole role, String follow, boolean remote, Integer timeoutSeconds, String asyncName)
      implements Action {}

  /**
   * Stop PostgreSQL ({@code pg_ctl stop -m mode}). With {@code releaseKeyOnShutdownCheckpoint} the on_shutdown
   * hook runs: once pg_control says shut down, if some replica already has the shutdown checkpoint (ask the
   * members' {@code /patroni}), release the leader key at once with optime = the previous checkpoint (docs/ha-rules.md §2.9).
   * Failure (PG still running) = stop: the key is kept.
   */
  record StopPostgres(String mode, boolean releaseKeyOnShutdownCheckpoint) implements Action {}

  /** Move the data directory aside ({@code <data_dir>_<timestamp>}) after a failed bootstrap. */
  record MoveDataDirectoryAside() implements Action {}

  /**
   * Async {@code "restart"}: restart PostgreSQL in its current role with start timeout {@code timeoutSeconds}
   * (null = primary_start_timeout). Consumes the pending restart request.
   */
  record Restart(Integer timeoutSeconds) implements Action {}

  /** Forget the pending (scheduled) restart request: stale, its conditions no longer hold, or refused in pause. */
  record DropRestartRequest() implements Action {}

  /**
   * Async {@code "promote"}: run pre_promote (a non-zero exit cancels), {@code pg_ctl promote -W}, role
   * {@code promoted}, on_role_change(primary), then poll pg_controldata up to loop_wait for {@code in production}.
   * Only ever emitted after an action that made or kept this node the leader-key holder in the same decision.
   * A failed promote comes back as {@link LocalState#lastCompleted()}; the next cycle releases the key.
   */
  record Promote() implements Action {}

  /**
   * Async {@code "demote"}: step down in {@code mode} (docs/ha-rules.md §2.7 table and steps: diverged check, stop,
   * on_shutdown hook for modes that release the key, role demoted, release the key if not yet released,
   * clear synchronous_standby_names, start as replica following {@code follow} (null = nobody yet)). The runner
   * records {@link LeaderKeyWrite#NONE} when the mode released the key. A demote never waits for the async
   * executor: when it is busy with something else, cancel that first (Patroni then demotes from the main
   * thread). The engine never asks for a demote while one is running.
   */
  record Demote(DemoteMode mode, String follow) implements Action {}

  /**
   * Make the running replica follow {@code member} (null = nobody: no primary_conninfo; {@code remote} = the
   * standby_cluster remote member). Rewrites the recovery settings only when they changed: reload when only
   * reloadable fields changed (PG13+ primary_conninfo), otherwise restart, unless {@code mayRestart} is false
   * (pause). {@code role} is the role to publish (replica or standby_leader).
   */
  record Follow(String member, boolean remote, PostgresRole role, boolean mayRestart) implements Action {}

  /**
   * Async: pg_rewind from the member {@code from}, or from the remote primary of a standby cluster when
   * {@code remote} (docs/ha-rules.md §2.7 rewind, docs/standby-cluster.md §5); success/failure comes back as
   * lastCompleted. Afterwards the node follows whom it should follow: the remote primary as the standby leader,
   * otherwise the leader.
   */
  record Rewind(String from, boolean remote, String asyncName) implements Action {
    public Rewind(String from, String asyncName) {
      this(from, false, asyncName);
    }

    public static Rewind fromRemotePrimary(String asyncName) {
      return new Rewind(null, true, asyncName);
    }
  }

  /**
   * Async {@code "reinitialize"}: stop PG (immediate), wipe the data dir, clone from {@code from} (null = a
   * clonefrom member or the leader) and start as replica. {@code fromLeader} restricts to the leader and
   * basebackup. Consumes a pending reinitialize request.
   */
  record Reinitialize(String from, boolean fromLeader) implements Action {}

  /**
   * Async {@code "doing crash recovery in a single user mode"}: {@code postgres --single} to a clean shut down.
   * {@code beforeRewind}: a pg_rewind follows, so a crashed replica's recovery ({@code in archive recovery}) is
   * ended too; otherwise only a crashed primary's pg_control is recovered (docs/ha-rules.md §2.7).
   */
  record CrashRecovery(boolean beforeRewind) implements Action {}

  /** Cancel the running long action (kill a starting postmaster, abort a promote). */
  record CancelLongAction() implements Action {}

  /** Clear {@code /failover} by writing {@code {}} with CAS on {@code version}; false = changed meanwhile, go on. */
  record ClearFailoverKey(long version) implements Action {}

  /**
   * Rewrite {@code /failover} as {@code {"member": candidate}} with CAS on {@code version} (a paused switchover
   * that reached its candidate keeps naming it until the promotion is done); false = changed meanwhile, go on.
   */
  record WriteFailoverCandidate(String candidate, long version) implements Action {}

  /**
   * Write {@code /sync} = {leader, sync_standby (sorted, comma-joined, null when empty), quorum} with CAS on
   * {@code expectedVersion} (null = create). False = someone else changed it: stop (the cycle's message then no
   * longer holds; a promotion is postponed).
   */
  record WriteSyncState(String leader, List<String> syncStandbys, Integer quorum, Long expectedVersion)
      implements Action {
    public WriteSyncState {
      syncStandbys = syncStandbys == null ? List.of() : List.copyOf(syncStandbys);
    }
  }

  /** Delete {@code /sync} (ZooKeeper writes {@code {}}) with CAS when synchronous mode was switched off. */
  record DeleteSyncState(Long expectedVersion) implements Action {}

  /**
   * Set {@code synchronous_standby_names} to {@code value} and reload; null restores the user's own value
   * (synchronous mode off). The value is already formatted by {@link SyncStandbys}.
   */
  record ApplySynchronousStandbyNames(String value) implements Action {}

  /**
   * Rewrite {@code /history} from PostgreSQL's timeline history file, each new line with the promotion time and
   * this member's name, keeping the last {@code maxTimelinesHistory} lines when > 0; write only when changed.
   */
  record WriteHistory(int maxTimelinesHistory) implements Action {}

  /** Write {@code members/<name>} (docs/dcs-layout.md §1.2). Runs last in every decision, even after a failure. */
  record TouchMember() implements Action {}

  /**
   * Failsafe bookkeeping of the leader (docs/ha-rules.md §2.8): set the "failsafe active" flag REST shows to {@code active}.
   * With {@code active} false (the DCS answered) and failsafe_mode on, also write {@code /failsafe} (all members
   * with an api_url plus the leader) when it changed. With {@code active} true there is no DCS write.
   */
  record UpdateFailsafe(boolean active) implements Action {}

  /** Keep the watchdog alive without a leader-key renewal (failsafe mode while the DCS is unreachable). */
  record PetWatchdog() implements Action {}

  /** Arm the watchdog. Failure = record {@link LocalState.Watchdog#activationFailed()} and stop. */
  record ActivateWatchdog() implements Action {}

  /** Disarm the watchdog (pause, not leading, data dir empty, shutdown). */
  record DisableWatchdog() implements Action {}

  /** Stop the agent with {@code code} after logging {@code reason} (CRITICAL/FATAL for code != 0). */
  record Exit(String reason, int code) implements Action {}
}
