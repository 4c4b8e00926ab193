package io.vigil.postgres;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.core.net.NetClientOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import io.vigil.async.AsyncExecutor;
import io.vigil.bus.Addresses;
import io.vigil.bus.RecordCodec;
import io.vigil.cluster.Member;
import io.vigil.config.PostgresSettings;
import io.vigil.config.PostgresSettings.PgUser;
import io.vigil.config.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
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
 * {@link #setParameters} (precedence merging is {@code EffectiveConfig}'s job; this class applies SPEC §5.2:
 * controlled parameters on the command line with defaults and minimums) and the recovery target given to
 * {@link #follow}. Config files are (re)written before every start and reload.
 *
 * <p><b>State.</b> {@link #state()} reads a fresh {@link PostgresState}. Starts, stops, promotions and a postmaster
 * death (noticed within one second, {@code kill -9} included) are also published on
 * {@link Addresses#POSTGRES_STATE}.
 *
 * <p><b>Failures.</b> Futures fail with {@link PostgresException} (tool exit, postmaster died, timeout) carrying the
 * tool's last output lines, or with the PgClient's exception for SQL. Never a password in either.
 */
public final class PostgresController {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresController.class);
  private static final long READY_POLL_MILLIS = 100;
  /**
   * Recovery settings come and go with the role (a promoted replica drops them from postgresql.conf); like Patroni,
   * their changes are not a pending restart of the server.
   */
  private static final String RECOVERY_PARAMETERS = "'primary_conninfo', 'primary_slot_name', 'restore_command', "
      + "'archive_cleanup_command', 'recovery_end_command', 'recovery_min_apply_delay', 'recovery_target', "
      + "'recovery_target_lsn', 'recovery_target_name', 'recovery_target_time', 'recovery_target_xid', "
      + "'recovery_target_timeline', 'recovery_target_inclusive', 'recovery_target_action', 'promote_trigger_file'";

  private final Vertx vertx;
  private final Settings settings;
  private final PostgresSettings pg;
  private final AsyncExecutor async;
  private final WorkerExecutor worker;
  private final PgBinaries binaries;
  private final PgConfigFiles files;
  private final Path dataDir;
  private final int serverVersionNum;
  private final Object processLock = new Object();

  private volatile Pool pool;
  private volatile Postmaster postmaster;
  private volatile boolean stopExpected;
  private volatile String stateName = "stopped";
  private volatile PostgresRole role;
  private volatile Map<String, Object> parameters = Map.of();
  private volatile List<String> pgHba;
  private volatile List<String> pgIdent;
  private volatile RecoveryConfig recovery;
  private volatile String synchronousStandbyNames;
  private volatile ServerParameters startedWith;
  private volatile PostgresState lastState;
  /** The last state-query failure logged, so that a lasting problem is logged once, not every cycle. */
  private volatile String lastStateError;
  private volatile boolean usePgRewind;
  private volatile boolean socketFallbackLogged;
  private volatile Map<String, Integer> replicaMinimums = Map.of();

  private PostgresController(Vertx vertx, Settings settings, AsyncExecutor async, PgBinaries binaries,
      int serverVersionNum) {
    this.vertx = vertx;
    this.settings = settings;
    this.pg = settings.postgresql();
    this.async = async;
    this.worker = vertx.createSharedWorkerExecutor("vigil-postgres", 4, 2, TimeUnit.HOURS);
    this.binaries = binaries;
    this.dataDir = pg.dataDir();
    this.files = new PgConfigFiles(pg, binaries, pgpassPath(pg));
    this.serverVersionNum = serverVersionNum;
    this.parameters = pg.parameters() == null ? Map.of() : Map.copyOf(pg.parameters());
    this.pgHba = pg.pgHba();
    this.pgIdent = pg.pgIdent();
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
      int version = readServerVersion(bins);
      if (version < 120000) {
        // recovery.conf (PG < 12) is not written by this controller: refuse instead of writing standby.signal
        throw new PostgresException("PostgreSQL " + version / 10000 + " is not supported: Vigil needs 12 or newer");
      }
      PostgresController c = new PostgresController(vertx, settings, async, bins, version);
      c.adoptRunning();
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

  private static int readServerVersion(PgBinaries bins) throws IOException {
    ToolRunner.Result r = ToolRunner.run(List.of(bins.tool("postgres"), "--version"), Map.of(),
        Duration.ofSeconds(30), null, ToolRunner.NO_CANCEL);
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)(?:\\.(\\d+))?").matcher(r.output());
    if (!r.ok() || !m.find()) {
      throw new PostgresException("cannot read the server version from 'postgres --version': " + r.tail(20));
    }
    int major = Integer.parseInt(m.group(1));
    int minor = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
    return major >= 10 ? major * 10000 + minor : major * 10000 + minor * 100;
  }

  private void adoptRunning() {
    Postmaster.adopt(dataDir).ifPresent(p -> {
      attach(p);
      stateName = "running";
    });
  }

  // ---------------------------------------------------------------------------------------------------------
  // configuration

  /** The effective {@code postgresql.parameters}; applied at the next start or reload. */
  public void setParameters(Map<String, Object> effectiveParameters) {
    this.parameters = effectiveParameters == null ? Map.of() : Map.copyOf(effectiveParameters);
  }

  /** The effective {@code pg_hba} and {@code pg_ident} lines (null or empty: leave the files alone). */
  public void setAccessFiles(List<String> hba, List<String> ident) {
    this.pgHba = hba;
    this.pgIdent = ident;
  }

  /** The parameters as they will be written: controlled ones validated (warnings logged by the writer). */
  public ServerParameters serverParameters() {
    Map<String, Object> p = new LinkedHashMap<>(parameters);
    if (synchronousStandbyNames != null) {
      p.put("synchronous_standby_names", synchronousStandbyNames);
    }
    ServerParameters sp = ServerParameters.of(p, serverVersionNum, listenAddresses(), pg.listen().port(),
        settings.scope());
    Map<String, Integer> minimums = replicaMinimums;
    if (recovery == null || minimums.isEmpty()) {
      return sp;
    }
    Map<String, String> cmd = new LinkedHashMap<>(sp.commandLine());
    minimums.forEach((name, min) -> {
      String v = cmd.get(name);
      if (v != null && Integer.parseInt(v) < min) {
        cmd.put(name, Integer.toString(min));
      }
    });
    return new ServerParameters(cmd, sp.conf(), sp.warnings());
  }

  /**
   * A hot standby refuses to start with max_connections (and friends) below the primary's, which pg_control
   * records: a replica takes the higher value (SPEC §5.2).
   */
  private void readReplicaMinimums() {
    if (recovery == null) {
      replicaMinimums = Map.of();
      return;
    }
    try {
      ControlData cd = controlDataBlocking();
      Map<String, Integer> m = new LinkedHashMap<>();
      putIfPresent(m, "max_connections", cd.intSetting("max_connections"));
      putIfPresent(m, "max_prepared_transactions", cd.intSetting("max_prepared_xacts"));
      putIfPresent(m, "max_locks_per_transaction", cd.intSetting("max_locks_per_xact"));
      putIfPresent(m, "max_worker_processes", cd.intSetting("max_worker_processes"));
      putIfPresent(m, "max_wal_senders", cd.intSetting("max_wal_senders"));
      replicaMinimums = Map.copyOf(m);
    } catch (IOException | RuntimeException e) {
      LOG.warn("cannot read pg_controldata before start: {}", e.getMessage());
    }
  }

  private static void putIfPresent(Map<String, Integer> m, String name, Integer value) {
    if (value != null) {
      m.put(name, value);
    }
  }

  public int serverVersionNum() {
    return serverVersionNum;
  }

  public PgBinaries binaries() {
    return binaries;
  }

  /** The recovery target in use (null when running, or about to start, as a primary). */
  public RecoveryConfig recoveryTarget() {
    return recovery;
  }

  private String listenAddresses() {
    return pg.listenAddresses() != null ? pg.listenAddresses() : pg.listen().host();
  }

  private void writeConfigFiles() throws IOException {
    ServerParameters params = serverParameters();
    params.warnings().forEach(LOG::warn);
    files.saveBaseConfig();
    RecoveryConfig r = recovery;
    files.writePostgresqlConf(params,
        r == null ? null : r.parameters(settings.name(), pg.replication(), files.pgpass()));
    files.writeHba(pgHba);
    files.writeIdent(pgIdent);
    files.setStandbySignal(r != null);
    writePgpass();
  }

  private void writePgpass() throws IOException {
    files.writePgpass(List.of(nonNull(pg.superuser()), nonNull(pg.replication()), nonNull(pg.rewind())));
  }

  private static PgUser nonNull(PgUser u) {
    return u == null ? new PgUser(null, null, Map.of()) : u;
  }

  // ---------------------------------------------------------------------------------------------------------
  // process control

  /** Whether a postmaster runs for the data directory (as far as the agent knows: child or adopted). */
  public boolean isRunning() {
    Postmaster p = postmaster;
    return p != null && p.isAlive();
  }

  /** Patroni's member state string: running, starting, stopped, crashed, creating replica, initdb failed, ... */
  public String stateName() {
    return stateName;
  }

  /** The postmaster's PID, or -1 when none runs. */
  public long postmasterPid() {
    Postmaster p = postmaster;
    return p != null && p.isAlive() ? p.pid() : -1;
  }

  /**
   * Starts PostgreSQL with the current configuration (as a replica when a recovery target is set) and waits
   * until it accepts connections, up to {@code pg_ctl_timeout}.
   *
   * @return true once it accepts connections (also when it was already running); false when it still had not
   *     after the timeout (it keeps starting: Patroni's "start timeout"). Fails when the postmaster exits.
   */
  public Future<Boolean> start() {
    return blocking(() -> startBlocking(Duration.ofSeconds(pg.pgCtlTimeout())));
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
   * exiting ({@code primary_stop_timeout} in synchronous mode, SPEC §2.7). Null: no SIGKILL.
   */
  public Future<Void> stop(StopMode mode, Duration killAfter) {
    return blocking(() -> {
      stopBlocking(mode, Duration.ofSeconds(pg.pgCtlTimeout()), killAfter);
      return null;
    });
  }

  /** Fast stop, then start. Result as {@link #start()}. */
  public Future<Boolean> restart() {
    return blocking(() -> {
      stateName = "restarting";
      stopBlocking(StopMode.FAST, Duration.ofSeconds(pg.pgCtlTimeout()));
      try {
        return startBlocking(Duration.ofSeconds(pg.pgCtlTimeout()));
      } catch (RuntimeException e) {
        stateName = "restart failed";
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
        writeConfigFiles();
        return null;
      });
    }
    return loadTime()
        .compose(before -> blocking(() -> {
          writeConfigFiles();
          postmaster.signal(Postmaster.Signal.RELOAD);
          LOG.info("reloaded PostgreSQL configuration");
          return before;
        }))
        .compose(this::awaitReload);
  }

  private Future<String> loadTime() {
    return withConnection("read pg_conf_load_time()", conn -> conn.query("SELECT pg_conf_load_time()::text").execute()
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
        // SPEC §6.7: synchronous, and a non-zero exit cancels the promotion
        ToolRunner.Result pre = runScript(pg.prePromote(), List.of(), Map.of(), Duration.ofSeconds(pg.pgCtlTimeout()));
        if (!pre.ok()) {
          throw new PostgresException("pre_promote script " + pg.prePromote() + " failed (exit " + pre.exitCode()
              + "): not promoting");
        }
      }
      ToolRunner.Result r = runTool(List.of(binaries.tool("pg_ctl"), "promote", "-W", "-D", dataDir.toString()),
          Map.of(), Duration.ofSeconds(pg.pgCtlTimeout()), null);
      if (!r.ok()) {
        throw new PostgresException("pg_ctl promote failed (exit " + r.exitCode() + "): " + r.tail(20));
      }
      role = PostgresRole.PROMOTED;
      recovery = null;
      return null;
    }).compose(v -> pollUntil(
        () -> withConnection("read pg_is_in_recovery()", conn -> conn.query("SELECT pg_is_in_recovery()").execute()
            .map(rs -> !rs.iterator().next().getBoolean(0))),
        System.nanoTime() + TimeUnit.SECONDS.toNanos(pg.pgCtlTimeout()), "the end of recovery after promote"))
        .compose(v -> blocking(() -> {
          // standby.signal is gone after promotion; the rewritten postgresql.conf must not bring recovery back
          writeConfigFiles();
          role = PostgresRole.PRIMARY;
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
    return checkpoint(Duration.ofSeconds(pg.pgCtlTimeout()));
  }

  /** {@code CHECKPOINT} on the local server, failing (and cancelled server-side) after {@code bound}. */
  public Future<Void> checkpoint(Duration bound) {
    return checkpointAt(localConnectOptions(), bound);
  }

  /** {@code CHECKPOINT} on any server, with statement_timeout = {@code bound} and a guard just past it. */
  Future<Void> checkpointAt(PgConnectOptions options, Duration bound) {
    return oneShot(withStatementTimeout(options, bound), "CHECKPOINT", bound.plus(CONNECT_TIMEOUT), conn -> conn.query("CHECKPOINT").execute())
        .mapEmpty();
  }

  /**
   * Streams from {@code target} (or, when null, runs as a primary at the next start): writes the recovery
   * settings, then starts PostgreSQL if stopped; if running, reloads when only {@code primary_conninfo} or
   * {@code primary_slot_name} changed on a replica (PG 13+ applies them on reload), restarts otherwise.
   *
   * @return as {@link #start()}
   */
  public Future<Boolean> follow(RecoveryConfig target) {
    RecoveryConfig previous = recovery;
    recovery = target;
    if (!isRunning()) {
      return start();
    }
    if (Objects.equals(previous, target)) {
      return blocking(() -> {
        writeConfigFiles();
        return true;
      });
    }
    boolean reloadable = previous != null && target != null && serverVersionNum >= 130000
        && Objects.equals(previous.restoreCommand(), target.restoreCommand())
        && Objects.equals(previous.extra(), target.extra());
    if (reloadable) {
      LOG.info("following a new primary {}: reloading", target.source() == null ? "(none)" : target.source());
      return reload().map(true);
    }
    return restart();
  }

  private boolean startBlocking(Duration timeout) throws IOException {
    synchronized (processLock) {
      if (isRunning()) {
        return true;
      }
      if (!Files.isRegularFile(dataDir.resolve("PG_VERSION"))) {
        throw new PostgresException("cannot start PostgreSQL: " + dataDir + " is not a data directory");
      }
      readReplicaMinimums();
      writeConfigFiles();
      ServerParameters params = serverParameters();
      List<String> args = new ArrayList<>(List.of("-D", dataDir.toString(),
          "--config-file=" + files.postgresqlConf()));
      args.addAll(params.arguments());
      Path log = postmasterLog();
      long deadline = System.nanoTime() + timeout.toNanos();
      Postmaster p = launch(args, log, params);
      while (System.nanoTime() < deadline) {
        if (!p.isAlive()) {
          String tail = tail(log, 15);
          if (orphansOfAKilledPostmaster(tail) && System.nanoTime() < deadline) {
            // backends of a postmaster killed with -9 hold its shared memory until they notice: wait them out
            LOG.info("the previous postmaster's processes are still exiting; starting again");
            sleepQuietly(500);
            p = launch(args, log, params);
            continue;
          }
          stateName = "start failed";
          vertx.eventBus().publish(Addresses.POSTGRES_STATE, notRunningState());
          throw new PostgresException("postmaster exited while starting; last log lines:\n" + tail);
        }
        if (isReady()) {
          stateName = "running";
          LOG.info("PostgreSQL is running (pid {})", p.pid());
          publishStateLater();
          return true;
        }
        sleepQuietly(READY_POLL_MILLIS);
      }
      LOG.warn("PostgreSQL did not accept connections within {}s", timeout.toSeconds());
      return false;
    }
  }

  private Postmaster launch(List<String> args, Path log, ServerParameters params) throws IOException {
    stopExpected = false;
    stateName = "starting";
    Postmaster p = Postmaster.start(binaries.postmaster(args), log);
    startedWith = params;
    attach(p);
    return p;
  }

  private static boolean orphansOfAKilledPostmaster(String logTail) {
    return logTail.contains("pre-existing shared memory block") || logTail.contains("is still in use");
  }

  private void stopBlocking(StopMode mode, Duration timeout) throws IOException {
    stopBlocking(mode, timeout, null);
  }

  private void stopBlocking(StopMode mode, Duration timeout, Duration killAfter) throws IOException {
    synchronized (processLock) {
      Postmaster p = postmaster;
      if (p == null || !p.isAlive()) {
        stateName = "stopped";
        return;
      }
      if (pg.beforeStop() != null) {
        runScript(pg.beforeStop(), List.of(), Map.of(), Duration.ofSeconds(pg.pgCtlTimeout()));
      }
      stopExpected = true;
      stateName = "stopping";
      LOG.info("stopping PostgreSQL ({} shutdown, pid {})", mode.name().toLowerCase(), p.pid());
      p.signal(mode.signal);
      if (killAfter != null && !p.awaitExit(killAfter.toMillis())) {
        LOG.warn("PostgreSQL (pid {}) still running after {} ms: sending SIGKILL", p.pid(), killAfter.toMillis());
        p.signal(Postmaster.Signal.KILL);
      }
      if (!p.awaitExit(timeout.toMillis())) {
        stateName = "stop failed";
        throw new PostgresException("PostgreSQL (pid " + p.pid() + ") did not stop within " + timeout.toSeconds()
            + "s of " + mode.name().toLowerCase() + " shutdown");
      }
      stateName = "stopped";
      startedWith = null;
      closePool();
    }
  }

  private void attach(Postmaster p) {
    postmaster = p;
    p.onExit().thenRun(() -> onPostmasterExit(p));
  }

  /** Runs on the JVM's process reaper (child) or the watch thread (adopted): within 1 s of the death. */
  private void onPostmasterExit(Postmaster p) {
    if (postmaster != p) {
      return;
    }
    if ("starting".equals(stateName)) {
      // the start loop reports it (and may retry); not a crash of a running server
      return;
    }
    if (!stopExpected && !"start failed".equals(stateName)) {
      stateName = "crashed";
      LOG.warn("postmaster pid {} died unexpectedly", p.pid());
    } else if (!"start failed".equals(stateName) && !"stop failed".equals(stateName)) {
      stateName = "stopped";
    }
    closePool();
    vertx.eventBus().publish(Addresses.POSTGRES_STATE, notRunningState());
  }

  private boolean isReady() throws IOException {
    List<String> cmd = List.of(binaries.tool("pg_isready"), "-h", localHost(), "-p",
        Integer.toString(pg.listen().port()), "-t", "2", "-q");
    ToolRunner.Result r = ToolRunner.run(cmd, Map.of(), Duration.ofSeconds(5), null, ToolRunner.NO_CANCEL);
    return r.ok();
  }

  /** Where local connections go: the first unix socket dir when use_unix_socket, else the listen address. */
  String localHost() {
    return pg.useUnixSocket() ? socketDirectory() : tcpHost();
  }

  /**
   * The host for Vert.x PgClient connections: Vert.x reaches unix sockets only with a native transport, so
   * without one it uses TCP to the listen address even when use_unix_socket is set (tools keep the socket).
   */
  String sqlHost() {
    if (pg.useUnixSocket() && !vertx.isNativeTransportEnabled()) {
      if (!socketFallbackLogged) {
        socketFallbackLogged = true;
        LOG.info("use_unix_socket is set but Vert.x runs without a native transport: SQL connections use {}:{}",
            tcpHost(), pg.listen().port());
      }
      return tcpHost();
    }
    return localHost();
  }

  private String socketDirectory() {
    {
      String dirs = serverParameters().get("unix_socket_directories");
      String first = dirs == null ? "/var/run/postgresql" : dirs.split(",")[0].trim();
      return first.isEmpty() ? "/var/run/postgresql" : first;
    }
  }

  private String tcpHost() {
    String host = pg.listen().host();
    return switch (host) {
      case "0.0.0.0", "*", "" -> "127.0.0.1";
      case "::" -> "::1";
      default -> host;
    };
  }

  /** The postmaster's stdout/stderr: next to the data directory, so that a re-clone keeps it. */
  Path postmasterLog() {
    Path data = dataDir.toAbsolutePath();
    return data.resolveSibling(data.getFileName() + ".log");
  }

  // ---------------------------------------------------------------------------------------------------------
  // state

  /**
   * A fresh snapshot. When PostgreSQL is not running the snapshot says so without touching the server; when a
   * query fails the snapshot keeps {@code running=true} with unknown values.
   */
  public Future<PostgresState> state() {
    if (!isRunning()) {
      return blocking(this::notRunningState);
    }
    return withConnection("read the server state", this::queryState)
        .map(s -> {
          lastState = s;
          lastStateError = null;
          return s;
        })
        .recover(e -> {
          String reason = String.valueOf(e.getMessage());
          if (!reason.equals(lastStateError)) {
            lastStateError = reason;
            LOG.warn("Error communicating with PostgreSQL: {}", reason, e);
          }
          return Future.succeededFuture(runningUnknownState());
        });
  }

  /** pg_controldata of the local data directory. */
  public Future<ControlData> controlData() {
    return blocking(this::controlDataBlocking);
  }

  ControlData controlDataBlocking() throws IOException {
    ToolRunner.Result r = ToolRunner.run(List.of(binaries.tool("pg_controldata"), dataDir.toString()), Map.of(),
        Duration.ofSeconds(30), null, ToolRunner.NO_CANCEL);
    if (!r.ok()) {
      throw new PostgresException("pg_controldata failed (exit " + r.exitCode() + "): " + r.tail(20));
    }
    return ControlDataParser.parse(r.output());
  }

  private Future<PostgresState> queryState(SqlClient conn) {
    String main = "SELECT pg_is_in_recovery(), "
        + "CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_current_wal_flush_lsn()::text END, "
        + "pg_last_wal_receive_lsn()::text, pg_last_wal_replay_lsn()::text, "
        + "CASE WHEN pg_is_in_recovery() THEN pg_is_wal_replay_paused() ELSE false END, "
        + "pg_last_xact_replay_timestamp()::text, "
        + "to_char(pg_postmaster_start_time() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00:00', "
        + "current_setting('server_version_num')::int, "
        + "(pg_control_system()).system_identifier::text, "
        + "(pg_control_checkpoint()).checkpoint_lsn::text, "
        + "CASE WHEN pg_is_in_recovery() THEN (pg_control_checkpoint()).timeline_id "
        + "ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int END";
    String receiver = "SELECT status, received_tli FROM pg_stat_wal_receiver";
    String replication = "SELECT usename, application_name, host(client_addr), state, sync_state, sync_priority, "
        + "flush_lsn::text, replay_lsn::text FROM pg_stat_replication ORDER BY application_name";
    String pending = "SELECT s.name, current_setting(s.name), (SELECT f.setting FROM pg_file_settings f "
        + "WHERE f.name = s.name ORDER BY f.seqno DESC LIMIT 1) FROM pg_settings s "
        + "WHERE s.pending_restart AND s.name NOT IN (" + RECOVERY_PARAMETERS + ")";
    Future<RowSet<Row>> m = conn.query(main).execute();
    Future<RowSet<Row>> w = m.compose(x -> conn.query(receiver).execute());
    Future<RowSet<Row>> r = w.compose(x -> conn.query(replication).execute());
    Future<RowSet<Row>> p = r.compose(x -> conn.query(pending).execute());
    return p.map(x -> buildState(m.result().iterator().next(), w.result(), r.result(), p.result()));
  }

  private PostgresState buildState(Row row, RowSet<Row> receiver, RowSet<Row> replication, RowSet<Row> pending) {
    boolean inRecovery = row.getBoolean(0);
    Long flush = lsnOrNull(row.getString(1));
    Long receive = lsnOrNull(row.getString(2));
    Long replay = lsnOrNull(row.getString(3));
    Integer timeline = row.getInteger(10);
    String replicationState = null;
    if (inRecovery) {
      replicationState = "in archive recovery";
      for (Row rr : receiver) {
        if ("streaming".equals(rr.getString(0))) {
          replicationState = "streaming";
          Integer tli = rr.getInteger(1);
          if (tli != null) {
            timeline = tli;
          }
        }
      }
    }
    List<PostgresState.ReplicationRow> rows = new ArrayList<>();
    for (Row rr : replication) {
      rows.add(new PostgresState.ReplicationRow(rr.getString(0), rr.getString(1), rr.getString(2), rr.getString(3),
          rr.getString(4), rr.getInteger(5), lsnOrNull(rr.getString(6)), lsnOrNull(rr.getString(7))));
    }
    Map<String, Map<String, Object>> reasons = new LinkedHashMap<>();
    for (Row pr : pending) {
      Map<String, Object> reason = new LinkedHashMap<>();
      reason.put("old_value", pr.getString(1));
      reason.put("new_value", pr.getString(2));
      reasons.put(pr.getString(0), reason);
    }
    commandLinePending(reasons);
    Long walPosition = inRecovery ? maxOf(receive, replay) : flush;
    PostgresRole r = inRecovery ? (role == PostgresRole.STANDBY_LEADER ? role : PostgresRole.REPLICA)
        : PostgresRole.PRIMARY;
    role = r;
    RecoveryConfig rc = recovery;
    String following = rc == null || rc.source() == null ? null : rc.source().memberName();
    return new PostgresState(stateName, r, false, true, inRecovery, row.getString(8), timeline, walPosition,
        receive, replay, lsnOrNull(row.getString(9)), row.getString(5), row.getBoolean(4), replicationState, rows,
        inRecovery ? following : null, row.getInteger(7), row.getString(6), !reasons.isEmpty(), reasons,
        System.nanoTime() / 1_000_000);
  }

  /** Controlled parameters live on the command line: a changed value needs a restart (SPEC §6.9). */
  private void commandLinePending(Map<String, Map<String, Object>> reasons) {
    ServerParameters started = startedWith;
    if (started == null) {
      return;
    }
    ServerParameters now = serverParameters();
    now.commandLine().forEach((k, v) -> {
      String old = started.commandLine().get(k);
      if (!Objects.equals(old, v) && !reasons.containsKey(k)) {
        Map<String, Object> reason = new LinkedHashMap<>();
        reason.put("old_value", old);
        reason.put("new_value", v);
        reasons.put(k, reason);
      }
    });
  }

  private PostgresState notRunningState() {
    PostgresState last = lastState;
    boolean empty = isDataDirEmpty();
    PostgresRole r = empty ? PostgresRole.UNINITIALIZED : role;
    return new PostgresState(stateName, r, empty, false, last != null && last.inRecovery(),
        last == null ? null : last.systemId(), last == null ? null : last.timeline(),
        last == null ? null : last.walPosition(), null, null, null, null, false, null, List.of(), null,
        serverVersionNum, null, false, Map.of(), System.nanoTime() / 1_000_000);
  }

  private PostgresState runningUnknownState() {
    return new PostgresState(stateName, role, false, true, role != PostgresRole.PRIMARY, null, null, null, null,
        null, null, null, false, null, List.of(), null, serverVersionNum, null, false, Map.of(),
        System.nanoTime() / 1_000_000, true);
  }

  /** True when the data directory is missing or holds nothing. */
  public boolean isDataDirEmpty() {
    if (!Files.isDirectory(dataDir)) {
      return true;
    }
    try (Stream<Path> s = Files.list(dataDir)) {
      return s.findAny().isEmpty();
    } catch (IOException e) {
      return false;
    }
  }

  private Future<Void> publishState() {
    return state().map(s -> {
      vertx.eventBus().publish(Addresses.POSTGRES_STATE, s);
      return null;
    });
  }

  private void publishStateLater() {
    vertx.runOnContext(v -> publishState());
  }

  // ---------------------------------------------------------------------------------------------------------
  // long actions

  /** SPEC §6.1: initdb or a custom method, start, post_bootstrap. See {@link Bootstrapper}. */
  public Future<Void> bootstrap() {
    return new Bootstrapper(this).run();
  }

  /**
   * SPEC §6.2: creates the data directory from {@code source} (null: only {@code no_leader} methods apply) with
   * each configured create_replica_method in order until one succeeds. State {@code creating replica} meanwhile,
   * {@code stopped} after. Following the source afterwards is a separate {@link #follow} call.
   */
  public Future<Void> createReplica(ReplicationSource source) {
    return new ReplicaCloner(this).run(source);
  }

  /**
   * SPEC §2.7: decides whether the local data diverged from {@code leader}'s timeline. The leader's timeline
   * and history are read over SQL with the rewind credentials ({@code pg_walfile_name(pg_current_wal_lsn())} and
   * {@code pg_read_binary_file('pg_wal/<tli>.history')}). Local position: the replay LSN when running, else
   * pg_controldata.
   */
  public Future<RewindCheck> checkRewind(ReplicationSource leader) {
    return new Rewinder(this).check(leader);
  }

  /**
   * SPEC §2.7/§6.3: stops PostgreSQL cleanly (single-user crash recovery first when pg_control is not clean),
   * asks the leader for a CHECKPOINT, runs pg_rewind with the rewind user and {@code postgresql.rewind} options,
   * keeping the local config files. On failure with {@code remove_data_directory_on_rewind_failure} the data
   * directory is removed (the node then re-clones). The caller then {@link #follow}s the leader.
   */
  public Future<Void> rewind(ReplicationSource leader) {
    return new Rewinder(this).rewind(leader);
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
   * {@code remove_data_directory_on_diverged_timelines} so does an impossible rewind (SPEC §2.7). Fails when a
   * rewind is needed but neither possible nor allowed to fall back to a reinit.
   */
  public Future<DivergenceOutcome> repairDivergence(ReplicationSource leader) {
    return checkRewind(leader).compose(check -> {
      if (!check.needed()) {
        return Future.succeededFuture(DivergenceOutcome.NOT_NEEDED);
      }
      if (!check.possible() || !rewindEnabled()) {
        if (pg.removeDataDirectoryOnDivergedTimelines()) {
          LOG.warn("{}; rewind is not possible: removing the data directory "
              + "(remove_data_directory_on_diverged_timelines)", check.reason());
          return stop(StopMode.FAST).compose(v -> removeDataDirectory())
              .map(DivergenceOutcome.DATA_DIRECTORY_REMOVED);
        }
        return Future.failedFuture(new PostgresException(check.reason() + ", but pg_rewind is not possible "
            + "(use_pg_rewind off, or neither wal_log_hints nor data checksums)"));
      }
      return rewind(leader).map(DivergenceOutcome.REWOUND).recover(e -> isDataDirEmpty() && !Files.exists(dataDir)
          ? Future.succeededFuture(DivergenceOutcome.DATA_DIRECTORY_REMOVED) : Future.failedFuture(e));
    });
  }

  private boolean rewindEnabled() {
    return usePgRewind;
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
   * cleanly (SPEC §2.7 recover step 3). PostgreSQL must be stopped.
   *
   * @return true when the cluster is now cleanly shut down; false for a crashed replica (left to normal
   *     recovery at its next start) or when a backup_label exists
   */
  public Future<Boolean> crashRecovery() {
    return blocking(() -> new Rewinder(this).crashRecoveryBlocking());
  }

  /**
   * Removes the data directory (reinitialize, rewind failure). PostgreSQL must be stopped.
   */
  public Future<Void> removeDataDirectory() {
    return blocking(() -> {
      removeDataDirectoryBlocking();
      return null;
    });
  }

  // ---------------------------------------------------------------------------------------------------------
  // replication slots and synchronous replication

  /**
   * Makes this node's slots match {@link ReplicationSlots#plan} (SPEC §6.4): reads pg_replication_slots,
   * drops unexpected inactive slots, creates missing ones (physical slots reserve WAL at once, logical ones are
   * created in their database), advances permanent physical slots on replicas.
   *
   * @return the plan that was executed
   */
  public Future<ReplicationSlots.Plan> syncReplicationSlots(List<Member> members,
      Map<String, Map<String, Object>> permanentSlots, List<Map<String, Object>> ignoreSlots,
      Map<String, Long> statusSlots, boolean nofailover, boolean standbyCluster) {
    return withConnection("sync replication slots", conn -> conn.query(
            "SELECT slot_name, slot_type, plugin, database, restart_lsn::text, active, pg_is_in_recovery() "
                + "FROM pg_replication_slots WHERE NOT temporary").execute()
        .compose(rows -> {
          List<ReplicationSlots.ExistingSlot> existing = new ArrayList<>();
          for (Row r : rows) {
            existing.add(new ReplicationSlots.ExistingSlot(r.getString(0), r.getString(1), r.getString(2),
                r.getString(3), lsnOrNull(r.getString(4)), r.getBoolean(5)));
          }
          return conn.query("SELECT pg_is_in_recovery()").execute().map(rs -> {
            boolean primary = !rs.iterator().next().getBoolean(0);
            return ReplicationSlots.plan(settings.name(), primary, members, permanentSlots, ignoreSlots, existing,
                statusSlots, nofailover, standbyCluster);
          });
        })
        .compose(plan -> executeSlotPlan(conn, plan).map(plan)));
  }

  private Future<Void> executeSlotPlan(SqlClient conn, ReplicationSlots.Plan plan) {
    Future<Void> chain = Future.succeededFuture();
    for (String name : plan.drop()) {
      chain = chain.compose(v -> conn.preparedQuery("SELECT pg_drop_replication_slot(slot_name) FROM "
              + "pg_replication_slots WHERE slot_name = $1 AND NOT active").execute(Tuple.of(name))
          .onSuccess(r -> LOG.info("dropped replication slot '{}'", name)).mapEmpty());
    }
    for (ReplicationSlots.Slot slot : plan.create()) {
      if (slot.physical()) {
        chain = chain.compose(v -> conn.preparedQuery("SELECT pg_create_physical_replication_slot($1, true)")
            .execute(Tuple.of(slot.name()))
            .onSuccess(r -> LOG.info("created physical replication slot '{}'", slot.name())).mapEmpty());
      } else {
        chain = chain.compose(v -> createLogicalSlot(slot));
      }
    }
    for (Map.Entry<String, Long> a : plan.advance().entrySet()) {
      chain = chain.compose(v -> conn.preparedQuery("SELECT pg_replication_slot_advance($1, $2::pg_lsn)")
          .execute(Tuple.of(a.getKey(), Lsn.format(a.getValue()))).mapEmpty());
    }
    return chain;
  }

  private Future<Void> createLogicalSlot(ReplicationSlots.Slot slot) {
    PgConnectOptions opts = localConnectOptions().setDatabase(slot.database());
    // creating a logical slot waits for running transactions: no statement_timeout, pg_ctl_timeout at most
    Duration bound = Duration.ofSeconds(pg.pgCtlTimeout());
    opts.addProperty("statement_timeout", Long.toString(bound.toMillis()));
    return oneShot(opts, "create logical replication slot " + slot.name(), bound.plus(CONNECT_TIMEOUT),
        c -> c.preparedQuery("SELECT pg_create_logical_replication_slot($1, $2)")
            .execute(Tuple.of(slot.name(), slot.plugin())))
        .onSuccess(r -> LOG.info("created logical replication slot '{}' ({}, {})", slot.name(), slot.plugin(),
            slot.database()))
        .mapEmpty();
  }

  /**
   * Sets {@code synchronous_standby_names} as Patroni does: into postgresql.conf, then reload. Null removes
   * Vigil's value (the user's own parameter, if any, applies again). Format values with
   * {@link SynchronousStandbyNames#format}.
   */
  public Future<Void> setSynchronousStandbyNames(String value) {
    synchronousStandbyNames = value;
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

  /** Patroni's connect_timeout=3 on its own connections: the TCP connect, and the startup exchange via the guard. */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
  /** Patroni's {@code options='-c statement_timeout=2000'} on its own connections. */
  static final Duration STATEMENT_TIMEOUT = Duration.ofSeconds(2);
  /**
   * The most a pooled SQL call may take, connect and statements included. A server that accepts the TCP
   * connection and then says nothing (a frozen postmaster) would otherwise keep the call waiting forever:
   * neither timeout above ever fires there.
   */
  static final Duration QUERY_BOUND = CONNECT_TIMEOUT.plus(STATEMENT_TIMEOUT);

  /** A copy of {@code options} for a statement allowed to run up to {@code bound} (CHECKPOINT and the like). */
  static PgConnectOptions withStatementTimeout(PgConnectOptions options, Duration bound) {
    return new PgConnectOptions(options).addProperty("statement_timeout", Long.toString(bound.toMillis()));
  }

  /** Transport options of every connection: the TCP connect timeout. */
  static NetClientOptions transportOptions() {
    return new NetClientOptions().setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
  }

  /** Bounds every connection the agent opens, as Patroni does (statement_timeout as a startup parameter). */
  private static PgConnectOptions bounded(PgConnectOptions o) {
    o.addProperty("application_name", "Vigil");
    o.addProperty("statement_timeout", Long.toString(STATEMENT_TIMEOUT.toMillis()));
    return o;
  }

  /**
   * Runs {@code work} on a pooled connection to the local server, failing with a {@link PostgresException}
   * after {@link #QUERY_BOUND}. On that timeout the pool is closed, which closes the connection stuck on the
   * silent server; the next call opens a new pool.
   */
  <T> Future<T> withConnection(String what, Function<SqlConnection, Future<T>> work) {
    Pool p = pool();
    return guard(p.withConnection(work), QUERY_BOUND, what, () -> closePool(p));
  }

  /**
   * Runs {@code work} on a connection of its own (closed afterwards), failing after {@code bound}: for
   * statements with another statement_timeout, another database or another server.
   */
  <T> Future<T> oneShot(PgConnectOptions options, String what, Duration bound,
      Function<SqlConnection, Future<T>> work) {
    Pool p = PgBuilder.pool().with(new PoolOptions().setMaxSize(1)).with(transportOptions()).connectingTo(options)
        .using(vertx).build();
    return guard(p.withConnection(work), bound, what, () -> { }).onComplete(ar -> p.close());
  }

  private <T> Future<T> guard(Future<T> f, Duration bound, String what, Runnable onTimeout) {
    Promise<T> promise = Promise.promise();
    PostgresException[] timedOut = new PostgresException[1];
    long timer = vertx.setTimer(bound.toMillis(), id -> {
      PostgresException timeout = new PostgresException("could not " + what + ": no answer from PostgreSQL within "
          + bound.toMillis() + " ms");
      if (!promise.future().isComplete()) {
        // drop the stuck connections before answering, so that a caller reacting to the failure gets a new
        // pool; the "pool closed" failure this causes below is not the answer
        timedOut[0] = timeout;
        onTimeout.run();
        promise.tryFail(timeout);
      }
    });
    f.onComplete(ar -> {
      vertx.cancelTimer(timer);
      if (timedOut[0] != null) {
        promise.tryFail(timedOut[0]);
      } else if (ar.succeeded()) {
        promise.tryComplete(ar.result());
      } else {
        promise.tryFail(ar.cause());
      }
    });
    return promise.future();
  }

  /** Options for the local server with the superuser credentials. */
  PgConnectOptions localConnectOptions() {
    PgUser su = pg.superuser();
    PgConnectOptions o = new PgConnectOptions()
        .setHost(sqlHost())
        .setPort(pg.listen().port())
        .setDatabase(pg.database() == null ? "postgres" : pg.database())
        .setUser(su.username());
    if (su.password() != null) {
      o.setPassword(su.password().reveal());
    }
    return bounded(o);
  }

  /** Options for another member's server with the given user (rewind, superuser). */
  PgConnectOptions remoteConnectOptions(ReplicationSource source, PgUser user) {
    PgConnectOptions o = new PgConnectOptions()
        .setHost(source.host())
        .setPort(source.port())
        .setDatabase(pg.database() == null ? "postgres" : pg.database())
        .setUser(user.username());
    if (user.password() != null) {
      o.setPassword(user.password().reveal());
    }
    return bounded(o);
  }

  /** The pooled superuser connection to the local server. */
  public Pool pool() {
    Pool p = pool;
    if (p == null) {
      synchronized (this) {
        if (pool == null) {
          pool = PgBuilder.pool()
              // past QUERY_BOUND: the guard in withConnection fires first and closes the stuck pool
              .with(new PoolOptions().setMaxSize(2).setConnectionTimeout((int) QUERY_BOUND.toMillis() * 2)
                  .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS))
              .with(transportOptions())
              .connectingTo(localConnectOptions())
              .using(vertx).build();
        }
        p = pool;
      }
    }
    return p;
  }

  private void closePool() {
    Pool p;
    synchronized (this) {
      p = pool;
      pool = null;
    }
    if (p != null) {
      p.close();
    }
  }

  /** Closes {@code stale} if it is still the current pool (a call on it timed out). */
  private void closePool(Pool stale) {
    synchronized (this) {
      if (pool != stale) {
        return;
      }
      pool = null;
    }
    LOG.warn("no answer from PostgreSQL within {} ms: closing its connections", QUERY_BOUND.toMillis());
    stale.close();
  }

  /** Stops nothing: closes the pool and the worker pool. PostgreSQL keeps running (Patroni's pause semantics). */
  public Future<Void> close() {
    closePool();
    return worker.close();
  }

  // ---------------------------------------------------------------------------------------------------------
  // shared with the action classes of this package

  Settings settings() {
    return settings;
  }

  PostgresSettings pg() {
    return pg;
  }

  AsyncExecutor async() {
    return async;
  }

  PgConfigFiles files() {
    return files;
  }

  Path dataDir() {
    return dataDir;
  }

  Vertx vertx() {
    return vertx;
  }

  void setStateName(String name) {
    stateName = name;
  }

  void setRecovery(RecoveryConfig r) {
    recovery = r;
  }

  void setRole(PostgresRole r) {
    role = r;
  }

  boolean startBlockingForAction(Duration timeout) throws IOException {
    return startBlocking(timeout);
  }

  void stopBlockingForAction(StopMode mode) throws IOException {
    stopBlocking(mode, Duration.ofSeconds(pg.pgCtlTimeout()));
  }

  void writeConfigFilesForAction() throws IOException {
    writeConfigFiles();
  }

  void writePgpassForAction() throws IOException {
    writePgpass();
  }

  <T> Future<T> blocking(Callable<T> work) {
    return worker.executeBlocking(work, false);
  }

  /** Runs a PostgreSQL tool as the postgres user; a cancel of the running long action kills it. */
  ToolRunner.Result runTool(List<String> command, Map<String, String> env, Duration timeout,
      Consumer<String> lineSink) throws IOException {
    Map<String, String> e = new LinkedHashMap<>(env);
    e.putIfAbsent("PGPASSFILE", files.pgpass().toString());
    return ToolRunner.run(binaries.asPostgres(command), e, timeout, lineSink, this::registerForCancel);
  }

  /** Runs a user script (post_bootstrap, custom methods, before_stop) split like shlex, as the postgres user. */
  ToolRunner.Result runScript(String script, List<String> args, Map<String, String> env, Duration timeout)
      throws IOException {
    List<String> cmd = new ArrayList<>(CommandLine.split(script));
    cmd.addAll(args);
    return runTool(cmd, env, timeout, line -> LOG.info("{}", line));
  }

  private Runnable registerForCancel(Process process) {
    Runnable kill = () -> {
      LOG.warn("killing {} (pid {}) because the action was cancelled", process.info().command().orElse("tool"),
          process.pid());
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    };
    async.onCancel(kill);
    return () -> async.removeCancelHook(kill);
  }

  void removeDataDirectoryBlocking() throws IOException {
    if (isRunning()) {
      throw new PostgresException("refusing to remove " + dataDir + " while PostgreSQL runs");
    }
    if (Files.exists(dataDir)) {
      LOG.info("removing data directory {}", dataDir);
      try (Stream<Path> walk = Files.walk(dataDir)) {
        for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  /**
   * Moves the data directory aside as {@code <data_dir>_<YYYY-MM-DD-HH-MM-SS>} after a failed bootstrap, as
   * Patroni does: the files stay for inspection and the node can try again.
   */
  public Path moveDataDirectoryAside() throws IOException {
    if (!Files.exists(dataDir)) {
      return null;
    }
    String suffix = java.time.LocalDateTime.now().format(java.time.format.DateTimeFormatter.ofPattern(
        "yyyy-MM-dd-HH-mm-ss"));
    Path target = dataDir.resolveSibling(dataDir.getFileName() + "_" + suffix);
    for (int i = 1; Files.exists(target); i++) {
      target = dataDir.resolveSibling(dataDir.getFileName() + "_" + suffix + "." + i);
    }
    Files.move(dataDir, target);
    LOG.info("moved data directory {} aside to {}", dataDir, target);
    return target;
  }

  /** Polls {@code check} every 200 ms until true, failing at the deadline. */
  Future<Void> pollUntil(java.util.function.Supplier<Future<Boolean>> check, long deadlineNanos, String what) {
    return check.get().recover(e -> Future.succeededFuture(false)).compose(done -> {
      if (done) {
        return Future.succeededFuture();
      }
      if (System.nanoTime() > deadlineNanos) {
        return Future.failedFuture(new PostgresException("timed out waiting for " + what));
      }
      return timer(200).compose(v -> pollUntil(check, deadlineNanos, what));
    });
  }

  Future<Void> timer(long millis) {
    return vertx.timer(millis).mapEmpty();
  }

  static Long lsnOrNull(String text) {
    return text == null ? null : Lsn.parse(text);
  }

  private static Long maxOf(Long a, Long b) {
    if (a == null) {
      return b;
    }
    return b == null ? a : Math.max(a, b);
  }

  static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PostgresException("interrupted");
    }
  }

  static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }
}
