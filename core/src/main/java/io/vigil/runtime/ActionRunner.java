package io.vigil.runtime;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vigil.async.AsyncExecutor;
import io.vigil.callbacks.AgentCallbacks;
import io.vigil.callbacks.ScriptAction;
import io.vigil.cluster.Cluster;
import io.vigil.cluster.Failover;
import io.vigil.cluster.Failsafe;
import io.vigil.cluster.Member;
import io.vigil.cluster.Status;
import io.vigil.cluster.SyncState;
import io.vigil.cluster.TimelineHistory;
import io.vigil.config.GlobalConfig;
import io.vigil.config.Settings;
import io.vigil.config.StandbyCluster;
import io.vigil.dcs.Dcs;
import io.vigil.dcs.DcsUnavailableException;
import io.vigil.ha.Action;
import io.vigil.ha.Decision;
import io.vigil.ha.DemoteMode;
import io.vigil.ha.LeaderKeyWrite;
import io.vigil.ha.LongAction;
import io.vigil.postgres.Lsn;
import io.vigil.postgres.PostgresController;
import io.vigil.postgres.PostgresRole;
import io.vigil.postgres.PostgresState;
import io.vigil.postgres.RecoveryConfig;
import io.vigil.postgres.ReplicationSource;
import io.vigil.postgres.StopMode;
import io.vigil.watchdog.Watchdog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only place where the engine's {@link Action}s become I/O. Runs a decision's actions in order and stops at the
 * first failure, because each action is the precondition of the next (no promotion unless the leader key was
 * taken); a trailing {@link Action.TouchMember} still runs, as Patroni touches its member key in a
 * {@code finally} — except after a DCS error (Patroni skips touch_member then: it would cost another
 * retry_timeout while a primary should be stepping down) and after a failed leader-key renewal, which the loop
 * answers by deciding again at once. Long actions go to the {@link AsyncExecutor}; handing over is their
 * success, and their outcome reaches the engine next cycle as {@code LocalState.lastCompleted}.
 *
 * <p>Every successful leader-key write feeds the {@link LeaseGuard}, counted from the moment it was sent.
 */
final class ActionRunner {
  private static final Logger LOG = LoggerFactory.getLogger(ActionRunner.class);

  private final Vertx vertx;
  private Settings settings;
  private final Dcs dcs;
  private final PostgresController pg;
  private final AsyncExecutor async;
  private final LoopState state;
  private final Runnable wake;
  private final IntConsumer exit;
  private final LeaseGuard leaseGuard;
  private final LongSupplier clockMillis;
  private final Context loopContext;
  private final Watchdog watchdog;
  /** Patroni's callback moments go here (docs/callbacks.md §1.2); NONE without the callbacks module. */
  private AgentCallbacks callbacks = AgentCallbacks.NONE;

  /** The cycle being acted on: set by {@link #run}. */
  private Cluster cluster;
  private GlobalConfig global;
  private PostgresState observed;
  /** The last leader-key renewal sent; a release waits for it (see {@link #releaseLeaderKey}). */
  private Future<Boolean> renewalInFlight = Future.succeededFuture(false);
  /** What the log said about the standby leader's streaming from the remote primary. */
  private final RemoteStreamingReport remoteStreaming = new RemoteStreamingReport();

  ActionRunner(Vertx vertx, Settings settings, Dcs dcs, PostgresController pg, AsyncExecutor async,
      LoopState state, LeaseGuard leaseGuard, LongSupplier clockMillis, Runnable wake, IntConsumer exit,
      Watchdog watchdog) {
    this.vertx = vertx;
    this.watchdog = watchdog;
    this.settings = settings;
    this.dcs = dcs;
    this.pg = pg;
    this.async = async;
    this.state = state;
    this.wake = wake;
    this.exit = exit;
    this.leaseGuard = leaseGuard;
    this.clockMillis = clockMillis;
    this.loopContext = vertx.getOrCreateContext();
  }

  void setCallbacks(AgentCallbacks callbacks) {
    this.callbacks = callbacks;
  }

  /** After a reload of the local configuration (tags, scripts). */
  void setSettings(Settings fresh) {
    this.settings = fresh;
  }

  /**
   * Runs the decision's actions; completes (never fails) when done, with null, or stopped at the first failure or
   * refusal, with that action. Once {@code abandoned} answers true (the loop gave up on this cycle), no further
   * action starts.
   */
  Future<Action> run(Decision decision, Cluster cluster, GlobalConfig global, PostgresState observed,
      BooleanSupplier abandoned) {
    this.cluster = cluster;
    this.global = global;
    this.observed = observed;
    callbacks.clusterSeen(cluster);
    List<Action> actions = decision.actions();
    return runFrom(actions, 0, abandoned);
  }

  private Future<Action> runFrom(List<Action> actions, int index, BooleanSupplier abandoned) {
    if (index >= actions.size()) {
      return Future.succeededFuture();
    }
    Action action = actions.get(index);
    if (abandoned.getAsBoolean()) {
      return Future.succeededFuture(action);
    }
    return execute(action).transform(ar -> {
      boolean goOn = ar.succeeded() && Boolean.TRUE.equals(ar.result());
      if (goOn) {
        return runFrom(actions, index + 1, abandoned);
      }
      if (ar.failed()) {
        LOG.warn("{} failed: {}", describe(action), ar.cause().getMessage());
      }
      Action last = actions.get(actions.size() - 1);
      if (last instanceof Action.TouchMember && index < actions.size() - 1 && touchAfterStop(action, ar.cause())
          && !abandoned.getAsBoolean()) {
        return execute(last).otherwise(false).map(action);
      }
      return Future.succeededFuture(action);
    });
  }

  /** Whether the member key is still written after {@code stoppedAt} stopped the decision. */
  static boolean touchAfterStop(Action stoppedAt, Throwable failure) {
    return !(stoppedAt instanceof Action.RenewLeaderKey) && !(failure instanceof DcsUnavailableException);
  }

  private static String describe(Action action) {
    return action.getClass().getSimpleName();
  }

  /**
   * True: go on with the next action; false: stop here (a value, not an error, e.g. a lost race). Package-private
   * so that a test can prove every {@link Action} has a runner.
   */
  Future<Boolean> execute(Action action) {
    try {
      return dispatch(action);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private Future<Boolean> dispatch(Action action) {
    if (action instanceof Action.AcquireLeaderKey) {
      return acquireLeaderKey();
    } else if (action instanceof Action.RenewLeaderKey) {
      return renewLeaderKey();
    } else if (action instanceof Action.ReleaseLeaderKey) {
      return releaseLeaderKey();
    } else if (action instanceof Action.TakeLeaderKey) {
      long sentAt = clockMillis.getAsLong();
      return dcs.takeLeaderKey().map(v -> {
        keyWritten(sentAt);
        // the end of a bootstrap: patroni/ha.py post_bootstrap calls on_start once the cluster is initialized, with
        // the role bootstrap_standby_leader set when the cluster is a standby cluster
        callbacks.script(ScriptAction.ON_START, global.isStandbyCluster() ? "standby_leader" : "primary");
        return true;
      });
    } else if (action instanceof Action.InitializeCluster a) {
      return dcs.initialize(a.systemId(), a.createOnly());
    } else if (action instanceof Action.CancelInitialization) {
      return dcs.cancelInitialization().map(true);
    } else if (action instanceof Action.WriteDynamicConfig a) {
      return dcs.writeConfig(a.config(), null);
    } else if (action instanceof Action.Bootstrap) {
      return startLongAction("bootstrap", LongAction.Kind.BOOTSTRAP, pg::bootstrap);
    } else if (action instanceof Action.PostBootstrap) {
      return startLongAction("post_bootstrap", LongAction.Kind.POST_BOOTSTRAP, this::verifyBootstrappedPrimary);
    } else if (action instanceof Action.Clone a) {
      return clone(a);
    } else if (action instanceof Action.StartPostgres a) {
      return startPostgres(a);
    } else if (action instanceof Action.StopPostgres a) {
      return stopPostgres(a);
    } else if (action instanceof Action.MoveDataDirectoryAside) {
      return vertx.executeBlocking(() -> {
        pg.moveDataDirectoryAside();
        return true;
      });
    } else if (action instanceof Action.Restart) {
      return restart();
    } else if (action instanceof Action.DropRestartRequest) {
      return dropRestartRequest();
    } else if (action instanceof Action.Promote) {
      return promote();
    } else if (action instanceof Action.Demote a) {
      return demote(a);
    } else if (action instanceof Action.Follow a) {
      return follow(a);
    } else if (action instanceof Action.Rewind a) {
      return rewind(a);
    } else if (action instanceof Action.Reinitialize a) {
      return reinitialize(a);
    } else if (action instanceof Action.CrashRecovery a) {
      return startLongAction("doing crash recovery in a single user mode", LongAction.Kind.CRASH_RECOVERY,
          () -> pg.crashRecovery(a.beforeRewind()).mapEmpty());
    } else if (action instanceof Action.CancelLongAction) {
      async.cancel();
      return Future.succeededFuture(true);
    } else if (action instanceof Action.ClearFailoverKey a) {
      return dcs.writeFailover(null, a.version()).map(true);
    } else if (action instanceof Action.WriteFailoverCandidate a) {
      return dcs.writeFailover(new Failover(0, null, a.candidate(), null), a.version()).map(true);
    } else if (action instanceof Action.WriteSyncState a) {
      return dcs.writeSyncState(new SyncState(0, a.leader(), a.syncStandbys(), a.quorum()), a.expectedVersion());
    } else if (action instanceof Action.DeleteSyncState a) {
      return dcs.deleteSyncState(a.expectedVersion()).map(true);
    } else if (action instanceof Action.ApplySynchronousStandbyNames a) {
      return pg.setSynchronousStandbyNames(a.value()).map(v -> {
        state.synchronousStandbyNames = a.value() == null ? "" : a.value();
        return true;
      });
    } else if (action instanceof Action.WriteHistory a) {
      return writeHistory(a.maxTimelinesHistory());
    } else if (action instanceof Action.TouchMember) {
      return touchMember();
    } else if (action instanceof Action.UpdateFailsafe a) {
      return updateFailsafe(a.active());
    } else if (action instanceof Action.PetWatchdog) {
      // failsafe mode kept the primary: the cycle counts as a confirmed lease, the WatchdogVerticle feeds the device
      state.leaseConfirmed = true;
      return Future.succeededFuture(true);
    } else if (action instanceof Action.ActivateWatchdog) {
      return activateWatchdog();
    } else if (action instanceof Action.DisableWatchdog) {
      watchdog.disable();
      return Future.succeededFuture(true);
    } else if (action instanceof Action.Exit a) {
      if (a.code() != 0) {
        LOG.error("{}", a.reason());
      } else {
        LOG.info("{}", a.reason());
      }
      exit.accept(a.code());
      return Future.succeededFuture(false);
    }
    throw new IllegalStateException("no runner for " + action);
  }

  // --- watchdog (docs/watchdog.md) ---

  /**
   * Arms the device before a promotion or while leading (Patroni's {@code enforce_primary_role}). The ioctls and
   * writes take microseconds, so they run on the loop. A refusal (mode required) stops the actions, so the
   * promotion does not run; the engine releases the key or demotes on the next cycle, which runs at once.
   */
  private Future<Boolean> activateWatchdog() {
    if (watchdog.activate()) {
      return Future.succeededFuture(true);
    }
    state.watchdogActivationFailed = true;
    wake.run();
    return Future.succeededFuture(false);
  }

  // --- leader key ---

  private Future<Boolean> acquireLeaderKey() {
    long sentAt = clockMillis.getAsLong();
    return dcs.acquireLeaderKey().map(won -> {
      if (won) {
        keyWritten(sentAt);
      } else {
        state.leaderKey = LeaderKeyWrite.NONE;
        state.memory = state.memory.afterLostRace();
      }
      return won;
    });
  }

  private void keyWritten(long sentAtMillis) {
    state.leaderKey = LeaderKeyWrite.HELD;
    state.leaseConfirmed = true;
    state.leaderKeyReleased = false;
    leaseGuard.renewed(sentAtMillis, global.ttl());
  }

  private Future<Boolean> renewLeaderKey() {
    if (state.leaderKeyReleased) {
      // a graceful demote released the key while the loop still saw our name in it: it is not ours to renew
      state.leaderKey = LeaderKeyWrite.LOST;
      state.leaseConfirmed = false;
      return Future.succeededFuture(false);
    }
    long sentAt = clockMillis.getAsLong();
    Future<Boolean> renewal = dcs.renewLeaderKey().transform(ar -> {
      if (state.leaderKeyReleased) {
        // the release began while this renewal was on its way (a graceful demote's, run beside the loop): what
        // it wrote or confirmed is not ours any more, and the release deletes the key only after it answered
        state.leaderKey = LeaderKeyWrite.LOST;
        state.leaseConfirmed = false;
        return Future.succeededFuture(false);
      }
      if (!ar.succeeded() || !ar.result()) {
        state.leaseConfirmed = false;
      }
      if (ar.failed()) {
        state.leaderKey = ar.cause() instanceof DcsUnavailableException
            ? LeaderKeyWrite.UNREACHABLE : LeaderKeyWrite.LOST;
        return Future.failedFuture(ar.cause());
      }
      if (!ar.result()) {
        state.leaderKey = LeaderKeyWrite.LOST;
        return Future.succeededFuture(false);
      }
      keyWritten(sentAt);
      return writeStatusIfChanged(observed == null ? null : observed.walPosition()).map(true);
    });
    renewalInFlight = renewal;
    return renewal;
  }

  private Future<Void> writeStatusIfChanged(Long optime) {
    if (optime == null) {
      return Future.succeededFuture();
    }
    Status status = new Status(optime, null, null);
    if (status.equals(state.lastStatusWritten)) {
      return Future.succeededFuture();
    }
    return dcs.writeStatus(status).onSuccess(v -> state.lastStatusWritten = status).otherwiseEmpty();
  }

  /**
   * Patroni's delete_leader: optime = the last checkpoint first, so replicas know how far the old leader got.
   *
   * <p>A graceful demote releases the key from its long action while the loop's cycles go on renewing it. From
   * the moment the release begins no renewal counts, and the delete waits for the renewal in flight: one that
   * answered after the delete would otherwise mark the key held again, or (etcd's create-if-absent branch)
   * write it back, and the next cycle, seeing its own name in the key and the switchover request still there,
   * demoted the node a second time, with a second on_stop and on_role_change.
   */
  private Future<Boolean> releaseLeaderKey() {
    state.leaderKeyReleased = true;
    state.leaseConfirmed = false;
    Future<Void> optime = renewalInFlight.<Void>mapEmpty().otherwiseEmpty()
        .compose(v -> pg.controlData())
        .compose(cd -> writeStatusIfChanged(cd.latestCheckpointLsn()))
        .otherwiseEmpty();
    return optime.compose(v -> dcs.releaseLeaderKey()).transform(ar -> {
      state.leaderKey = LeaderKeyWrite.NONE;
      state.leaderKeyReleased = true;
      state.leaseConfirmed = false;
      leaseGuard.dropped();
      if (ar.failed()) {
        LOG.warn("could not release the leader key, it expires with its lease: {}", ar.cause().getMessage());
      }
      return Future.succeededFuture(true);
    });
  }

  // --- long actions ---

  private Future<Boolean> startLongAction(String name, LongAction.Kind kind, Supplier<Future<Void>> work) {
    AsyncExecutor.Attempt<Void> attempt = async.tryRun(name, work);
    if (!attempt.started()) {
      return Future.failedFuture(attempt.busyWith() + " already in progress");
    }
    LongAction running = new LongAction(name, kind, clockMillis.getAsLong());
    state.running = running;
    state.runningAction = attempt.result();
    attempt.result().onComplete(ar -> vertx.runOnContext(v -> {
      state.running = null;
      state.runningAction = null;
      state.completed = new LongAction.Completed(running, ar.succeeded());
      if (ar.failed()) {
        LOG.error("{} failed: {}", name, ar.cause().getMessage());
      }
      wake.run();
    }));
    return Future.succeededFuture(true);
  }

  /** Bootstrap ran post_bootstrap as its last step; this confirms the result is a running primary. */
  private Future<Void> verifyBootstrappedPrimary() {
    return pg.state().compose(s -> s.isPrimary() ? Future.succeededFuture()
        : Future.failedFuture("PostgreSQL is not running as a primary after bootstrap"));
  }

  private Future<Boolean> clone(Action.Clone a) {
    if (a.standbyLeader()) {
      // docs/standby-cluster.md §2: clone the remote primary, then follow it as the standby leader to be
      StandbyCluster sc;
      try {
        sc = standbyCluster();
      } catch (IllegalArgumentException | IllegalStateException e) {
        return Future.failedFuture(e.getMessage());
      }
      return startLongAction(a.asyncName(), LongAction.Kind.CLONE, () -> pg.cloneRemotePrimary(sc)
          .compose(v -> followAs(RecoveryConfig.remote(sc), PostgresRole.STANDBY_LEADER)));
    }
    Member source = a.from() == null ? leaderMember() : member(a.from());
    if (source == null && !a.withoutLeader()) {
      return Future.failedFuture("no member to clone from");
    }
    Member leader = leaderMember();
    // a member of a standby cluster clones with standby_cluster.create_replica_methods (patroni/ha.py clone)
    StandbyCluster sc = global.isStandbyCluster() ? standbyCluster() : null;
    return startLongAction(a.asyncName(), LongAction.Kind.CLONE, () ->
        pg.createReplica(source == null ? null : ReplicationSource.fromMember(source),
                sc == null ? null : sc.createReplicaMethods())
            .compose(v -> followCalling(recoveryFor(leader), "replica").mapEmpty()));
  }

  /**
   * {@code pg.follow} with the callback Patroni's {@code Postgresql.follow} runs for a role that stays the same:
   * on_start when PostgreSQL was started, on_restart when it was restarted, on_reload when a reload was enough
   * (patroni/postgresql/__init__.py).
   */
  private Future<Boolean> followCalling(RecoveryConfig recovery, String role) {
    long pidBefore = pg.postmasterPid();
    RecoveryConfig targetBefore = pg.recoveryTarget();
    return pg.follow(recovery).onSuccess(ready -> {
      long pidAfter = pg.postmasterPid();
      if (!Boolean.TRUE.equals(ready) || pidAfter < 0) {
        return;
      }
      if (pidBefore < 0) {
        callbacks.script(ScriptAction.ON_START, role);
      } else if (pidAfter != pidBefore) {
        callbacks.script(ScriptAction.ON_RESTART, role);
      } else if (!Objects.equals(targetBefore, recovery)) {
        callbacks.script(ScriptAction.ON_RELOAD, role);
      }
    });
  }

  /** Patroni's role name of the running server, for a callback's second argument. */
  private String callbackRole() {
    PostgresState s = observed;
    return s == null ? PostgresRole.REPLICA.patroniName() : s.callbackRole();
  }

  private Future<Boolean> startPostgres(Action.StartPostgres a) {
    RecoveryConfig recovery;
    if (a.remote()) {
      try {
        recovery = RecoveryConfig.remote(standbyCluster());
      } catch (IllegalArgumentException | IllegalStateException e) {
        return Future.failedFuture(e.getMessage());
      }
      RecoveryConfig remote = recovery;
      return startLongAction(a.asyncName(), LongAction.Kind.START, () -> {
        pg.setStandbyRole(a.role());
        return followCalling(remote, a.role().patroniName()).map(started -> {
          pg.setStandbyRole(a.role());
          return null;
        });
      });
    }
    if (a.role() == PostgresRole.PRIMARY) {
      recovery = null;
    } else {
      Member upstream = a.follow() == null ? null : member(a.follow());
      recovery = upstream == null ? new RecoveryConfig(null, null, null, Map.of()) : recoveryFor(upstream);
    }
    String role = a.role() == PostgresRole.PRIMARY || a.role() == PostgresRole.STANDBY_LEADER
        ? a.role().patroniName() : PostgresRole.REPLICA.patroniName();
    return startLongAction(a.asyncName(), LongAction.Kind.START, () -> followCalling(recovery, role).mapEmpty());
  }

  private Future<Boolean> stopPostgres(Action.StopPostgres a) {
    boolean wasRunning = pg.isRunning();
    String role = callbackRole();
    return pg.stop(stopMode(a.mode())).onSuccess(v -> {
      if (wasRunning) {
        callbacks.script(ScriptAction.ON_STOP, role);
      }
    }).compose(v -> a.releaseKeyOnShutdownCheckpoint()
        ? releaseLeaderKey() : Future.succeededFuture(true));
  }

  private Future<Boolean> restart() {
    String role = callbackRole();
    return startLongAction("restart", LongAction.Kind.RESTART, () -> pg.restart().transform(ar -> {
      if (ar.succeeded()) {
        callbacks.script(ScriptAction.ON_RESTART, role);
      }
      vertx.runOnContext(v -> {
        state.reply(state.restartWaiter, ar.succeeded() ? 200 : 503,
            ar.succeeded() ? "restarted successfully" : "restart failed");
        state.restartWaiter = null;
      });
      return ar.succeeded() ? Future.<Void>succeededFuture() : Future.<Void>failedFuture(ar.cause());
    })).map(started -> {
      state.restartRequest = null;
      state.scheduledRestart = null;
      return started;
    });
  }

  private Future<Boolean> dropRestartRequest() {
    state.reply(state.restartWaiter, 503, "restart conditions are not satisfied");
    state.restartWaiter = null;
    state.restartRequest = null;
    state.scheduledRestart = null;
    return Future.succeededFuture(true);
  }

  private Future<Boolean> promote() {
    // the plugins' veto, then pg.promote(), which runs the pre_promote script first: a refusal or a non-zero exit
    // fails the promotion, and the engine releases the key (patroni/ha.py enforce_primary_role)
    return startLongAction("promote", LongAction.Kind.PROMOTE, () -> callbacks.allowPromotion()
        .compose(allowed -> allowed ? pg.promote()
            : Future.failedFuture("a callback plugin vetoed the promotion: not promoting"))
        .compose(v -> {
          // patroni/postgresql/__init__.py promote: on_role_change as soon as pg_ctl promote succeeded
          callbacks.script(ScriptAction.ON_ROLE_CHANGE, "primary");
          // replicas wait for this flag before pg_rewind (docs/dcs-layout.md §1.2)
          vertx.runOnContext(x -> state.checkpointAfterPromote = false);
          return pg.checkpoint();
        })
        .onComplete(ar -> vertx.runOnContext(x -> state.checkpointAfterPromote = true)));
  }

  /**
   * A graceful demote (switchover) runs as the long action "demote" so that the loop keeps renewing the key while
   * the CHECKPOINT and the fast stop take their time; the key is released only once PostgreSQL is down. Every
   * other mode steps down in the caller's cycle, cancelling whatever long action runs (Patroni demotes from its
   * main thread then), because stepping down must not wait.
   */
  private Future<Boolean> demote(Action.Demote a) {
    async.cancel();
    Member upstream = a.follow() == null ? null : member(a.follow());
    RecoveryConfig recovery;
    try {
      // the old primary of a cluster turned into a standby cluster comes back following the remote primary
      recovery = a.mode() == DemoteMode.DEMOTE_CLUSTER && upstream == null && global.isStandbyCluster()
          ? RecoveryConfig.remote(standbyCluster())
          : upstream == null ? new RecoveryConfig(null, null, null, Map.of()) : recoveryFor(upstream);
    } catch (IllegalArgumentException | IllegalStateException e) {
      return Future.failedFuture(e.getMessage());
    }
    state.role = "demoted";
    if (a.mode() == DemoteMode.GRACEFUL) {
      return startLongAction("demote", LongAction.Kind.DEMOTE, () -> stepDown(a.mode(), recovery).mapEmpty());
    }
    return stepDown(a.mode(), recovery);
  }

  private Future<Boolean> stepDown(DemoteMode mode, RecoveryConfig recovery) {
    state.stepDownInProgress = true;
    return stepDownSteps(mode, recovery).onComplete(ar -> loopContext.runOnContext(v -> state.stepDownInProgress = false));
  }

  private Future<Boolean> stepDownSteps(DemoteMode mode, RecoveryConfig recovery) {
    Duration stopTimeout = global.primaryStopTimeout() > 0 && global.synchronousMode().enabled()
        ? Duration.ofSeconds(global.primaryStopTimeout()) : null;
    boolean wasRunning = pg.isRunning();
    String roleBeforeStop = callbackRole();
    Future<Void> checkpoint = mode.checkpointBeforeStop() && wasRunning
        ? checkpointBeforeStop(stopTimeout) : Future.succeededFuture();
    return checkpoint
        .compose(v -> pg.stop(stopMode(mode.stopMode()), stopTimeout))
        .onSuccess(v -> {
          // patroni/ha.py demote: the stop runs its on_stop with the old role, the restart as a replica only
          // on_role_change
          if (wasRunning) {
            callbacks.script(ScriptAction.ON_STOP, roleBeforeStop);
          }
        })
        .compose(v -> onLoopContext(() -> {
          // Patroni's on_safepoint: PostgreSQL takes no more writes, the watchdog has nothing left to guard
          watchdog.disable();
          if (!mode.releasesLeaderKey()) {
            // PostgreSQL is down: nothing writable is left for the lease guard to protect
            leaseGuard.dropped();
          }
          return mode.releasesLeaderKey() ? releaseLeaderKey() : Future.succeededFuture(true);
        }))
        .compose(v -> pg.setSynchronousStandbyNames(null).otherwiseEmpty())
        .compose(v -> onLoopContext(() -> {
          state.synchronousStandbyNames = "";
          return pg.follow(recovery);
        }))
        .onSuccess(started -> callbacks.script(ScriptAction.ON_ROLE_CHANGE, "replica"))
        .map(started -> true);
  }

  /**
   * Patroni's CHECKPOINT before a graceful stop, bounded (and cancelled server-side) by {@code primary_stop_timeout}
   * when set, otherwise by the pg_ctl timeout. A CHECKPOINT that fails or runs out of time only makes the shutdown
   * checkpoint longer.
   */
  private Future<Void> checkpointBeforeStop(Duration stopTimeout) {
    Duration bound = stopTimeout != null ? stopTimeout : Duration.ofSeconds(settings.postgresql().pgCtlTimeout());
    return pg.checkpoint(bound).recover(e -> {
      LOG.warn("CHECKPOINT before demote did not complete: {}; stopping anyway", e.getMessage());
      return Future.succeededFuture();
    });
  }

  /** Runs {@code step} on the loop's context, where {@link LoopState} may be touched. */
  private <T> Future<T> onLoopContext(Supplier<Future<T>> step) {
    Promise<T> result = Promise.promise();
    loopContext.runOnContext(v -> {
      try {
        step.get().onComplete(result);
      } catch (RuntimeException e) {
        result.fail(e);
      }
    });
    return result.future();
  }

  private Future<Boolean> follow(Action.Follow a) {
    RecoveryConfig recovery;
    if (a.remote()) {
      try {
        recovery = RecoveryConfig.remote(standbyCluster());
      } catch (IllegalArgumentException | IllegalStateException e) {
        return Future.failedFuture(e.getMessage());
      }
    } else {
      Member upstream = a.member() == null ? null : member(a.member());
      recovery = upstream == null ? new RecoveryConfig(null, null, null, Map.of()) : recoveryFor(upstream);
    }
    // patroni/postgresql/__init__.py follow: a running server that moves between replica and standby_leader only
    // runs on_role_change with its new role; one that keeps its role runs on_start / on_restart / on_reload
    PostgresRole before = pg.recordedRole();
    boolean roleChanges = pg.isRunning() && before != a.role() && isStandbyRole(before) && isStandbyRole(a.role());
    if (pg.isRunning()) {
      pg.setStandbyRole(a.role());
    }
    boolean unchanged = recovery.equals(pg.recoveryTarget()) && pg.isRunning();
    boolean keptWhilePaused = !unchanged && !a.mayRestart() && pg.isRunning();
    if (a.role() == PostgresRole.STANDBY_LEADER) {
      reportRemoteStreaming(keptWhilePaused ? pg.recoveryTarget() : recovery);
    } else {
      remoteStreaming.forget();
    }
    if (unchanged || keptWhilePaused) {
      if (keptWhilePaused) {
        LOG.info("not changing the upstream to {} while paused", a.member());
      }
      if (roleChanges) {
        callbacks.script(ScriptAction.ON_ROLE_CHANGE, a.role().patroniName());
      }
      return Future.succeededFuture(true);
    }
    if (roleChanges) {
      return followAs(recovery, a.role())
          .onSuccess(v -> callbacks.script(ScriptAction.ON_ROLE_CHANGE, a.role().patroniName()))
          .map(true);
    }
    return followCalling(recovery, a.role().patroniName()).map(true);
  }

  private static boolean isStandbyRole(PostgresRole role) {
    return role == PostgresRole.REPLICA || role == PostgresRole.STANDBY_LEADER;
  }

  private Future<Boolean> rewind(Action.Rewind a) {
    if (a.remote()) {
      return rewindFromRemotePrimary(a);
    }
    Member from = member(a.from());
    if (from == null) {
      return Future.failedFuture("cannot rewind from " + a.from() + ": no such member");
    }
    return rewindThenFollow(a.asyncName(), ReplicationSource.fromMember(from),
        () -> followCalling(recoveryFor(from), "replica").mapEmpty());
  }

  /**
   * pg_rewind from {@code source} when the local timeline diverged from it, then {@code follow} unless the data
   * directory was removed (the node clones next).
   */
  private Future<Boolean> rewindThenFollow(String asyncName, ReplicationSource source, Supplier<Future<Void>> follow) {
    boolean wasRunning = pg.isRunning();
    String role = callbackRole();
    return startLongAction(asyncName, LongAction.Kind.REWIND, () -> pg.repairDivergence(source)
        .onSuccess(outcome -> {
          // patroni/postgresql/rewind.py stops a running server before pg_rewind without blocking callbacks
          if (wasRunning && !pg.isRunning()) {
            callbacks.script(ScriptAction.ON_STOP, role);
          }
        })
        .compose(outcome -> outcome == PostgresController.DivergenceOutcome.DATA_DIRECTORY_REMOVED
            ? Future.succeededFuture()
            : follow.get()));
  }

  /**
   * A member of a standby cluster rewinds from the remote primary (docs/standby-cluster.md §5): the standby leader
   * then follows it again as standby leader, any other member follows the standby leader.
   */
  private Future<Boolean> rewindFromRemotePrimary(Action.Rewind a) {
    StandbyCluster sc;
    try {
      sc = standbyCluster();
    } catch (IllegalArgumentException | IllegalStateException e) {
      return Future.failedFuture(e.getMessage());
    }
    ReplicationSource source = ReplicationSource.remote(sc);
    if (source == null) {
      return Future.failedFuture("cannot rewind from the remote primary: standby_cluster has neither host nor port");
    }
    Member leader = leaderMember();
    if (leader != null && !leader.name().equals(settings.name())) {
      return rewindThenFollow(a.asyncName(), source, () -> followCalling(recoveryFor(leader), "replica").mapEmpty());
    }
    return rewindThenFollow(a.asyncName(), source, () -> {
      pg.setStandbyRole(PostgresRole.STANDBY_LEADER);
      return followCalling(RecoveryConfig.remote(sc), PostgresRole.STANDBY_LEADER.patroniName()).map(started -> {
        pg.setStandbyRole(PostgresRole.STANDBY_LEADER);
        return null;
      });
    });
  }

  private Future<Boolean> reinitialize(Action.Reinitialize a) {
    Member source = a.from() == null ? leaderMember() : member(a.from());
    Member leader = leaderMember();
    if (source == null) {
      return Future.failedFuture("no member to reinitialize from");
    }
    state.reinitializeRequest = null;
    // patroni/ha.py _do_reinitialize clones as clone() does: in a standby cluster with the replica methods of
    // standby_cluster.create_replica_methods
    StandbyCluster sc;
    try {
      sc = global.isStandbyCluster() ? standbyCluster() : null;
    } catch (IllegalArgumentException | IllegalStateException e) {
      return Future.failedFuture(e.getMessage());
    }
    boolean wasRunning = pg.isRunning();
    String role = callbackRole();
    return startLongAction("reinitialize", LongAction.Kind.REINITIALIZE, () -> pg.stop(StopMode.IMMEDIATE)
        .onSuccess(v -> {
          if (wasRunning) {
            callbacks.script(ScriptAction.ON_STOP, role);
          }
        })
        .compose(v -> pg.removeDataDirectory())
        .compose(v -> pg.createReplica(ReplicationSource.fromMember(source), sc == null ? null : sc.createReplicaMethods()))
        .compose(v -> followCalling(recoveryFor(leader == null ? source : leader), "replica").mapEmpty()));
  }

  // --- DCS bookkeeping ---

  /**
   * Rewrites {@code /history} from PostgreSQL's history file of the current timeline; lines already in the DCS keep
   * their timestamps, new ones get now and this member's name.
   */
  private Future<Boolean> writeHistory(int maxLines) {
    return pg.state().compose(s -> {
      if (s.timeline() == null || s.timeline() < 2) {
        return Future.succeededFuture(true);
      }
      Path file = settings.postgresql().dataDir().resolve("pg_wal").resolve(String.format("%08X.history", s.timeline()));
      return vertx.executeBlocking(() -> Files.readString(file)).compose(content -> {
        TimelineHistory history = historyFrom(content, maxLines);
        if (history.equals(state.lastHistoryWritten)
            || cluster != null && cluster.history() != null && cluster.history().lines().equals(history.lines())) {
          return Future.succeededFuture(true);
        }
        return dcs.writeHistory(history).map(v -> {
          state.lastHistoryWritten = history;
          return true;
        });
      });
    });
  }

  private TimelineHistory historyFrom(String content, int maxLines) {
    Map<Integer, TimelineHistory.Line> known = new LinkedHashMap<>();
    if (cluster != null && cluster.history() != null) {
      cluster.history().lines().forEach(l -> known.put(l.timeline(), l));
    }
    String now = OffsetDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    List<TimelineHistory.Line> lines = new ArrayList<>();
    for (String raw : content.split("\n")) {
      String[] parts = raw.trim().split("\t");
      if (parts.length < 2 || !parts[0].matches("\\d+")) {
        continue;
      }
      int timeline = Integer.parseInt(parts[0]);
      long lsn = Lsn.parse(parts[1].trim());
      String reason = parts.length > 2 ? parts[2].trim() : "";
      TimelineHistory.Line old = known.get(timeline);
      lines.add(old != null && old.lsn() == lsn ? old
          : new TimelineHistory.Line(timeline, lsn, reason, now, settings.name()));
    }
    if (maxLines > 0 && lines.size() > maxLines) {
      lines = lines.subList(lines.size() - maxLines, lines.size());
    }
    return new TimelineHistory(0, lines);
  }

  private Future<Boolean> touchMember() {
    return pg.state().otherwise(observed).compose(s -> {
      state.afterActions = s;
      state.role = publishedRole(s);
      Map<String, Object> data = MemberData.build(
          settings.postgresql().connUrl(),
          settings.postgresql().proxyAddress() == null ? null
              : "postgres://" + settings.postgresql().proxyAddress() + "/" + settings.postgresql().database(),
          settings.restapi().apiUrl(),
          s == null ? "stopped" : s.state(),
          state.role,
          s,
          settings.tags().values(),
          state.checkpointAfterPromote,
          state.paused,
          state.scheduledRestart);
      return dcs.touchMember(data).map(true);
    });
  }

  private String publishedRole(PostgresState s) {
    if (s == null) {
      return state.role;
    }
    if (s.dataDirEmpty()) {
      return "uninitialized";
    }
    if (s.running()) {
      if (s.inRecovery()) {
        return s.role() == PostgresRole.STANDBY_LEADER ? "standby_leader" : "replica";
      }
      return "primary";
    }
    return s.role() == null ? state.role : s.role().patroniName();
  }

  private Future<Boolean> updateFailsafe(boolean active) {
    state.failsafeActive = active;
    if (active) {
      leaseGuard.failsafeConfirmed(state.failsafeRoundSentMillis, global.ttl());
    }
    if (active || !global.failsafeMode() || cluster == null) {
      return Future.succeededFuture(true);
    }
    Map<String, String> members = new LinkedHashMap<>();
    for (Member m : cluster.members()) {
      if (m.apiUrl() != null) {
        members.put(m.name(), m.apiUrl());
      }
    }
    members.put(settings.name(), settings.restapi().apiUrl());
    Failsafe failsafe = new Failsafe(members);
    if (state.knownFailsafe != null && state.knownFailsafe.members().equals(failsafe.members())) {
      return Future.succeededFuture(true);
    }
    return dcs.writeFailsafe(failsafe).map(v -> {
      state.knownFailsafe = failsafe;
      return true;
    });
  }

  // --- helpers ---

  private Member member(String name) {
    if (name == null) {
      return null;
    }
    if (cluster != null) {
      Member m = cluster.member(name).orElse(null);
      if (m != null && m.connUrl() != null) {
        return m;
      }
    }
    Cluster old = state.lastLeaderCluster;
    return old == null ? null : old.member(name).orElse(null);
  }

  private Member leaderMember() {
    if (cluster == null || cluster.isUnlocked()) {
      return null;
    }
    return member(cluster.leaderName());
  }

  private RecoveryConfig recoveryFor(Member upstream) {
    if (upstream == null) {
      return new RecoveryConfig(null, null, null, Map.of());
    }
    ReplicationSource source = ReplicationSource.fromMember(upstream);
    RecoveryConfig following = RecoveryConfig.following(source, settings.name());
    RecoveryConfig rc = global.useSlots() ? following : new RecoveryConfig(source, null, null, Map.of());
    return global.isStandbyCluster() ? rc.withStandbyClusterArchive(standbyCluster()) : rc;
  }

  /**
   * The standby_cluster section of the current dynamic configuration (docs/standby-cluster.md §1).
   *
   * @throws IllegalArgumentException naming the key when a value is unusable
   * @throws IllegalStateException when the configuration is no longer a standby cluster's
   */
  private StandbyCluster standbyCluster() {
    StandbyCluster sc = global.standbyClusterSettings();
    if (sc == null) {
      throw new IllegalStateException("standby_cluster is no longer set in the dynamic configuration");
    }
    return sc;
  }

  /**
   * An unreachable remote primary does not cost the standby leader its key: PostgreSQL's WAL receiver keeps
   * retrying, {@code /patroni} shows the replication state, and the log says it once per change
   * (docs/standby-cluster.md §4).
   *
   * @param following the recovery settings PostgreSQL has after this cycle (null when unknown)
   */
  private void reportRemoteStreaming(RecoveryConfig following) {
    String from = following == null || following.source() == null ? "the WAL archive"
        : following.source().memberName();
    RemoteStreamingReport.Line line = remoteStreaming.observe(observed, from);
    if (line != null && line.warning()) {
      LOG.warn(line.text());
    } else if (line != null) {
      LOG.info(line.text());
    }
  }

  /** Writes {@code recovery} and (re)starts or reloads as needed, then records the standby role played. */
  private Future<Void> followAs(RecoveryConfig recovery, PostgresRole role) {
    pg.setStandbyRole(role);
    return pg.follow(recovery).map(started -> {
      pg.setStandbyRole(role);
      return null;
    });
  }

  private static StopMode stopMode(String mode) {
    return StopMode.valueOf(mode.toUpperCase(Locale.ROOT));
  }
}
