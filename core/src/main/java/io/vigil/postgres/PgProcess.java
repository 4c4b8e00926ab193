package io.vigil.postgres;

import io.vigil.config.PostgresSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The postmaster's lifecycle: start (writing the configuration first, waiting until it accepts connections),
 * stop by signal, adoption of a postmaster already running, and the notice of its death. It keeps Patroni's
 * member state string ({@code running}, {@code starting}, {@code stopped}, {@code crashed}, {@code creating
 * replica}, ...) and the role as last known; the long actions set the state they are in.
 *
 * <p>Every method blocks: callers run them on the {@code vigil-postgres} worker pool. Starts and stops are
 * serialized.
 */
final class PgProcess {
  private static final Logger LOG = LoggerFactory.getLogger(PgProcess.class);
  private static final long READY_POLL_MILLIS = 100;

  /** What the owner hears of the postmaster (called on the thread that noticed). */
  interface Events {
    /** It accepts connections after a start. */
    void running();

    /** It is gone: stopped, crashed, or it exited while starting. */
    void gone();
  }

  private final PostgresSettings pg;
  private final PgBinaries binaries;
  private final Path dataDir;
  private final PgConfiguration config;
  private final PgTools tools;
  private final PgConnections connections;
  private final Events events;
  private final Object processLock = new Object();

  private volatile Postmaster postmaster;
  private volatile boolean stopExpected;
  private volatile String stateName = "stopped";
  private volatile PostgresRole role;
  private volatile ServerParameters startedWith;

  PgProcess(PostgresSettings pg, PgBinaries binaries, PgConfiguration config, PgTools tools,
      PgConnections connections, Events events) {
    this.pg = pg;
    this.binaries = binaries;
    this.dataDir = pg.dataDir();
    this.config = config;
    this.tools = tools;
    this.connections = connections;
    this.events = events;
  }

  /** Adopts a postmaster already running for the data directory, if any. */
  void adoptRunning() {
    Postmaster.adopt(dataDir).ifPresent(p -> {
      attach(p);
      stateName = "running";
    });
  }

  /** Whether a postmaster runs for the data directory (as far as the agent knows: child or adopted). */
  boolean isRunning() {
    Postmaster p = postmaster;
    return p != null && p.isAlive();
  }

  /** The postmaster's PID, or -1 when none runs. */
  long pid() {
    Postmaster p = postmaster;
    return p != null && p.isAlive() ? p.pid() : -1;
  }

  /** Patroni's member state string. */
  String stateName() {
    return stateName;
  }

  /** A long action's state ({@code creating replica}, {@code initdb failed}, ...), or {@code restarting}. */
  void setStateName(String name) {
    stateName = name;
  }

  /** The role as last known (null before the first). */
  PostgresRole role() {
    return role;
  }

  void setRole(PostgresRole r) {
    role = r;
  }

  /** The parameters the running server was started with (null when stopped). */
  ServerParameters startedWith() {
    return startedWith;
  }

  /** SIGHUP to the postmaster, if one runs. */
  void signalReload() throws IOException {
    Postmaster p = postmaster;
    if (p != null) {
      p.signal(Postmaster.Signal.RELOAD);
    }
  }

  /**
   * Starts PostgreSQL with the current configuration and waits until it accepts connections, up to
   * {@code timeout}.
   *
   * @return true once it accepts connections (also when it was already running); false when it still had not
   *     after the timeout. Fails when the postmaster exits.
   */
  boolean start(Duration timeout) throws IOException {
    synchronized (processLock) {
      if (isRunning()) {
        return true;
      }
      if (!Files.isRegularFile(dataDir.resolve("PG_VERSION"))) {
        throw new PostgresException("cannot start PostgreSQL: " + dataDir + " is not a data directory");
      }
      config.readReplicaMinimums(tools::controlData);
      config.write();
      ServerParameters params = config.serverParameters();
      List<String> args = new ArrayList<>(List.of("-D", dataDir.toString(),
          "--config-file=" + config.files().postgresqlConf()));
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
          events.gone();
          throw new PostgresException("postmaster exited while starting; last log lines:\n" + tail);
        }
        if (tools.isReady(connections.localHost(), pg.listen().port())) {
          stateName = "running";
          LOG.info("PostgreSQL is running (pid {})", p.pid());
          events.running();
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

  /**
   * Stops PostgreSQL by signal, running {@code before_stop} first, and waits up to {@code timeout} for the
   * postmaster to exit; sends SIGKILL once {@code killAfter} (null: never) has passed. Returns at once when
   * nothing runs; fails ({@code stop failed}) when the postmaster is still there after the timeout.
   */
  void stop(StopMode mode, Duration timeout, Duration killAfter) throws IOException {
    synchronized (processLock) {
      Postmaster p = postmaster;
      if (p == null || !p.isAlive()) {
        stateName = "stopped";
        return;
      }
      if (pg.beforeStop() != null) {
        tools.runScript(pg.beforeStop(), List.of(), Map.of(), Duration.ofSeconds(pg.pgCtlTimeout()));
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
      connections.closePool();
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
    connections.closePool();
    events.gone();
  }

  /** The postmaster's stdout/stderr: next to the data directory, so that a re-clone keeps it. */
  Path postmasterLog() {
    Path data = dataDir.toAbsolutePath();
    return data.resolveSibling(data.getFileName() + ".log");
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
