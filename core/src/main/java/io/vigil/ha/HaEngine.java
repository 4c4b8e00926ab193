package io.vigil.ha;

import io.vigil.cluster.Cluster;
import io.vigil.cluster.Failover;
import io.vigil.cluster.Member;
import io.vigil.cluster.SyncState;
import io.vigil.config.GlobalConfig;
import io.vigil.config.StandbyCluster;
import io.vigil.postgres.PostgresRole;
import io.vigil.postgres.PostgresState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The HA decision rules of Patroni's {@code Ha._run_cycle} (docs/ha-rules.md), as a pure function: values in, a
 * {@link Decision} out. No clock, no I/O, no logging: "now" and every cross-cycle fact arrive as arguments, and
 * the decision's message is the cycle's log line.
 *
 * <p>The loop that uses it: gathers a {@link ClusterView} (asking members' {@code /patroni} only when
 * {@link #peerStatusesNeeded} says so, and probing {@code POST /failsafe} only when
 * {@link #failsafeProbeNeeded} does, and running the diverged-LSN check against whom {@link #divergenceCheck}
 * names), builds the {@link LocalState}, calls {@link #decide}, stores {@link Decision#memory()}, runs the
 * actions in order as {@link Action} describes, logs the message, and publishes the outcome.
 */
public final class HaEngine {

  private static final Pattern VALID_SYSID = Pattern.compile("^\\d{10,}$");
  /** The async name of a standby cluster's bootstrap (patroni/ha.py {@code bootstrap_standby_leader}). */
  public static final String BOOTSTRAP_STANDBY_LEADER = "bootstrap_standby_leader";
  /** Patroni's demote reason for a writable primary in a standby cluster ({@code enforce_follow_remote_member}). */
  private static final String NOT_A_REAL_PRIMARY = "cannot be a real primary in standby cluster";
  /** How the decision log names the source of a standby cluster's pg_rewind. */
  static final String REMOTE_PRIMARY = "the remote primary";

  /**
   * Decides this cycle. The body is Patroni's guard order (docs/ha-rules.md §2.1): the first guard that has something to
   * say ends the cycle.
   */
  public Decision decide(ClusterView view, LocalState local, HaMemory memory, HaSettings settings) {
    return new Cycle(view, local, memory, settings).run();
  }

  /**
   * Whether the loop should fetch the other members' {@code GET /patroni} before deciding: when no leader holds
   * the key (the race, docs/ha-rules.md §2.4), when a failover key is set (switchover checks), and when this node holds the
   * key but PostgreSQL is not running healthily (failover after a crash or a start timeout).
   */
  public static boolean peerStatusesNeeded(ClusterView view, LocalState local) {
    Cluster c = view.cluster();
    if (!view.dcsReachable() || c == null) {
      return false;
    }
    return c.isUnlocked() || c.failover() != null
        || local.name().equals(c.leaderName()) && !local.postgres().isHealthy();
  }

  /**
   * Whether the loop should {@code POST /failsafe} to every member listed in {@code /failsafe} (2 s timeout, one
   * retry) and pass the names that answered {@code Accepted} as {@link ClusterView#failsafeAcks()}: a running
   * primary, not paused, in failsafe mode, cut off from the DCS, and itself listed in {@code /failsafe}.
   */
  public static boolean failsafeProbeNeeded(ClusterView view, LocalState local, HaSettings settings) {
    Cluster c = view.cluster();
    boolean paused = settings.global().pause() || c != null && c.isPaused();
    return cutOffFromDcs(view, local, paused) && settings.global().failsafeMode() && !paused
        && local.postgres().isPrimary()
        && c != null && c.failsafe() != null && c.failsafe().members().containsKey(local.name());
  }

  /** Where the diverged-LSN check reads the timeline it compares the local one with. */
  public enum DivergenceCheck {
    /** No check this cycle. */
    NONE,
    /** Against the leader key holder, a running primary of this cluster. */
    LEADER,
    /**
     * Against the remote primary of a standby cluster ({@code standby_cluster.host}/{@code port}): every member
     * of a standby cluster rewinds from there, as patroni/ha.py {@code _handle_rewind_or_reinitialize} does, since
     * its own leader is in recovery.
     */
    REMOTE_PRIMARY
  }

  /**
   * Whether the loop should run the diverged-LSN check (docs/ha-rules.md §2.7 rewind, "The check") and pass the
   * verdict as {@link LocalState#divergence()}, and against whom: a check is pending, no long action is running,
   * the local server is not a primary, and either a leader other than this node runs as primary or this is a
   * standby cluster whose remote primary has a host or port. Patroni checks inside the cycle, never while an
   * async action runs: the check reads pg_control of a stopped server, which a running crash recovery or
   * pg_rewind is rewriting (and a second {@code postgres --single} would find the first one's lock file).
   */
  public static DivergenceCheck divergenceCheck(ClusterView view, LocalState local, HaMemory memory,
      HaSettings settings) {
    Cluster c = view.cluster();
    if (memory.rewind() != RewindState.CHECK || local.longAction() != null || c == null
        || local.postgres().isPrimary()) {
      return DivergenceCheck.NONE;
    }
    GlobalConfig gc = settings.global();
    if (gc.isStandbyCluster()) {
      return remotePrimaryAddressed(gc) ? DivergenceCheck.REMOTE_PRIMARY : DivergenceCheck.NONE;
    }
    String leader = c.leaderName();
    boolean leaderIsPrimary = !c.isUnlocked() && leader != null && !leader.equals(local.name())
        && c.member(leader).map(m -> "primary".equals(m.role())).orElse(false);
    return leaderIsPrimary ? DivergenceCheck.LEADER : DivergenceCheck.NONE;
  }

  /** A standby cluster whose section names a host or port: its remote primary can be asked and rewound from. */
  static boolean remotePrimaryAddressed(GlobalConfig gc) {
    try {
      StandbyCluster sc = gc.standbyClusterSettings();
      return sc != null && sc.hasConnection();
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * The DCS did not answer this cycle, or (docs/ha-rules.md §2.8: update_lock failing with a DCS error) the last renewal of
   * a running, unpaused primary's key could not reach it. A node that is no longer such a primary goes on with
   * the normal rules, which try the key again.
   */
  static boolean cutOffFromDcs(ClusterView view, LocalState local, boolean paused) {
    return !view.dcsReachable()
        || local.leaderKey() == LeaderKeyWrite.UNREACHABLE && !paused && local.postgres().isPrimary();
  }

  static boolean validSysid(String value) {
    return value != null && VALID_SYSID.matcher(value).matches();
  }

  /** Where a node streams from (docs/ha-rules.md §2.2): a member name, the standby_cluster remote member, or nobody. */
  private record Target(String member, boolean remote) {
    static final Target NOBODY = new Target(null, false);
    static final Target REMOTE = new Target(null, true);
  }

  /** When a scheduled action (switchover, restart) is due (Patroni's {@code should_run_scheduled_action}). */
  private enum Schedule { AWAIT, STALE, DUE }

  /** One evaluation: the inputs, the actions so far and the next memory. */
  private static final class Cycle {
    private final ClusterView view;
    private final LocalState local;
    private final HaSettings settings;
    private final GlobalConfig gc;
    private final Cluster c;
    private final String me;
    private final PostgresState pg;
    private final boolean paused;
    private final List<Action> actions = new ArrayList<>();
    private HaMemory memory;
    private Long wakeIn;
    /** The previous cycle lost the leader race: this cycle's follow message says so (consumed once). */
    private final boolean lostRace;

    Cycle(ClusterView view, LocalState local, HaMemory memory, HaSettings settings) {
      this.view = Objects.requireNonNull(view, "view");
      this.local = Objects.requireNonNull(local, "local");
      HaMemory previous = memory == null ? HaMemory.initial() : memory;
      this.lostRace = previous.lostRace();
      this.memory = previous.withLostRace(false);
      this.settings = Objects.requireNonNull(settings, "settings");
      this.gc = settings.global();
      this.c = view.cluster();
      this.me = local.name();
      this.pg = local.postgres();
      this.paused = c != null ? c.isPaused() || gc.pause() : gc.pause();
    }

    Decision run() {
      if (cutOffFromDcs(view, local, paused)) {
        return finish(dcsUnreachable(), false);
      }
      Objects.requireNonNull(c, "a reachable DCS gives a cluster");
      if (local.shutdownRequested()) {
        return finish(shutdown(), false);
      }
      String unknownState = postgresStateUnknown();
      if (unknownState != null) {
        return finish(unknownState, true);
      }
      pauseBookkeeping();
      if (!c.isUnlocked()) {
        memory = memory.withRaceBackoffStart(null);
      }
      leaderHousekeeping();

      String message = firstOf(
          this::reinitializeRequested,
          this::asyncActionRunning,
          this::startingInstance,
          this::postBootstrap,
          this::afterStartAttempt,
          this::emptyDataDirectory,
          this::dataDirectoryChecks,
          this::postgresNotRunning,
          this::clusterRules);
      if (actions.stream().anyMatch(a -> a instanceof Action.Exit)) {
        return new Decision(actions, message, memory, null);
      }
      firstCycleBookkeeping();
      return finish(message, true);
    }

    @SafeVarargs
    private String firstOf(java.util.function.Supplier<String>... guards) {
      for (var guard : guards) {
        String message = guard.get();
        if (message != null) {
          return message;
        }
      }
      throw new IllegalStateException("clusterRules always answers");
    }

    private Decision finish(String message, boolean dcsAnswered) {
      if (dcsAnswered) {
        if (gc.failsafeMode() && isLockOwner()) {
          actions.add(new Action.UpdateFailsafe(false));
        }
        actions.add(new Action.TouchMember());
      }
      memory = memory.withLastWalPosition(myWal());
      if (memory.ssnChange() != null && !pg.isPrimary() && pg.role() != PostgresRole.PROMOTED) {
        // a reference LSN from an earlier term as primary must not vouch for standbys in the next one
        memory = memory.withSsnChange(null);
      }
      if (pg.running() && pg.role() != null) {
        memory = memory.withLastRole(pg.role());
      }
      return new Decision(actions, message, memory, wakeIn);
    }

    // ---- small facts ---------------------------------------------------------------------------------------

    private boolean isLockOwner() {
      return c != null && me.equals(c.leaderName());
    }

    private boolean standbyCluster() {
      return gc.isStandbyCluster();
    }

    private long myWal() {
      long receive = pg.receiveLsn() == null ? 0 : pg.receiveLsn();
      long replay = pg.replayLsn() == null ? 0 : pg.replayLsn();
      long wal = pg.walPosition() == null ? 0 : pg.walPosition();
      return pg.isPrimary() ? wal : Math.max(wal, Math.max(receive, replay));
    }

    private boolean syncModeActive() {
      return gc.synchronousMode().enabled() && !standbyCluster() && c.sync() != null && c.sync().leader() != null;
    }

    private boolean quorumActive() {
      return syncModeActive() && gc.synchronousMode() == GlobalConfig.SynchronousMode.QUORUM;
    }

    private boolean rewindOrReinitAllowed() {
      return settings.usePgRewind() || settings.removeDataDirectoryOnDivergedTimelines();
    }

    private void triggerDivergedCheck() {
      if (rewindOrReinitAllowed() && memory.rewind() != RewindState.NEED) {
        memory = memory.withRewind(RewindState.CHECK);
      }
    }

    private LongAction.Completed completed(LongAction.Kind kind) {
      LongAction.Completed done = local.lastCompleted();
      return done != null && done.action().kind() == kind ? done : null;
    }

    private Schedule schedule(Instant at) {
      long deltaMillis = Duration.between(local.now(), at).toMillis();
      if (deltaMillis > gc.loopWait() * 1000L) {
        return Schedule.AWAIT;
      }
      if (deltaMillis < -(long) (gc.loopWait() * 1500L)) {
        return Schedule.STALE;
      }
      if (deltaMillis > 0) {
        // Patroni sleeps until the time; a pure engine asks to be woken then instead
        wakeIn = deltaMillis;
        return Schedule.AWAIT;
      }
      return Schedule.DUE;
    }

    // ---- bookkeeping before the guards (docs/ha-rules.md §2.1 steps 3, 5, 6) ------------------------------

    private void pauseBookkeeping() {
      if (paused && local.watchdog().active()) {
        actions.add(new Action.DisableWatchdog());
      }
      if (memory.paused() && !paused) {
        // someone may have changed things by hand while paused
        memory = memory.withRewind(RewindState.INITIAL);
      }
      memory = memory.withPaused(paused);
    }

    private void leaderHousekeeping() {
      if (!isLockOwner() || local.leaderKey() == LeaderKeyWrite.LOST) {
        return;
      }
      if (!validSysid(c.initialize()) && validSysid(pg.systemId())) {
        actions.add(new Action.InitializeCluster(pg.systemId(), false));
      }
      if (c.config() == null || c.config().data().isEmpty()) {
        actions.add(new Action.WriteDynamicConfig(gc.raw()));
      }
    }

    private void firstCycleBookkeeping() {
      if (!memory.startupDone()) {
        if (pg.running() && !pg.isPrimary()) {
          triggerDivergedCheck();
        }
        memory = memory.withStartupDone(true);
      }
    }

    // ---- PostgreSQL runs but could not be queried -----------------------------------------------------------

    /**
     * Patroni's "Error communicating with PostgreSQL": the state query failed (bounded by statement_timeout), so
     * role, timeline and LSNs are unknown. The key holder keeps renewing (a hung query must not cost the lease)
     * and nobody acts on guesses: no promotion, no rewind, no sync change. A node that lost the key, or that last
     * ran as a primary without holding it, goes on with the normal rules, which demote it.
     */
    private String postgresStateUnknown() {
      if (!pg.queryFailed() || !"running".equals(pg.state()) || local.longAction() != null) {
        return null;
      }
      boolean holder = isLockOwner() && local.leaderKey() != LeaderKeyWrite.LOST;
      if (!holder && (pg.role() == PostgresRole.PRIMARY || memory.lastRole() == PostgresRole.PRIMARY)) {
        return null;
      }
      if (holder) {
        actions.add(new Action.RenewLeaderKey());
      }
      return "Error communicating with PostgreSQL. Will try again later";
    }

    // ---- DCS unreachable (docs/ha-rules.md §2.8) ----------------------------------------------------------

    private String dcsUnreachable() {
      if (!paused && pg.running()) {
        if (pg.isPrimary()) {
          LongAction running = local.longAction();
          if (running != null && running.kind() == LongAction.Kind.DEMOTE) {
            return running.name() + " in progress"; // already stepping down
          }
          if (gc.failsafeMode() && failsafeTopologyConfirmed()) {
            actions.add(new Action.UpdateFailsafe(true));
            actions.add(new Action.PetWatchdog());
            return "continue to run as a leader because failsafe mode is enabled and all members are accessible";
          }
          actions.add(new Action.Demote(DemoteMode.OFFLINE, null));
          // Patroni's wording when the demote runs asynchronously, as Vigil's always does
          return "demoting self because DCS is not accessible and I was a leader";
        }
      }
      return "DCS is not accessible";
    }

    /** Patroni's {@code check_failsafe_topology}: every other member in {@code /failsafe} acknowledged. */
    private boolean failsafeTopologyConfirmed() {
      if (c == null || c.failsafe() == null || !c.failsafe().members().containsKey(me)) {
        return false;
      }
      Set<String> others = new TreeSet<>(c.failsafe().members().keySet());
      others.remove(me);
      return others.isEmpty() || view.failsafeAcks() != null && view.failsafeAcks().containsAll(others);
    }

    // ---- shutdown (docs/ha-rules.md §2.9) -----------------------------------------------------------------

    private String shutdown() {
      if (paused) {
        String reason = "Leader key is not deleted and Postgresql is not stopped due paused state";
        actions.add(new Action.DisableWatchdog());
        actions.add(new Action.Exit(reason, 0));
        return reason;
      }
      if (local.longAction() != null) {
        actions.add(new Action.CancelLongAction());
      }
      boolean leader = isLockOwner();
      if (pg.running()) {
        actions.add(new Action.StopPostgres("fast", leader && pg.isPrimary()));
      }
      actions.add(new Action.DisableWatchdog());
      if (leader) {
        actions.add(new Action.ReleaseLeaderKey());
      }
      actions.add(new Action.TouchMember());
      String reason = leader ? "stopped PostgreSQL and released the leader key on shutdown"
          : "stopped PostgreSQL on shutdown";
      actions.add(new Action.Exit(reason, 0));
      return reason;
    }

    // ---- REST reinitialize (docs/ha-rules.md §2.7 Reinitialize) -------------------------------------------

    private String reinitializeRequested() {
      LocalState.ReinitializeRequest request = local.requests().reinitialize();
      if (request == null || c.isUnlocked() || isLockOwner()) {
        return null;
      }
      if (local.longAction() != null) {
        if (!request.force()) {
          return null; // the request waits for the running action
        }
        actions.add(new Action.CancelLongAction());
      }
      actions.add(new Action.Reinitialize(null, request.fromLeader()));
      return "reinitialize started";
    }

    // ---- docs/ha-rules.md §2.1 step 7: a long action is running -------------------------------------------

    private String asyncActionRunning() {
      LongAction running = local.longAction();
      if (running == null) {
        return null;
      }
      if (isLockOwner() && local.leaderKey() != LeaderKeyWrite.LOST) {
        actions.add(new Action.RenewLeaderKey());
        if (running.kind() == LongAction.Kind.CRASH_RECOVERY
            && local.nowMillis() - running.startedMillis() > gc.primaryStartTimeout() * 1000L
            && failoverPossible(null, false)) {
          actions.add(new Action.CancelLongAction());
          actions.add(new Action.Demote(DemoteMode.IMMEDIATE, null));
          return "terminated crash recovery because of startup timeout";
        }
        return "updated leader lock during " + running.name();
      }
      if (!running.kind().creatingDataDirectory() && !paused) {
        if (running.kind() == LongAction.Kind.PROMOTE) {
          actions.add(new Action.CancelLongAction());
          return "lost leader before promote";
        }
        if (pg.isPrimary() && running.kind() != LongAction.Kind.DEMOTE) {
          // a restart or start may be bringing up a primary behind our back: stop it
          actions.add(new Action.CancelLongAction());
          actions.add(new Action.Demote(DemoteMode.IMMEDIATE_NOLOCK, null));
          return "lost leader lock during " + running.name();
        }
      }
      return running.name() + " in progress";
    }

    // ---- docs/ha-rules.md §2.1 step 8: PostgreSQL is starting ---------------------------------------------

    private String startingInstance() {
      if (!"starting".equals(pg.state())) {
        memory = memory.withStartingSince(null);
        return null;
      }
      long since = memory.startingSinceMillis() == null ? local.nowMillis() : memory.startingSinceMillis();
      memory = memory.withStartingSince(since);
      if (paused || !isLockOwner()) {
        return null; // replicas go on with the normal rules
      }
      if (local.leaderKey() == LeaderKeyWrite.LOST) {
        actions.add(new Action.Demote(DemoteMode.IMMEDIATE_NOLOCK, null));
        return "stopped PostgreSQL while starting up because leader key was lost";
      }
      actions.add(new Action.RenewLeaderKey());
      LocalState.RestartRequest restart = local.requests().restart();
      int timeout = restart != null && restart.timeoutSeconds() != null
          ? restart.timeoutSeconds() : gc.primaryStartTimeout();
      long elapsed = local.nowMillis() - since;
      if (elapsed > timeout * 1000L) {
        if (failoverPossible(null, false)) {
          actions.add(new Action.Demote(DemoteMode.IMMEDIATE, null));
          return "stopped PostgreSQL because of startup timeout";
        }
        return "primary start has timed out, but continuing to wait because failover is not possible";
      }
      String failover = manualFailoverFromLeader();
      if (failover != null) {
        return failover;
      }
      return "PostgreSQL is still starting up, " + Math.round((timeout * 1000L - elapsed) / 1000.0)
          + " seconds until timeout";
    }

    // ---- docs/ha-rules.md §2.1 step 9: this node bootstrapped a new cluster -------------------------------

    private String postBootstrap() {
      HaMemory.BootstrapPhase phase = memory.bootstrap();
      LongAction.Completed bootstrap = completed(LongAction.Kind.BOOTSTRAP);
      if (bootstrap != null) {
        if (!bootstrap.succeeded()) {
          return cancelBootstrap();
        }
        phase = HaMemory.BootstrapPhase.BOOTSTRAPPED;
      }
      LongAction.Completed post = completed(LongAction.Kind.POST_BOOTSTRAP);
      if (post != null && phase == HaMemory.BootstrapPhase.BOOTSTRAPPED) {
        if (!post.succeeded()) {
          return cancelBootstrap();
        }
        phase = HaMemory.BootstrapPhase.POST_BOOTSTRAP_DONE;
      }
      LongAction.Completed standbyClone = completed(LongAction.Kind.CLONE);
      if (standbyClone != null && BOOTSTRAP_STANDBY_LEADER.equals(standbyClone.action().name())) {
        // patroni/ha.py bootstrap_standby_leader: the clone counts as a finished post_bootstrap; a failed clone
        // cancels the initialization like a failed bootstrap
        if (!standbyClone.succeeded()) {
          return cancelBootstrap();
        }
        phase = HaMemory.BootstrapPhase.POST_BOOTSTRAP_DONE;
      }
      if (phase == HaMemory.BootstrapPhase.NONE) {
        return null;
      }
      memory = memory.withBootstrap(phase);
      if (!pg.running()) {
        return cancelBootstrap();
      }
      if (phase == HaMemory.BootstrapPhase.BOOTSTRAPPED) {
        if (pg.inRecovery()) {
          return "waiting for end of recovery after bootstrap";
        }
        actions.add(new Action.PostBootstrap());
        return "running post_bootstrap";
      }
      if (settings.watchdogRequired() && !local.watchdog().usable()) {
        // Patroni's post_bootstrap: "Cancelling bootstrap because watchdog activation failed" (docs/watchdog.md §2)
        return cancelBootstrap();
      }
      actions.add(new Action.ActivateWatchdog());
      actions.add(new Action.InitializeCluster(pg.systemId(), false));
      actions.add(new Action.WriteDynamicConfig(gc.raw()));
      actions.add(new Action.TakeLeaderKey());
      if (gc.synchronousMode().enabled() && gc.synchronousModeStrict() && !standbyCluster()) {
        actions.add(new Action.ApplySynchronousStandbyNames(
            gc.synchronousMode() == GlobalConfig.SynchronousMode.QUORUM
                ? "ANY 1 (" + SyncStandbys.STRICT_PLACEHOLDER + ")" : SyncStandbys.STRICT_PLACEHOLDER));
      }
      memory = memory.withBootstrap(HaMemory.BootstrapPhase.NONE);
      return "initialized a new cluster";
    }

    private String cancelBootstrap() {
      memory = memory.withBootstrap(HaMemory.BootstrapPhase.NONE);
      actions.add(new Action.CancelInitialization());
      if (pg.running()) {
        actions.add(new Action.StopPostgres("immediate", false));
      }
      actions.add(new Action.MoveDataDirectoryAside());
      actions.add(new Action.Exit("Failed to bootstrap cluster", 1));
      return "Failed to bootstrap cluster";
    }

    // ---- docs/ha-rules.md §2.1 step 10: after a (re)start attempt -----------------------------------------

    private String afterStartAttempt() {
      if (!memory.recovering()) {
        return null;
      }
      memory = memory.withRecovering(false);
      if (memory.rewind() == RewindState.NEED || pg.running()) {
        return null;
      }
      if (local.watchdog().active()) {
        actions.add(new Action.DisableWatchdog());
      }
      if (isLockOwner()) {
        actions.add(new Action.ReleaseLeaderKey());
        return "removed leader key after trying and failing to start postgres";
      }
      return "failed to start postgres";
    }

    // ---- docs/ha-rules.md §2.1 step 11: empty data directory ----------------------------------------------

    private String emptyDataDirectory() {
      if (!pg.dataDirEmpty()) {
        return null;
      }
      if (pg.running()) {
        actions.add(new Action.StopPostgres("immediate", false));
      }
      if (local.watchdog().active()) {
        actions.add(new Action.DisableWatchdog());
      }
      if (isLockOwner()) {
        actions.add(new Action.ReleaseLeaderKey());
        return "released leader key voluntarily as data dir empty and currently leader";
      }
      if (paused) {
        return "running with empty data directory";
      }
      return bootstrap();
    }

    /** docs/ha-rules.md §2.10. */
    private String bootstrap() {
      boolean nofailover = local.tags().failoverPriority() <= 0;
      if (c.isUnlocked() && c.initialize() == null && !nofailover && settings.bootstrapConfigured()) {
        actions.add(new Action.InitializeCluster("", true));
        if (standbyCluster()) {
          actions.add(new Action.Clone(null, false, true, BOOTSTRAP_STANDBY_LEADER));
          return "trying to bootstrap a new standby leader";
        }
        actions.add(new Action.Bootstrap());
        return "trying to bootstrap a new cluster";
      }
      if (!c.isUnlocked()) {
        String leader = c.leaderName();
        // Patroni picks a random clonefrom member; a deterministic pick keeps decide() pure
        String source = c.members().stream()
            .filter(m -> !m.name().equals(me) && !m.name().equals(leader))
            .filter(m -> m.isRunning() && m.typedTags().clonefrom())
            .map(Member::name).sorted().findFirst().orElse(null);
        String what = source == null ? "bootstrap from leader '" + leader + "'"
            : "bootstrap from replica '" + source + "'";
        actions.add(new Action.Clone(source == null ? leader : source, false, false, what));
        return "trying to " + what;
      }
      if (settings.replicaMethodWithoutLeader() && !"".equals(c.initialize())) {
        actions.add(new Action.Clone(null, true, false, "bootstrap (without leader)"));
        return "trying to bootstrap (without leader)";
      }
      return standbyCluster() ? "waiting for standby_leader to bootstrap" : "waiting for leader to bootstrap";
    }

    // ---- docs/ha-rules.md §2.1 step 12: the data directory belongs to this cluster ------------------------

    private String dataDirectoryChecks() {
      String sysid = pg.systemId();
      String init = c.initialize();
      if (validSysid(init) && sysid != null && !init.equals(sysid)) {
        if (paused) {
          if (isLockOwner()) {
            actions.add(new Action.ReleaseLeaderKey());
            return "released leader key voluntarily due to the system ID mismatch";
          }
          return null;
        }
        actions.add(new Action.Exit("system ID mismatch, node " + me + " belongs to a different cluster: "
            + init + " != " + sysid, 1));
        return "system ID mismatch, node " + me + " belongs to a different cluster";
      }
      if (init == null && c.isUnlocked() && !paused && !memory.startupDone()) {
        if (pg.running() && pg.inRecovery()) {
          actions.add(new Action.Exit(
              "No initialize key in DCS and PostgreSQL is running as replica, aborting start", 1));
          return "No initialize key in DCS and PostgreSQL is running as replica, aborting start";
        }
        if (validSysid(sysid)) {
          actions.add(new Action.InitializeCluster(sysid, true));
        }
      }
      return null;
    }

    // ---- docs/ha-rules.md §2.1 step 13: PostgreSQL is not running -----------------------------------------

    private String postgresNotRunning() {
      if (pg.running()) {
        // Patroni resets _crash_recovery_started once PostgreSQL runs again: the next crash gets its own try
        memory = memory.withCrashRecoveryTried(false);
        return null;
      }
      if (paused) {
        if (isLockOwner()) {
          actions.add(new Action.ReleaseLeaderKey());
          return "removed leader lock because postgres is not running";
        }
        return memory.rewind().pending() ? null : "postgres is not running";
      }
      return recover();
    }

    /** docs/ha-rules.md §2.7 {@code recover()}. */
    private String recover() {
      boolean leader = isLockOwner() && local.leaderKey() != LeaderKeyWrite.LOST;
      if (leader && gc.primaryStartTimeout() == 0 && failoverPossible(null, false)) {
        actions.add(new Action.Demote(DemoteMode.IMMEDIATE, null));
        return "stopped PostgreSQL to fail over after a crash";
      }
      LocalState.DataDirectory dd = local.dataDirectory();
      // a stopped server's snapshot may not know its role any more; the memory does
      PostgresRole role = pg.role() != null ? pg.role() : memory.lastRole();
      // Patroni restarts a crashed primary in place even when standby_cluster was just set, and demotes it in
      // the next cycle; Vigil never brings up a writable primary while standby_cluster is set
      // (docs/standby-cluster.md §2): it starts as standby leader at once
      if (leader && dd.leftAsPrimary() && role == PostgresRole.PRIMARY && !dd.standbySignal() && !standbyCluster()) {
        // restart in place on the same timeline: a crash of postgres alone does not fail over
        actions.add(new Action.RenewLeaderKey());
        actions.add(new Action.StartPostgres(PostgresRole.PRIMARY, null, false, gc.primaryStartTimeout(),
            "restarting after failure"));
        memory = memory.withRecovering(true);
        return "starting primary after failure";
      }
      if (local.watchdog().active()) {
        actions.add(new Action.DisableWatchdog());
      }
      if (role == PostgresRole.PRIMARY) {
        triggerDivergedCheck();
      }
      // pg_rewind and an honest WAL position for the race both need a clean shutdown first. As in Patroni's
      // recover(), only a primary's pg_control ("in production", "in crash recovery", "shutting down") gets it
      // here, when the cluster is unlocked or pg_rewind can run. A crashed replica ("in archive recovery") does
      // not: ending its recovery writes WAL its primary never sent, so that happens only right before a
      // pg_rewind that throws this WAL away again (rewindOrReinitialize)
      if (dd.crashedAsPrimary() && mayTryCrashRecovery() && (c.isUnlocked() || rewindUsable())) {
        return crashRecovery(false);
      }
      memory = memory.withRecovering(true);
      if (isLockOwner() && !standbyCluster()) {
        actions.add(new Action.StartPostgres(PostgresRole.REPLICA, null, false, null, "restarting after failure"));
        return "starting as readonly because i had the session lock";
      }
      Target target = nodeToFollow();
      String rewind = rewindOrReinitialize(target);
      if (rewind != null) {
        memory = memory.withRecovering(false);
        return rewind;
      }
      if (isLockOwner()) {
        actions.add(new Action.StartPostgres(PostgresRole.STANDBY_LEADER, null, true, null,
            "restarting after failure"));
        return "starting as a standby leader because i had the session lock";
      }
      actions.add(new Action.StartPostgres(PostgresRole.REPLICA, target.member(), target.remote(), null,
          "restarting after failure"));
      return target.remote() ? "trying to follow a remote member because standby cluster is unhealthy"
          : "starting as a secondary";
    }

    // ---- docs/ha-rules.md §2.1 step 14 ---------------------------------------------------------------------

    private String clusterRules() {
      if (c.isUnlocked()) {
        return unhealthyCluster();
      }
      String message = healthyCluster();
      String restart = scheduledRestart();
      return restart != null ? restart : message;
    }

    // ---- docs/ha-rules.md §2.3: no leader -------------------------------------------------------------------

    private String unhealthyCluster() {
      Failover failover = c.failover();
      String candidate = failover == null ? null : failover.candidate();
      if (gc.primaryRaceBackoff() > 0 && !paused && !standbyCluster() && candidate == null) {
        long start = memory.raceBackoffStartMillis() == null ? local.nowMillis() : memory.raceBackoffStartMillis();
        memory = memory.withRaceBackoffStart(start);
        long window = gc.primaryRaceBackoff() * 1000L;
        long elapsed = local.nowMillis() - start;
        if (elapsed < window) {
          boolean moved = "streaming".equals(pg.replicationState())
              && !Objects.equals(myWal(), memory.lastWalPosition());
          if (moved || elapsed < gc.loopWait() * 1000L) {
            long remaining = window - elapsed;
            wakeIn = remaining;
            return "My (" + me + ") wal position moved since last heart beat loop, "
                + (remaining + 999) / 1000 + " seconds until leader race";
          }
        }
      }
      if (isHealthiestNode()) {
        actions.add(new Action.AcquireLeaderKey());
        boolean cleared = failover != null && actions.contains(new Action.ClearFailoverKey(failover.version()));
        if (failover != null && !cleared) {
          actions.add(paused && failover.leader() != null && failover.candidate() != null
              ? new Action.WriteFailoverCandidate(failover.candidate(), failover.version())
              : new Action.ClearFailoverKey(failover.version()));
        }
        if (standbyCluster()) {
          return enforceFollowRemoteMember("promoted self to a standby leader by acquiring session lock");
        }
        return enforcePrimaryRole("acquired session lock as a leader",
            "promoted self to leader by acquiring session lock");
      }
      boolean nofailover = local.tags().failoverPriority() <= 0;
      if (candidate != null || nofailover && !paused) {
        triggerDivergedCheck();
      }
      if (nofailover) {
        return follow("demoting self because I am not allowed to promote",
            "following a different leader because I am not allowed to promote");
      }
      return follow("demoting self because i am not the healthiest node",
          "following a different leader because i am not the healthiest node");
    }

    /** docs/ha-rules.md §2.4 {@code is_healthiest_node}. */
    private boolean isHealthiestNode() {
      if (memory.prePromoteFailedAtMillis() != null
          && local.nowMillis() - memory.prePromoteFailedAtMillis() < gc.ttl() * 1000L) {
        return false;
      }
      boolean nofailover = local.tags().failoverPriority() <= 0;
      Failover failover = c.failover();
      if (paused && !nofailover && failover != null && failover.scheduledAt() == null) {
        Boolean manual = manualFailoverNoLeader();
        if (manual != null) {
          return manual;
        }
      }
      if ("starting".equals(pg.state())) {
        return false;
      }
      if (pg.isPrimary()) {
        if (paused) {
          return c.initialize() == null || c.initialize().equals(pg.systemId());
        }
        // a frozen old primary must not grab the lock back after a newer timeline was promoted
        return pg.timeline() == null || pg.timeline() >= c.timeline();
      }
      if (paused || nofailover) {
        return false;
      }
      if (failover != null) {
        // a switchover in sync mode races only among the sync standbys and the /sync leader (Patroni's
        // sync.matches(name, True)): after a failed switchover the former leader may take the key back
        if (failover.leader() != null && syncModeActive() && !c.sync().matches(me) && !c.sync().isLeader(me)) {
          return false;
        }
        Boolean manual = manualFailoverNoLeader();
        if (manual != null) {
          return manual;
        }
      }
      if (settings.watchdogRequired() && !local.watchdog().usable()) {
        return false;
      }
      Map<String, Candidate> candidates = raceCandidates();
      if (candidates == null) {
        return false;
      }
      if (syncModeActive()) {
        SyncState sync = c.sync();
        if (!quorumActive() && !sync.matches(me) && !sync.isLeader(me)) {
          return false;
        }
        candidates.keySet().removeIf(name -> !sync.matches(name) && !sync.isLeader(name));
      }
      return healthiestAmong(candidates.values(), true);
    }

    /** A member that takes part in the race: name, whether it has an api_url, and its nofailover tag. */
    private record Candidate(String name, boolean hasApi, boolean nofailover) {
      static Candidate of(Member m) {
        return new Candidate(m.name(), m.apiUrl() != null, m.typedTags().failoverPriority() <= 0);
      }
    }

    /**
     * Members of the last cluster that had a leader plus the current ones (docs/ha-rules.md §2.4 step 8); in failsafe mode
     * also {@code /failsafe}'s. Null when {@code /failsafe} lists members but not me: I may not race.
     */
    private Map<String, Candidate> raceCandidates() {
      Map<String, Candidate> candidates = new LinkedHashMap<>();
      if (view.lastLeaderCluster() != null) {
        view.lastLeaderCluster().members().forEach(m -> candidates.put(m.name(), Candidate.of(m)));
      }
      c.members().forEach(m -> candidates.put(m.name(), Candidate.of(m)));
      if (gc.failsafeMode() && c.failsafe() != null && !c.failsafe().members().isEmpty()) {
        if (!c.failsafe().members().containsKey(me)) {
          return null;
        }
        c.failsafe().members().keySet().forEach(n -> candidates.putIfAbsent(n, new Candidate(n, true, false)));
      }
      return candidates;
    }

    /** docs/ha-rules.md §2.4 {@code _is_healthiest_node}. */
    private boolean healthiestAmong(java.util.Collection<Candidate> candidates, boolean checkLag) {
      long myWal = myWal();
      if (!closeEnoughToLead(checkLag)) {
        return false;
      }
      boolean quorum = quorumActive();
      Set<String> voters = quorum ? new TreeSet<>(c.sync().syncStandbys()) : Set.of();
      String formerLeader = syncModeActive() ? c.sync().leader()
          : view.lastLeaderCluster() == null ? null : view.lastLeaderCluster().leaderName();
      int myPriority = local.tags().failoverPriority();
      int votes = voters.contains(me) ? 0 : -1;
      boolean anyAhead = false;
      for (Candidate candidate : candidates) {
        String name = candidate.name();
        if (name.equals(me) || !candidate.hasApi() || candidate.nofailover() && !voters.contains(name)) {
          continue;
        }
        PeerStatus peer = view.peers().get(name);
        if (peer == null || !peer.reachable()) {
          continue;
        }
        boolean ahead = peer.wal() > myWal;
        anyAhead |= ahead;
        if (peer.mayPromote()) {
          if (peer.primary()) {
            return false; // "Primary (<n>) is still alive"
          }
          if (ahead && !(syncModeActive() && name.equals(c.sync().leader()))) {
            return false; // "Wal position of <n> is ahead of my wal position"
          }
          if (!ahead && peer.wal() > 0) { // votes count only from nodes with postgres up and running
            if (peer.wal() == myWal && peer.failoverPriority() > myPriority && !name.equals(formerLeader)
                && (!quorum || voters.contains(name))) {
              return false; // "<n> has equally tolerable WAL position and priority ..."
            }
            if (quorum && voters.contains(name)) {
              votes++; // "Got quorum vote from <n>"
            }
          }
        }
      }
      if (quorum) {
        int needed = c.sync().quorum() == null ? 0 : c.sync().quorum();
        return votes >= needed || !anyAhead && c.sync().isLeader(me);
      }
      return true;
    }

    /** docs/ha-rules.md §2.4.10 steps 1-2: within maximum_lag_on_failover of {@code status.optime} and on the cluster timeline. */
    private boolean closeEnoughToLead(boolean checkLag) {
      if (checkLag && c.status().optime() - myWal() > gc.maximumLagOnFailover()) {
        return false; // "not healthy enough for leader race"
      }
      return !(gc.checkTimeline() && !standbyCluster() && (pg.timeline() == null || pg.timeline() < c.timeline()));
    }

    /** docs/ha-rules.md §2.4 {@code manual_failover_process_no_leader}; null = decide as if there were no failover key. */
    private Boolean manualFailoverNoLeader() {
      Failover failover = c.failover();
      String candidate = failover.candidate();
      if (me.equals(candidate)) {
        // a switchover in synchronous mode may only go to a /sync member (REST checks it too; a key written by
        // hand or before sync mode was switched on must not lose commits)
        return !(failover.leader() != null && syncModeActive() && !quorumActive() && !c.sync().matches(me));
      }
      if (paused && candidate != null) {
        if (!c.hasMember(candidate) && pg.isPrimary()) {
          actions.add(new Action.ClearFailoverKey(failover.version()));
          return null;
        }
        return false;
      }
      if (syncModeActive() && !quorumActive() && !c.sync().matches(me) && !c.sync().isLeader(me)) {
        return false;
      }
      if (candidate != null && c.hasMember(candidate)) {
        PeerStatus peer = view.peers().get(candidate);
        if (peer != null && peer.mayPromote()) {
          return false; // the candidate will win
        }
      }
      if (candidate == null && paused) {
        return false;
      }
      if (me.equals(failover.leader())) {
        // Patroni lets the switchover source take the key back unchecked; Vigil still refuses a lagging node
        return !failoverPossible(null, true) && closeEnoughToLead(true);
      }
      Map<String, Candidate> candidates = raceCandidates();
      if (candidates == null) {
        return false;
      }
      if (failover.leader() != null) {
        candidates.remove(failover.leader());
      }
      if (syncModeActive()) {
        candidates.keySet().removeIf(name -> !c.sync().matches(name));
      }
      // Patroni skips the lag check here (check_replication_lag=False); Vigil keeps it: a manual failover
      // that cannot go to its candidate must not lose more than maximum_lag_on_failover either
      return healthiestAmong(candidates.values(), true);
    }

    /**
     * docs/ha-rules.md §2.4 {@code is_failover_possible}: some other member could take over now.
     *
     * @param clusterLsn a replica must have reached this LSN (null = the maximum_lag_on_failover rule)
     * @param excludeFailoverCandidate ignore the failover key's candidate restriction
     */
    private boolean failoverPossible(Long clusterLsn, boolean excludeFailoverCandidate) {
      Failover failover = c.failover();
      boolean explicitCandidate = failover != null && failover.candidate() != null && !excludeFailoverCandidate;
      // a manual failover (no leader named) may go to an asynchronous candidate; a switchover may not
      boolean syncOnly = syncModeActive() && !(failover != null && failover.leader() == null);
      int good = 0;
      for (Member m : c.members()) {
        if (m.name().equals(me) || m.typedTags().failoverPriority() <= 0 || m.apiUrl() == null) {
          continue;
        }
        if (explicitCandidate && !m.name().equals(failover.candidate())) {
          continue;
        }
        if (syncOnly && !c.sync().matches(m.name())) {
          continue;
        }
        PeerStatus peer = view.peers().get(m.name());
        if (peer == null || !peer.mayPromote()) {
          continue;
        }
        boolean lagging = clusterLsn != null ? peer.wal() < clusterLsn
            : c.status().optime() - peer.wal() > gc.maximumLagOnFailover();
        boolean timelineOk = !gc.checkTimeline()
            || peer.timeline() != null && peer.timeline() >= c.timeline();
        if (!lagging && timelineOk) {
          good++;
        }
      }
      if (quorumActive() && !explicitCandidate) {
        // Patroni counts quorum_votes from -1: the new leader itself plus `quorum` voters must be healthy
        int needed = c.sync().quorum() == null ? 0 : c.sync().quorum();
        return good > 0 && good >= needed + 1; // else "Quorum requirement <q> can not be reached"
      }
      return good > 0;
    }

    // ---- docs/ha-rules.md §2.5: a leader exists ---------------------------------------------------------

    private String healthyCluster() {
      if (!isLockOwner()) {
        if (lostRace) {
          return follow("demoted self after trying and failing to obtain lock",
              "following new leader after trying and failing to obtain lock");
        }
        if (standbyCluster()) {
          return follow(NOT_A_REAL_PRIMARY,
              "no action. I am (%s), a secondary, and following a standby leader (%s)");
        }
        return follow("demoting self because I do not have the lock and I was a leader",
            "no action. I am (%s), a secondary, and following a leader (%s)");
      }
      Failover failover = c.failover();
      if (paused && !pg.isPrimary()) {
        if (failover != null && me.equals(failover.candidate())) {
          return "waiting to become primary after promote...";
        }
        if (!standbyCluster()) {
          actions.add(new Action.ReleaseLeaderKey());
          return "removed leader lock because postgres is not running as primary";
        }
      }
      if (local.leaderKey() == LeaderKeyWrite.LOST) {
        if (pg.isPrimary()) {
          if (paused) {
            actions.add(new Action.RenewLeaderKey());
            return "continue to run as primary after failing to update leader lock in DCS";
          }
          actions.add(new Action.Demote(DemoteMode.IMMEDIATE_NOLOCK, null));
          return "demoted self because failed to update leader lock in DCS";
        }
        actions.add(new Action.RenewLeaderKey());
        return "not promoting because failed to update leader lock in DCS";
      }
      actions.add(new Action.RenewLeaderKey());
      String manual = manualFailoverFromLeader();
      if (manual != null) {
        return manual;
      }
      if (standbyCluster()) {
        return enforceFollowRemoteMember(pg.role() == PostgresRole.STANDBY_LEADER
            ? "no action. I am (" + me + "), the standby leader with the lock"
            : "promoted self to a standby leader because i had the session lock");
      }
      return enforcePrimaryRole("no action. I am (" + me + "), the leader with the lock",
          "promoted self to leader because I had the session lock");
    }

    /**
     * patroni/ha.py {@code enforce_follow_remote_member}: the key holder of a standby cluster follows the remote
     * primary as standby leader. It is never promoted: a writable primary here (the cluster was just demoted) is
     * stepped down in {@code demote-cluster} mode (docs/ha-rules.md §2.7) and comes back following the remote.
     */
    private String enforceFollowRemoteMember(String message) {
      if (pg.isPrimary()) {
        if (paused) {
          return "continue to run as primary without lock";
        }
        actions.add(new Action.Demote(DemoteMode.DEMOTE_CLUSTER, null));
        triggerDivergedCheck();
        return NOT_A_REAL_PRIMARY;
      }
      if (pg.role() != PostgresRole.STANDBY_LEADER && !paused) {
        // a member that starts following the remote primary may come from a timeline it never had (a cluster
        // demoted after its promotion): patroni/ha.py follow checks after every change of upstream
        triggerDivergedCheck();
      }
      String rewind = rewindOrReinitialize(Target.REMOTE);
      if (rewind != null) {
        return rewind;
      }
      actions.add(new Action.Follow(null, true, PostgresRole.STANDBY_LEADER, !paused));
      return message;
    }

    /** docs/ha-rules.md §2.5 {@code process_manual_failover_from_leader}; null = no message, go on. */
    private String manualFailoverFromLeader() {
      Failover failover = c.failover();
      if (failover == null || paused && !pg.isPrimary()) {
        return null;
      }
      if (failover.scheduledAt() != null) {
        switch (schedule(failover.scheduledAt().toInstant())) {
          case AWAIT -> {
            return null; // "Awaiting switchover at ..."
          }
          case STALE -> {
            actions.add(new Action.ClearFailoverKey(failover.version()));
            return null;
          }
          case DUE -> { }
        }
      }
      if ((failover.leader() == null || failover.leader().equals(me)) && !me.equals(failover.candidate())) {
        if (!(paused && failover.candidate() == null) && failoverPossible(null, false)) {
          actions.add(new Action.Demote(DemoteMode.GRACEFUL, failover.candidate()));
          return failover.leader() != null ? "switchover: demoting myself" : "manual failover: demoting myself";
        }
        // paused without a candidate, or "no healthy members found"
      }
      actions.add(new Action.ClearFailoverKey(failover.version()));
      return null;
    }

    /** docs/ha-rules.md §2.6. */
    private String enforcePrimaryRole(String noActionMessage, String promoteMessage) {
      if (!paused) {
        if (local.watchdog().activationFailed()) {
          if (pg.isPrimary()) {
            actions.add(new Action.Demote(DemoteMode.IMMEDIATE, null));
            return "Demoting self because watchdog could not be activated";
          }
          actions.add(new Action.ReleaseLeaderKey());
          return "Not promoting self because watchdog could not be activated";
        }
        if (completed(LongAction.Kind.PROMOTE) != null && !completed(LongAction.Kind.PROMOTE).succeeded()
            && !pg.isPrimary()) {
          memory = memory.withPrePromoteFailedAt(local.nowMillis());
          actions.add(new Action.ReleaseLeaderKey());
          return "Promotion cancelled because the pre-promote script failed";
        }
        if (!local.watchdog().active()) {
          actions.add(new Action.ActivateWatchdog());
        }
      }
      if (pg.isPrimary()) {
        synchronousReplication();
        if (pg.timeline() != null && c.timeline() < pg.timeline()) {
          actions.add(new Action.WriteHistory(gc.maxTimelinesHistory()));
        }
        if (memory.rewind() != RewindState.INITIAL) {
          memory = memory.withRewind(RewindState.INITIAL); // "cleared rewind state after becoming the leader"
        }
        return noActionMessage;
      }
      if (pg.role() == PostgresRole.PROMOTED) {
        synchronousReplication();
        return noActionMessage;
      }
      Failover failover = c.failover();
      if (paused && !(failover != null && me.equals(failover.candidate()))) {
        return noActionMessage; // in pause only a manual failover to this node promotes it
      }
      if (local.tags().failoverPriority() <= 0) {
        // Patroni would promote a nofailover lock holder here; Vigil hands the key on instead (safety rule)
        actions.add(new Action.ReleaseLeaderKey());
        return "released leader key because I am not allowed to promote";
      }
      prePromoteSync();
      actions.add(new Action.Promote());
      return promoteMessage;
    }

    /** docs/postgres.md §6.6 on the primary, every cycle. */
    private void synchronousReplication() {
      if (gc.synchronousMode().enabled() && !standbyCluster()) {
        if (pg.queryFailed()) {
          // pg_stat_replication is unknown, not empty: planning from it would empty /sync and
          // synchronous_standby_names while the standbys are still synchronous
          return;
        }
        String ssn = local.synchronousStandbyNames();
        HaMemory.SsnChange change = memory.ssnChange();
        if (change == null || !change.value().equals(ssn)) {
          // Patroni's _primary_flush_lsn: the snapshot was taken after the value was applied, so this LSN is
          // at or after the moment PostgreSQL started waiting for the new standbys
          change = new HaMemory.SsnChange(ssn, myWal());
          memory = memory.withSsnChange(change);
        }
        SyncStandbys.Plan plan = SyncStandbys.plan(me, pg.replication(), c.members(), c.sync(), ssn, myWal(),
            change.primaryLsn(), gc);
        actions.addAll(plan.steps());
      } else if (c.sync() != null && c.sync().leader() != null) {
        actions.add(new Action.DeleteSyncState(c.sync().version()));
        actions.add(new Action.ApplySynchronousStandbyNames(null));
      }
    }

    /**
     * docs/ha-rules.md §2.6 step 4.1: {@code /sync} names this node as leader before it promotes; strict mode keeps waiting
     * for the old synchronous standbys (the old leader included), so no commit is acknowledged that they miss.
     */
    private void prePromoteSync() {
      if (!gc.synchronousMode().enabled() || standbyCluster()) {
        return;
      }
      SyncState old = c.sync();
      TreeSet<String> keep = new TreeSet<>();
      if (old != null) {
        keep.addAll(old.syncStandbys());
        if (old.leader() != null) {
          keep.add(old.leader());
        }
      }
      keep.remove(me);
      Long version = old == null ? null : old.version();
      boolean quorum = gc.synchronousMode() == GlobalConfig.SynchronousMode.QUORUM;
      if (quorum) {
        int numSync = Math.min(Math.max(1, gc.synchronousNodeCount()), keep.size());
        actions.add(new Action.WriteSyncState(me, List.copyOf(keep), keep.size() - numSync, version));
        if (!keep.isEmpty()) {
          actions.add(new Action.ApplySynchronousStandbyNames(SyncStandbys.format(keep, numSync, true)));
        }
        return;
      }
      actions.add(new Action.WriteSyncState(me, List.of(), null, version));
      if (gc.synchronousModeStrict()) {
        actions.add(new Action.ApplySynchronousStandbyNames(
            keep.isEmpty() ? SyncStandbys.STRICT_PLACEHOLDER : SyncStandbys.format(keep, null, false)));
      } else {
        actions.add(new Action.ApplySynchronousStandbyNames(""));
      }
    }

    // ---- following (docs/ha-rules.md §2.2, §2.5 follow) ------------------------------------------------------

    private Target nodeToFollow() {
      if (local.tags().nostream()) {
        return Target.NOBODY;
      }
      if (standbyCluster() && (isLockOwner() || c.isUnlocked() && !paused)) {
        return Target.REMOTE;
      }
      String from = local.tags().replicatefrom();
      if (from != null && !from.equals(me) && c.hasMember(from)) {
        return new Target(from, false);
      }
      String leader = c.leaderName();
      return leader == null || leader.equals(me) ? Target.NOBODY : new Target(leader, false);
    }

    private String follow(String demoteReason, String followReason) {
      Target target = nodeToFollow();
      String message = String.format(followReason, me, c.leaderName());
      if (paused && (!memory.rewind().pending() || c.isUnlocked())) {
        if (pg.isPrimary()) {
          return "continue to run as primary without lock";
        }
        if (target.member() == null && !target.remote()) {
          return "no action. I am (" + me + ")";
        }
        actions.add(new Action.Follow(target.member(), target.remote(), PostgresRole.REPLICA, false));
        return message;
      }
      if (!paused && pg.isPrimary()) {
        actions.add(new Action.Demote(standbyCluster() ? DemoteMode.DEMOTE_CLUSTER : DemoteMode.IMMEDIATE_NOLOCK,
            target.member()));
        if (standbyCluster()) {
          // a primary turned into a member of a standby cluster has written WAL the remote primary never had
          // (patroni/ha.py demote triggers the check on every demotion)
          triggerDivergedCheck();
        }
        return demoteReason;
      }
      String rewind = rewindOrReinitialize(target);
      if (rewind != null) {
        return rewind;
      }
      Integer leaderTimeline = c.isUnlocked() ? null
          : c.member(c.leaderName()).map(Member::timeline).orElse(null);
      if (leaderTimeline != null && pg.timeline() != null && (pg.timeline() < leaderTimeline
          // patroni/ha.py follow: in a standby cluster, a member ahead of its standby leader's timeline (the
          // leader was just rewound onto the remote primary's) may have diverged from the remote primary
          || standbyCluster() && pg.timeline() > leaderTimeline)) {
        triggerDivergedCheck();
      }
      actions.add(new Action.Follow(target.member(), target.remote(), PostgresRole.REPLICA, !paused));
      return message;
    }

    private boolean rewindUsable() {
      return settings.usePgRewind() && local.rewindPossible();
    }

    /** Single-user crash recovery runs at most once per stop (see {@link HaMemory#crashRecoveryTried()}). */
    private boolean mayTryCrashRecovery() {
      return !memory.crashRecoveryTried() && !local.dataDirectory().backupLabel();
    }

    /** @param beforeRewind a pg_rewind follows: a replica's pg_control ("in archive recovery") is recovered too */
    private String crashRecovery(boolean beforeRewind) {
      memory = memory.withCrashRecoveryTried(true);
      actions.add(new Action.CrashRecovery(beforeRewind));
      return "doing crash recovery in a single user mode";
    }

    /** docs/ha-rules.md §2.7 rewind and reinit: act on the diverged-LSN verdict and on a finished pg_rewind. */
    private String rewindOrReinitialize(Target target) {
      RewindState state = memory.rewind();
      if (state == RewindState.CHECK && local.divergence() != null) {
        state = local.divergence() == LocalState.Divergence.DIVERGED ? RewindState.NEED : RewindState.NOT_NEED;
      }
      LongAction.Completed rewound = completed(LongAction.Kind.REWIND);
      if (rewound != null) {
        state = rewound.succeeded() ? RewindState.SUCCESS : RewindState.FAILED;
      }
      memory = memory.withRewind(state);
      // in a standby cluster every member rewinds from the remote primary (patroni/ha.py
      // _handle_rewind_or_reinitialize): its own leader is in recovery
      boolean fromRemote = standbyCluster();
      String leader = target.member() != null ? target.member() : c.leaderName();
      if (fromRemote ? !remotePrimaryAddressed(gc) : leader == null || target.remote()) {
        return null;
      }
      if (state == RewindState.NEED) {
        if (rewindUsable()) {
          if (!pg.running() && "in archive recovery".equals(local.dataDirectory().controlState())
              && mayTryCrashRecovery()) {
            // Patroni's _handle_rewind_or_reinitialize: pg_rewind needs a cleanly shut down target, and the
            // WAL this recovery writes is rewound right after
            return crashRecovery(true);
          }
          String message = "running pg_rewind from " + (fromRemote ? REMOTE_PRIMARY : leader);
          actions.add(fromRemote ? Action.Rewind.fromRemotePrimary(message) : new Action.Rewind(leader, message));
          return message;
        }
        // Patroni never reinitializes a standby cluster member on diverged timelines: a copy from the remote
        // primary is the operator's call
        if (settings.removeDataDirectoryOnDivergedTimelines() && !fromRemote) {
          memory = memory.withRewind(RewindState.INITIAL);
          actions.add(new Action.Reinitialize(null, false));
          return "reinitializing due to diverged timelines";
        }
      }
      if (state == RewindState.FAILED && settings.removeDataDirectoryOnRewindFailure()) {
        memory = memory.withRewind(RewindState.INITIAL);
        actions.add(new Action.Reinitialize(null, false));
        return "reinitializing after pg_rewind failure";
      }
      return null;
    }

    // ---- docs/postgres.md §6.10 scheduled restart ----------------------------------------------------------

    private String scheduledRestart() {
      LocalState.RestartRequest restart = local.requests().restart();
      if (restart == null || local.longAction() != null || actions.stream().anyMatch(
          a -> a instanceof Action.Demote || a instanceof Action.Promote || a instanceof Action.ReleaseLeaderKey)) {
        return null;
      }
      if (restart.scheduledAt() != null) {
        if (paused) {
          actions.add(new Action.DropRestartRequest());
          return null;
        }
        switch (schedule(restart.scheduledAt())) {
          case AWAIT -> {
            return null;
          }
          case STALE -> {
            actions.add(new Action.DropRestartRequest());
            return null;
          }
          case DUE -> { }
        }
        PostgresRole role = pg.isPrimary() ? PostgresRole.PRIMARY : PostgresRole.REPLICA;
        boolean conditionsHold = (restart.role() == null || restart.role() == role)
            && (!restart.onlyIfPendingRestart() || pg.pendingRestart())
            && (restart.postmasterStartTime() == null
                || restart.postmasterStartTime().equals(pg.postmasterStartTime()));
        if (!conditionsHold) {
          actions.add(new Action.DropRestartRequest());
          return null;
        }
      }
      actions.add(new Action.Restart(restart.timeoutSeconds()));
      return "restarting after request";
    }
  }
}
