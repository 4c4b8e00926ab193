package io.vigil.dcs.zookeeper;

import io.vigil.log.LogSetup;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZKDatabase;
import org.apache.zookeeper.server.ZooKeeperServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node ZooKeeper server inside this JVM, for the demo and the tests: the same server classes a
 * standalone ZooKeeper runs, with its snapshots and transaction log in {@code dataDir}, so a stop and a start on
 * the same port and directory keep every znode and every live session (clients reconnect to their session).
 *
 * <p>It is built from {@link ZooKeeperServer} and {@link ServerCnxnFactory} directly rather than through
 * {@code ZooKeeperServerMain}, so no AdminServer (Jetty on port 8080, docs/stack.md pitfall 8) is ever started.
 *
 * <p>Session timeouts: ZooKeeper clamps a client's requested session timeout to [min, max], by default
 * [2, 20] ticks. Patroni's session timeout is the ttl (30 s by default, tests use a few seconds), so the
 * bounds are set explicitly: min = 2 ticks, max = {@link #MAX_SESSION_TIMEOUT_MS}. The tick also bounds how
 * precisely the server expires a session, hence the small default tick.
 */
public final class EmbeddedZooKeeper implements AutoCloseable {
  /** Half a second: expiry within about a tick of the session timeout, and ttl down to 1 s accepted. */
  public static final int DEFAULT_TICK_MS = 500;
  /** Patroni accepts any ttl; ten minutes covers every sane one. */
  public static final int MAX_SESSION_TIMEOUT_MS = 600_000;

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedZooKeeper.class);

  private final String host;
  private final int port;
  private final Path dataDir;
  private final int tickMs;
  private ServerCnxnFactory connections;
  private ZooKeeperServer server;

  public EmbeddedZooKeeper(String host, int port, Path dataDir) {
    this(host, port, dataDir, DEFAULT_TICK_MS);
  }

  /**
   * @param port a fixed port (0 is refused: a restart must come back on the same address)
   */
  public EmbeddedZooKeeper(String host, int port, Path dataDir, int tickMs) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is not in 1..65535");
    }
    if (tickMs < 1) {
      throw new IllegalArgumentException("tick time " + tickMs + " ms must be positive");
    }
    this.host = Objects.requireNonNull(host, "host");
    this.port = port;
    this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
    this.tickMs = tickMs;
  }

  /** Starts the server; returns once it accepts connections. Starting a running server does nothing. */
  public synchronized EmbeddedZooKeeper start() throws IOException {
    if (server != null) {
      return this;
    }
    Files.createDirectories(dataDir);
    File dir = dataDir.toFile();
    ZooKeeperServer zks = new ZooKeeperServer(dir, dir, tickMs);
    zks.setMinSessionTimeout(2 * tickMs);
    zks.setMaxSessionTimeout(Math.max(MAX_SESSION_TIMEOUT_MS, 2 * tickMs));
    ServerCnxnFactory factory = ServerCnxnFactory.createFactory(new InetSocketAddress(host, port), 100);
    try {
      factory.startup(zks);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      factory.shutdown();
      throw new IOException("interrupted while starting ZooKeeper on " + connectString(), e);
    } catch (IOException | RuntimeException e) {
      factory.shutdown();
      closeDatabase(zks);
      throw new IOException("could not start ZooKeeper on " + connectString() + " with data in " + dataDir
          + ": " + e.getMessage(), e);
    }
    connections = factory;
    server = zks;
    LOG.info("ZooKeeper {} serving {} (tick {} ms, data {})",
        org.apache.zookeeper.Version.getFullVersion(), connectString(), tickMs, dataDir);
    return this;
  }

  /**
   * Stops the server: clients see their connection drop, and their sessions survive on disk until a restart
   * (where the session timeouts start over). Stopping a stopped server does nothing.
   */
  public synchronized void stop() {
    if (server == null) {
      return;
    }
    ServerCnxnFactory factory = connections;
    ZooKeeperServer zks = server;
    connections = null;
    server = null;
    factory.shutdown();
    try {
      factory.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    zks.shutdown();
    closeDatabase(zks);
    LOG.info("ZooKeeper on {} stopped", connectString());
  }

  @Override
  public void close() {
    stop();
  }

  public synchronized boolean isRunning() {
    return server != null && server.isRunning();
  }

  /** {@code host:port}, what clients put in {@code zookeeper.hosts}. */
  public String connectString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  public int port() {
    return port;
  }

  public Path dataDir() {
    return dataDir;
  }

  private static void closeDatabase(ZooKeeperServer zks) {
    ZKDatabase db = zks.getZKDatabase();
    if (db != null) {
      try {
        db.close();
      } catch (IOException e) {
        LOG.warn("closing the ZooKeeper database failed: {}", e.toString());
      }
    }
  }

  /**
   * Runs a server in its own process until SIGTERM/SIGINT: {@code --port N} (default 2181),
   * {@code --data-dir DIR} (required), {@code --host H} (default 127.0.0.1), {@code --tick-time MS}.
   */
  public static void main(String[] args) throws Exception {
    // the server's own lines (ZooKeeper's and this class's) in the agent's format, not java.util.logging's
    LogSetup.configureDefaults(System.getenv());
    try {
      run(args);
    } catch (IllegalArgumentException e) {
      System.err.println("EmbeddedZooKeeper: " + e.getMessage());
      System.exit(2);
    }
  }

  private static void run(String[] args) throws Exception {
    String host = "127.0.0.1";
    int port = 2181;
    Path dataDir = null;
    int tick = DEFAULT_TICK_MS;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (arg) {
        case "--port" -> port = number(arg, value);
        case "--data-dir" -> dataDir = Path.of(required(arg, value));
        case "--host" -> host = required(arg, value);
        case "--tick-time" -> tick = number(arg, value);
        case "-h", "--help" -> {
          System.out.println("usage: EmbeddedZooKeeper --data-dir DIR [--port 2181] [--host 127.0.0.1] "
              + "[--tick-time " + DEFAULT_TICK_MS + "]");
          return;
        }
        default -> throw usage("unknown argument " + arg);
      }
      i++;
    }
    if (dataDir == null) {
      throw usage("--data-dir is required");
    }
    EmbeddedZooKeeper zk = new EmbeddedZooKeeper(host, port, dataDir, tick).start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      zk.stop();
      stopped.countDown();
    }, "zookeeper-shutdown"));
    System.out.println("ZooKeeper listening on " + zk.connectString());
    stopped.await();
  }

  private static int number(String option, String value) {
    try {
      return Integer.parseInt(required(option, value));
    } catch (NumberFormatException e) {
      throw usage(option + " expects a number, got '" + value + "'");
    }
  }

  private static String required(String option, String value) {
    if (value == null) {
      throw usage(option + " needs a value");
    }
    return value;
  }

  private static IllegalArgumentException usage(String problem) {
    return new IllegalArgumentException(problem
        + "; usage: EmbeddedZooKeeper --data-dir DIR [--port 2181] [--host 127.0.0.1] [--tick-time MS]");
  }
}
