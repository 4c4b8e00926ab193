package io.vigil.postgres;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.sqlclient.Pool;
import io.vigil.async.AsyncExecutor;
import io.vigil.bus.Addresses;
import io.vigil.bus.RecordCodec;
import io.vigil.cluster.Member;
import io.vigil.config.BootstrapSettings;
import io.vigil.config.PostgresSettings;
import io.vigil.config.Settings;
import io.vigil.config.StandbyCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only code that touches the local PostgreSQL: process control through the binaries, the configuration
 * files, and SQL through a Vert.x PgClient pool.
 *
 * <p><b>Threads.</b> Every method may be called from an event loop: blocking work (processes, files, waits) runs on
 * the named worker pool {@code vigil-postgres}; SQL is asynchronous. Methods return {@link Future}s that complete
 * on a worker or client thread; compose them, never wait on them.
 *
 * <p><b>Long actions.</b> {@link #bootstrap()}, {@link #createReplica}, {@link #rewind}, {@link #restart()},
 * {@link #crashRecovery()} can take minutes. The HA loop runs them inside {@link AsyncExecutor#tryRun} so that
 * only one runs at a time; they report progress to that executor, and its {@code cancel()} kills the tool they
 * run (reinitialize with force). The short verbs ({@link #start()}, {@link #stop}, {@link #reload()},
 * {@link #promote()}, {@link #state()}) may be called directly.
 *
 * <p><b>Configuration.</b> The controller writes postgresql.conf from the effective parameters given to
 * {@link #setParameters} (precedence merging is {@code EffectiveConfig}'s job; this class applies docs/configuration.md §5.2:
 * controlled parameters on the command line with defaults and minimums) and the recovery target given to
 * {@link #follow}. Config files are (re)written before every start and reload.
 *
 * <p><b>State.</b> {@link #state()} reads a fresh {@link PostgresState}. Starts, stops, promotions and a postmaster
 * death (noticed within one second, {@code kill -9} included) are also reported to the observer given to
 * {@link #observeStates}, which publishes them on {@link Addresses#POSTGRES_STATE}.
 *
 * <p><b>Parts.</b> It composes package-private parts, each with one job: {@link PgConfiguration} (what the
 * configuration files say), {@link PgProcess} (the postmaster's lifecycle), {@link PgTools} (the binaries and
 * user scripts), {@link PgConnections} (bounded SQL connections), {@link PgStateReader} (state snapshots),
 * {@link ReplicationSlotSync} (slots) and {@link DataDirectory}; the long actions get them as {@link PgParts}.
 *
 * <p><b>Failures.</b> Futures fail with {@link PostgresException} (tool exit, postmaster died, timeout) carrying the
 * tool's last output lines, or with the PgClient's exception for SQL. Never a password in either.
 */
public final class PostgresController {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresController.class);

  private final Vertx vertx;
  private final PostgresSettings pg;
  private final WorkerExecutor worker;
  private final PgParts parts;
  private final PgConfiguration config;
  private final PgConnections connections;
  private final PgProcess process;
  private final PgStateReader states;
  private final DataDirectory dataDirectory;
  private final ReplicationSlotSync slots;
  private volatile boolean usePgRewind;
  /** Told of starts, stops, promotions and a postmaster death; the PostgreSQL supervisor publishes them. */
  private volatile Consumer<PostgresState> stateObserver = s -> { };

  private PostgresController(Vertx vertx, Settings settings, AsyncExecutor async, PgBinaries binaries,
      int serverVersionNum) {
    this.vertx = vertx;
    this.pg = settings.postgresql();
    this.worker = vertx.createSharedWorkerExecutor("vigil-postgres", 4, 2, TimeUnit.HOURS);
    this.config = new PgConfiguration(settings, new PgConfigFiles(pg, binaries, pgpassPath(pg)), serverVersionNum);
    this.connections = new PgConnections(vertx, pg, config::socketDirectory);
    PgTools tools = new PgTools(binaries, config.files().pgpass(), pg.dataDir(), async);
    this.process = new PgProcess(pg, binaries, config, tools, connections, new PgProcess.Events() {
      @Override
      public void running() {
        vertx.runOnContext(v -> publishState());
      }

      @Override
      public void gone() {
        stateObserver.accept(states.notRunning());
      }
    });
    this.dataDirectory = new DataDirectory(pg.dataDir(), process::isRunning);
    this.states = new PgStateReader(process, config, connections, dataDirectory, serverVersionNum);
    this.slots = new ReplicationSlotSync(connections, settings.name(), Duration.ofSeconds(pg.pgCtlTimeout()));
    this.parts = new PgParts(settings, worker, async, binaries, serverVersionNum, config, tools, connections,
        process, states, dataDirectory);
    this.usePgRewind = Boolean.TRUE.equals(pg.usePgRewind());
    RecordCodec.register(vertx, PostgresState.class);
  }

  /**
   * Locates the binaries (logging which bin dir when {@code bin_dir} is unset), reads the server version and
   * adopts a postmaster already running for the data directory.
   */
  public static Future<PostgresController> create(Vertx vertx, Settings settings, AsyncExecutor async) {
    return vertx.executeBlocking(() -> {
      PostgresSettings pg = settings.postgresql();
      PgBinaries bins = PgBinaries.locate(pg.binDir(), pg.binName(), pg.dataDir());
      int version = PgTools.serverVersion(bins);
      if (version < 120000) {
        // recovery.conf (PG < 12) is not written by this controller: refuse instead of writing standby.signal
        throw new PostgresException("PostgreSQL " + version / 10000 + " is not supported: Vigil needs 12 or newer");
      }
      PostgresController c = new PostgresController(vertx, settings, async, bins, version);
      c.process.adoptRunning();
      return c;
    }, false);
  }

  private static Path pgpassPath(PostgresSettings pg) {
    if (pg.pgpass() != null) {
      return pg.pgpass();
    }
    Path data = pg.dataDir().toAbsolutePath();
    return data.resolveSibling("pgpass." + data.getFileName());
  }

  // ---------------------------------------------------------------------------------------------------------
  // configuration

  /** The effective {@code postgresql.parameters}; applied at the next start or reload. */
  public void setParameters(Map<String, Object> effectiveParameters) {
    config.setParameters(effectiveParameters);
  }

  /** The effective {@code pg_hba} and {@code pg_ident} lines (null or empty: leave the files alone). */
  public void setAccessFiles(List<String> hba, List<String> ident) {
    config.setAccessFiles(hba, ident);
  }

  /** The parameters as they will be written: controlled ones validated (warnings logged by the writer). */
  public ServerParameters serverParameters() {
    return config.serverParameters();
  }

  public int serverVersionNum() {
    return parts.serverVersionNum();
  }

  public PgBinaries binaries() {
    return parts.binaries();
  }

  /** The recovery target in use (null when running, or about to start, as a primary). */
  public RecoveryConfig recoveryTarget() {
    return config.recovery();
  }

  // ---------------------------------------------------------------------------------------------------------
  // process control

  /** Whether a postmaster runs for the data directory (as far as the agent knows: child or adopted). */
  public boolean isRunning() {
    return process.isRunning();
  }

  /** Patroni's member state string: running, starting, stopped, crashed, creating replica, initdb failed, ... */
  public String stateName() {
    return process.stateName();
  }

  /** The postmaster's PID, or -1 when none runs. */
  public long postmasterPid() {
    return process.pid();
  }

  /**
   * Starts PostgreSQL with the current configuration (as a replica when a recovery target is set) and waits
   * until it accepts connections, up to {@code pg_ctl_timeout}.
   *
   * @return true once it accepts connections (also when it was already running); false when it still had not
   *     after the timeout (it keeps starting: Patroni's "start timeout"). Fails when the postmaster exits.
   */
  public Future<Boolean> start() {
    return blocking(() -> process.start(parts.pgCtlTimeout()));
  }

  /**
   * Stops PostgreSQL by signal and waits for the postmaster to exit, up to {@code pg_ctl_timeout}; runs
   * {@code before_stop} first. Succeeds at once when nothing runs; fails ({@code stop failed}) when the
   * postmaster is still there after the timeout.
   */
  public Future<Void> stop(StopMode mode) {
    return stop(mode, null);
  }

  /**
   * As {@link #stop(StopMode)}, but sends SIGKILL to the postmaster once {@code killAfter} has passed without it
   * exiting ({@code primary_stop_timeout} in synchronous mode, docs/ha-rules.md §2.7). Null: no SIGKILL.
   */
  public Future<Void> stop(StopMode mode, Duration killAfter) {
    return blocking(() -> {
      process.stop(mode, parts.pgCtlTimeout(), killAfter);
      return null;
    });
  }

  /** Fast stop, then start. Result as {@link #start()}. */
  public Future<Boolean> restart() {
    return restart(null);
  }

  /** As {@link #restart()}; a non-null {@code roleAtStart} is recorded between the stop and the start. */
  private Future<Boolean> restart(PostgresRole roleAtStart) {
    return blocking(() -> {
      process.setStateName("restarting");
      process.stop(StopMode.FAST, parts.pgCtlTimeout(), null);
      if (roleAtStart != null) {
        process.setRole(roleAtStart);
      }
      try {
        return process.start(parts.pgCtlTimeout());
      } catch (RuntimeException e) {
        process.setStateName("restart failed");
        throw e;
      }
    });
  }

  /**
   * Rewrites the config files and sends SIGHUP, then waits until the server has re-read them
   * ({@code pg_conf_load_time()} moves), so that a following {@link #state()} shows pending restarts.
   */
  public Future<Void> reload() {
    if (!isRunning()) {
      return blocking(() -> {
        config.write();
        return null;
      });
    }
    return loadTime()
        .compose(before -> blocking(() -> {
          config.write();
          process.signalReload();
          LOG.info("reloaded PostgreSQL configuration");
          return before;
        }))
        .compose(this::awaitReload);
  }

  private Future<String> loadTime() {
    return connections.withConnection("read pg_conf_load_time()",
        conn -> conn.query("SELECT pg_conf_load_time()::text").execute()
            .map(rs -> rs.iterator().next().getString(0)));
  }

  private Future<Void> awaitReload(String before) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    return pollUntil(() -> loadTime().map(now -> !Objects.equals(now, before)), deadline, "reload to be applied")
        .mapEmpty();
  }

  /**
   * Promotes a running replica: runs {@code pre_promote} (a non-zero exit fails the future and nothing is
   * promoted), {@code pg_ctl promote -W}, then waits up to {@code pg_ctl_timeout} until
   * {@code pg_is_in_recovery()} is false. The role is {@code promoted} in between, {@code primary} after. The
   * post-promote CHECKPOINT is {@link #checkpoint()}, issued by the HA loop.
   */
  public Future<Void> promote() {
    return blocking(() -> {
      if (pg.prePromote() != null) {
        // docs/postgres.md §6.7: synchronous, and a non-zero exit cancels the promotion
        ToolRunner.Result pre = parts.tools().runScript(pg.prePromote(), List.of(), Map.of(), parts.pgCtlTimeout());
        if (!pre.ok()) {
          throw new PostgresException("pre_promote script " + pg.prePromote() + " failed (exit " + pre.exitCode()
              + "): not promoting");
        }
      }
      ToolRunner.Result r = parts.tools().runTool(List.of(parts.binaries().tool("pg_ctl"), "promote", "-W", "-D",
          pg.dataDir().toString()), Map.of(), parts.pgCtlTimeout(), null);
      if (!r.ok()) {
        throw new PostgresException("pg_ctl promote failed (exit " + r.exitCode() + "): " + r.tail(20));
      }
      process.setRole(PostgresRole.PROMOTED);
      config.setRecovery(null);
      return null;
    }).compose(v -> pollUntil(
        () -> connections.withConnection("read pg_is_in_recovery()",
            conn -> conn.query("SELECT pg_is_in_recovery()").execute()
                .map(rs -> !rs.iterator().next().getBoolean(0))),
        System.nanoTime() + TimeUnit.SECONDS.toNanos(pg.pgCtlTimeout()), "the end of recovery after promote"))
        .compose(v -> blocking(() -> {
          // standby.signal is gone after promotion; the rewritten postgresql.conf must not bring recovery back
          config.write();
          process.setRole(PostgresRole.PRIMARY);
          LOG.info("promoted PostgreSQL");
          return null;
        }))
        .compose(v -> publishState());
  }

  /**
   * {@code CHECKPOINT} on the local server (post-promote, and before a graceful demote). A checkpoint may
   * legitimately take longer than the 2 s statement_timeout of the agent's other statements, so it runs on a
   * connection of its own without one, and fails after {@code pg_ctl_timeout} at the latest.
   */
  public Future<Void> checkpoint() {
    return checkpoint(parts.pgCtlTimeout());
  }

  /** {@code CHECKPOINT} on the local server, failing (and cancelled server-side) after {@code bound}. */
  public Future<Void> checkpoint(Duration bound) {
    return connections.checkpoint(connections.localConnectOptions(), bound);
  }

  /**
   * Streams from {@code target} (or, when null, runs as a primary at the next start): writes the recovery
   * settings, then starts PostgreSQL if stopped; if running, reloads when only {@code primary_conninfo} or
   * {@code primary_slot_name} changed on a replica (PG 13+ applies them on reload), restarts otherwise.
   *
   * @return as {@link #start()}
   */
  public Future<Boolean> follow(RecoveryConfig target) {
    RecoveryConfig previous = config.recovery();
    config.setRecovery(target);
    if (!isRunning()) {
      PostgresRole role = roleAtStart(target);
      return blocking(() -> {
        process.setRole(role);
        return process.start(parts.pgCtlTimeout());
      });
    }
    if (Objects.equals(previous, target)) {
      return blocking(() -> {
        config.write();
        return true;
      });
    }
    boolean reloadable = previous != null && target != null && parts.serverVersionNum() >= 130000
        && Objects.equals(previous.restoreCommand(), target.restoreCommand())
        && Objects.equals(previous.extra(), target.extra());
    if (reloadable) {
      LOG.info("following a new primary {}: reloading", target.source() == null ? "(none)" : target.source());
      return reload().map(true);
    }
    return restart(roleAtStart(target));
  }

  /**
   * The role a server started for {@code target} has until a state query reads it: Patroni's {@code start} sets
   * it before starting the postmaster (patroni/postgresql/__init__.py), and its {@code is_primary} falls back to
   * it when the server cannot be queried. Without it, an old primary started as a replica by a demote would still
   * count as the primary on a failed query (a busy server just started), and be demoted again, each time with
   * on_stop and on_role_change callbacks Patroni never runs.
   */
  private PostgresRole roleAtStart(RecoveryConfig target) {
    return roleAtStart(target, process.role());
  }

  /** {@link #roleAtStart(RecoveryConfig)} given the role known so far: a standby leader stays one. */
  static PostgresRole roleAtStart(RecoveryConfig target, PostgresRole known) {
    if (target == null) {
      return PostgresRole.PRIMARY;
    }
    return known == PostgresRole.STANDBY_LEADER ? PostgresRole.STANDBY_LEADER : PostgresRole.REPLICA;
  }

  // ---------------------------------------------------------------------------------------------------------
  // state

  /**
   * A fresh snapshot. When PostgreSQL is not running the snapshot says so without touching the server; when a
   * query fails the snapshot keeps {@code running=true} with unknown values.
   */
  public Future<PostgresState> state() {
    return parts.state();
  }

  /** pg_controldata of the local data directory. */
  public Future<ControlData> controlData() {
    return blocking(parts.tools()::controlData);
  }

  /** True when the data directory is missing or holds nothing. */
  public boolean isDataDirEmpty() {
    return dataDirectory.isEmpty();
  }

  private Future<Void> publishState() {
    return state().map(s -> {
      stateObserver.accept(s);
      return null;
    });
  }

  /**
   * Registers the one observer told of every start, stop, promotion and postmaster death (a death within one
   * second, {@code kill -9} included), on any thread. The agent's {@code PostgresSupervisorVerticle} is that
   * observer and publishes the changes on {@link Addresses#POSTGRES_STATE}.
   */
  public void observeStates(Consumer<PostgresState> observer) {
    this.stateObserver = Objects.requireNonNull(observer);
  }

  // ---------------------------------------------------------------------------------------------------------
  // long actions

  /** docs/postgres.md §6.1: initdb or a custom method, start, post_bootstrap. See {@link Bootstrapper}. */
  public Future<Void> bootstrap() {
    return new Bootstrapper(parts, this::reload).run();
  }

  /**
   * docs/postgres.md §6.2: creates the data directory from {@code source} (null: only {@code no_leader} methods apply) with
   * each configured create_replica_method in order until one succeeds. State {@code creating replica} meanwhile,
   * {@code stopped} after. Following the source afterwards is a separate {@link #follow} call.
   */
  public Future<Void> createReplica(ReplicationSource source) {
    return new ReplicaCloner(parts).run(source, null);
  }

  /**
   * {@link #createReplica} with the given create_replica_methods instead of the postgresql section's: a standby
   * cluster clones with {@code standby_cluster.create_replica_methods} when set (docs/standby-cluster.md §2).
   */
  public Future<Void> createReplica(ReplicationSource source, List<String> methods) {
    return new ReplicaCloner(parts).run(source, methods);
  }

  /**
   * Clones the remote primary of a standby cluster (patroni/ha.py {@code bootstrap_standby_leader},
   * docs/standby-cluster.md §2) with {@code standby_cluster.create_replica_methods} (else the postgresql
   * section's). Without host and port only methods that need no connection ({@code no_leader}) can work: any
   * other configuration fails at once with an error that says so.
   */
  public Future<Void> cloneRemotePrimary(StandbyCluster sc) {
    ReplicationSource remote = ReplicationSource.remote(sc);
    List<String> methods = sc.createReplicaMethods() != null && !sc.createReplicaMethods().isEmpty()
        ? sc.createReplicaMethods() : parts.pg().createReplicaMethods();
    if (remote == null) {
      List<String> names = methods == null || methods.isEmpty() ? List.of("basebackup") : methods;
      boolean offline = names.stream().anyMatch(m -> {
        BootstrapSettings.CustomMethod cm = parts.pg().replicaMethods() == null ? null
            : parts.pg().replicaMethods().get(m);
        return cm != null && cm.noLeader();
      });
      if (!offline) {
        return Future.failedFuture(new PostgresException("standby_cluster sets neither host nor port, and none of "
            + "the create_replica_methods " + names + " can run without a connection to the remote primary "
            + "(a postgresql.<method> section with no_leader: true); set standby_cluster.host and port in the "
            + "dynamic configuration"));
      }
    }
    LOG.info("cloning the {} to bootstrap a standby leader",
        remote == null ? "remote primary's archive (no host or port given)" : remote.memberName());
    return new ReplicaCloner(parts).run(remote, methods);
  }

  /**
   * Records the role a running standby plays: {@code standby_leader} for the key holder of a standby cluster,
   * {@code replica} otherwise (Patroni's {@code set_role} in {@code follow}). A primary's role comes from
   * PostgreSQL itself.
   */
  public void setStandbyRole(PostgresRole role) {
    if (role == PostgresRole.STANDBY_LEADER || role == PostgresRole.REPLICA) {
      process.setRole(role);
    }
  }

  /** The role last recorded for this server (see {@link #setStandbyRole}). */
  public PostgresRole recordedRole() {
    return process.role();
  }

  /**
   * docs/ha-rules.md §2.7: decides whether the local data diverged from {@code leader}'s timeline. The leader's timeline
   * and history are read over SQL with the rewind credentials ({@code pg_walfile_name(pg_current_wal_lsn())} and
   * {@code pg_read_binary_file('pg_wal/<tli>.history')}). Local position: the replay LSN when running, else
   * pg_controldata.
   */
  public Future<RewindCheck> checkRewind(ReplicationSource leader) {
    return new Rewinder(parts).check(leader);
  }

  /**
   * docs/ha-rules.md §2.7, docs/postgres.md §6.3: stops PostgreSQL cleanly (single-user crash recovery first when pg_control is not clean),
   * asks the leader for a CHECKPOINT, runs pg_rewind with the rewind user and {@code postgresql.rewind} options,
   * keeping the local config files. On failure with {@code remove_data_directory_on_rewind_failure} the data
   * directory is removed (the node then re-clones). The caller then {@link #follow}s the leader.
   */
  public Future<Void> rewind(ReplicationSource leader) {
    return new Rewinder(parts).rewind(leader);
  }

  /** What {@link #repairDivergence} did. */
  public enum DivergenceOutcome {
    /** The local timeline had not diverged: follow the leader as is. */
    NOT_NEEDED,
    /** pg_rewind succeeded: follow the leader. */
    REWOUND,
    /** The data directory was removed (rewind failed or impossible, and the settings say so): re-clone. */
    DATA_DIRECTORY_REMOVED
  }

  /**
   * {@link #checkRewind}, then {@link #rewind} when needed and possible; with
   * {@code remove_data_directory_on_rewind_failure} a failed rewind removes the data directory, with
   * {@code remove_data_directory_on_diverged_timelines} so does an impossible rewind (docs/ha-rules.md §2.7). Fails when a
   * rewind is needed but neither possible nor allowed to fall back to a reinit.
   */
  public Future<DivergenceOutcome> repairDivergence(ReplicationSource leader) {
    return checkRewind(leader).compose(check -> {
      if (!check.needed()) {
        return Future.succeededFuture(DivergenceOutcome.NOT_NEEDED);
      }
      if (!check.possible() || !usePgRewind) {
        if (pg.removeDataDirectoryOnDivergedTimelines()) {
          LOG.warn("{}; rewind is not possible: removing the data directory "
              + "(remove_data_directory_on_diverged_timelines)", check.reason());
          return stop(StopMode.FAST).compose(v -> removeDataDirectory())
              .map(DivergenceOutcome.DATA_DIRECTORY_REMOVED);
        }
        return Future.failedFuture(new PostgresException(check.reason() + ", but pg_rewind is not possible "
            + "(use_pg_rewind off, or neither wal_log_hints nor data checksums)"));
      }
      return rewind(leader).map(DivergenceOutcome.REWOUND).recover(e -> isDataDirEmpty()
          && !Files.exists(pg.dataDir()) ? Future.succeededFuture(DivergenceOutcome.DATA_DIRECTORY_REMOVED)
          : Future.failedFuture(e));
    });
  }

  /**
   * The effective {@code use_pg_rewind} (dynamic config, or local when set there); Patroni's default is off. The
   * initial value is the local setting.
   */
  public void setUsePgRewind(boolean enabled) {
    this.usePgRewind = enabled;
  }

  /**
   * Single-user crash recovery ({@code postgres --single}) when pg_control says a primary was not shut down
   * cleanly (docs/ha-rules.md §2.7 recover step 3). PostgreSQL must be stopped.
   *
   * @return true when the cluster is now cleanly shut down; false for a crashed replica (left to normal
   *     recovery at its next start) or when a backup_label exists
   */
  public Future<Boolean> crashRecovery() {
    return crashRecovery(false);
  }

  /**
   * @param beforeRewind a pg_rewind follows (docs/ha-rules.md §2.7): a crashed replica ({@code in archive
   *     recovery}) gets single-user crash recovery too, as pg_rewind needs a cleanly shut down target
   * @return true when the cluster is now cleanly shut down
   */
  public Future<Boolean> crashRecovery(boolean beforeRewind) {
    return blocking(() -> new Rewinder(parts).crashRecoveryBlocking(beforeRewind));
  }

  /**
   * Removes the data directory (reinitialize, rewind failure). PostgreSQL must be stopped.
   */
  public Future<Void> removeDataDirectory() {
    return blocking(() -> {
      dataDirectory.remove();
      return null;
    });
  }

  /**
   * Moves the data directory aside as {@code <data_dir>_<YYYY-MM-DD-HH-MM-SS>} after a failed bootstrap, as
   * Patroni does: the files stay for inspection and the node can try again.
   */
  public Path moveDataDirectoryAside() throws IOException {
    return dataDirectory.moveAside();
  }

  // ---------------------------------------------------------------------------------------------------------
  // replication slots and synchronous replication

  /**
   * Makes this node's slots match {@link ReplicationSlots#plan} (docs/postgres.md §6.4): see {@link ReplicationSlotSync}.
   *
   * @return the plan that was executed
   */
  public Future<ReplicationSlots.Plan> syncReplicationSlots(List<Member> members,
      Map<String, Map<String, Object>> permanentSlots, List<Map<String, Object>> ignoreSlots,
      Map<String, Long> statusSlots, boolean nofailover, boolean standbyCluster) {
    // the standby leader keeps the slots of the members that stream from it, as a primary does
    // (docs/standby-cluster.md §2): it is the leader of its cluster although PostgreSQL is in recovery
    boolean standbyLeader = standbyCluster && process.role() == PostgresRole.STANDBY_LEADER;
    return slots.sync(members, permanentSlots, ignoreSlots, statusSlots, nofailover, standbyCluster, standbyLeader);
  }

  /**
   * Sets {@code synchronous_standby_names} as Patroni does: into postgresql.conf, then reload. Null removes
   * Vigil's value (the user's own parameter, if any, applies again). Format values with
   * {@link SynchronousStandbyNames#format}.
   */
  public Future<Void> setSynchronousStandbyNames(String value) {
    config.setSynchronousStandbyNames(value);
    LOG.info("synchronous_standby_names is now {}", value == null ? "unset" : "'" + value + "'");
    // backends read the new value on their own SIGHUP, a little after the postmaster: wait 100 ms as Patroni does,
    // so that the next state snapshot (whose flush LSN the HA engine takes as the reference a new synchronous
    // standby must reach) is taken after PostgreSQL started waiting for the new standbys
    return reload().compose(v -> {
      Promise<Void> settled = Promise.promise();
      vertx.setTimer(100, id -> settled.complete());
      return settled.future();
    });
  }

  // ---------------------------------------------------------------------------------------------------------
  // connections

  /** The pooled superuser connection to the local server. */
  public Pool pool() {
    return connections.pool();
  }

  /** Stops nothing: closes the pool and the worker pool. PostgreSQL keeps running (Patroni's pause semantics). */
  public Future<Void> close() {
    connections.closePool();
    return worker.close();
  }

  private <T> Future<T> blocking(Callable<T> work) {
    return parts.blocking(work);
  }

  /** Polls {@code check} every 200 ms until true, failing at the deadline. */
  private Future<Void> pollUntil(java.util.function.Supplier<Future<Boolean>> check, long deadlineNanos,
      String what) {
    return check.get().recover(e -> Future.succeededFuture(false)).compose(done -> {
      if (done) {
        return Future.succeededFuture();
      }
      if (System.nanoTime() > deadlineNanos) {
        return Future.failedFuture(new PostgresException("timed out waiting for " + what));
      }
      return vertx.timer(200).compose(v -> pollUntil(check, deadlineNanos, what));
    });
  }
}
