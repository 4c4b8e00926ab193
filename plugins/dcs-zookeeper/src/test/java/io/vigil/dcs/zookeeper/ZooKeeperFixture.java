package io.vigil.dcs.zookeeper;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vigil.config.DcsSettings;
import io.vigil.dcs.Dcs;
import io.vigil.dcs.DcsContext;
import io.vigil.dcs.DcsKeys;
import io.vigil.dcs.DcsTiming;
import io.vigil.testing.Timing;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;

/**
 * One embedded ZooKeeper server on a free 127.0.0.1 port with its own data directory, plus the Dcs clients a
 * test makes; everything is torn down by {@link #close()}.
 */
final class ZooKeeperFixture implements AutoCloseable {
  /** Curator's Timing idea: one multiplier for every wait, raised on slow machines (see {@link Timing}). */
  static final double TIMING = Timing.multiplier();
  /** Small but valid: the embedded server accepts session timeouts from 2 ticks (1 s) up. */
  static final DcsTiming FAST = new DcsTiming(4, 2, 2);

  final Vertx vertx = Vertx.vertx();
  final EmbeddedZooKeeper server;
  final Path dataDir;
  private final List<Dcs> clients = new ArrayList<>();

  ZooKeeperFixture() throws IOException {
    dataDir = Files.createTempDirectory("vigil-zk-it-");
    server = new EmbeddedZooKeeper("127.0.0.1", freePort(), dataDir).start();
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }

  ZooKeeperDcs dcs(String scope, String member) {
    return dcs(scope, member, FAST);
  }

  ZooKeeperDcs dcs(String scope, String member, DcsTiming timing) {
    return dcs(scope, member, timing, Map.of());
  }

  ZooKeeperDcs dcs(String scope, String member, DcsTiming timing, Map<String, Object> extraOptions) {
    Map<String, Object> options = new java.util.HashMap<>(extraOptions);
    options.putIfAbsent("hosts", server.connectString());
    DcsContext context = new DcsContext(new DcsKeys("service", scope), member,
        new DcsSettings("zookeeper", options), timing);
    ZooKeeperDcs dcs = (ZooKeeperDcs) new ZooKeeperDcsFactory().create(vertx, context);
    clients.add(dcs);
    warmUp(dcs);
    return dcs;
  }

  /**
   * The first call of a new client also connects and opens the session, which on a loaded 2-core machine can take
   * longer than the short retry_timeout these tests use; the tests time the calls after that, so the connection is
   * made first (best effort: a client made while its server is down just goes on unconnected).
   */
  private static void warmUp(ZooKeeperDcs dcs) {
    try {
      Timing.await("a first answer of " + dcs, Duration.ofSeconds(15), Duration.ofMillis(20), () -> {
        try {
          await(dcs.loadCluster());
          return Boolean.TRUE;
        } catch (Exception notYetConnected) {
          return null; // try again until the deadline
        }
      }, () -> "no answer");
    } catch (AssertionError stillNotConnected) {
      // best effort, as said above
    }
  }

  static <T> T await(Future<T> future) throws Exception {
    try {
      return future.toCompletionStage().toCompletableFuture().get(scaled(Duration.ofSeconds(30)).toMillis(),
          TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  static Duration scaled(Duration d) {
    return Timing.scaled(d);
  }

  /** Polls every 20 ms until the condition holds; fails with {@code what} after the (scaled) deadline. */
  static void eventually(Duration within, String what, BooleanSupplier condition) throws Exception {
    Timing.until(what, within, Duration.ofMillis(20), condition::getAsBoolean);
  }

  /**
   * Ends a client's ZooKeeper session on the server, as an expiry would: a second handle on the same session
   * closes it (Curator's KillSession technique). The client learns of it as "session expired".
   */
  void expireSession(ZooKeeperDcs dcs) throws Exception {
    ZooKeeper handle = dcs.curator().getZookeeperClient().getZooKeeper();
    CountDownLatch connected = new CountDownLatch(1);
    ZooKeeper twin = new ZooKeeper(server.connectString(), 4000, event -> {
      if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
        connected.countDown();
      }
    }, handle.getSessionId(), handle.getSessionPasswd());
    try {
      // closing before the twin is attached to the session would not end it
      if (!connected.await(scaled(Duration.ofSeconds(10)).toMillis(), TimeUnit.MILLISECONDS)) {
        throw new TimeoutException("the twin handle did not attach to session 0x"
            + Long.toHexString(handle.getSessionId()));
      }
    } finally {
      twin.close();
    }
  }

  /**
   * Makes a client go silent like a killed process: it stops talking without a close-session request, so the
   * server keeps the session, and its ephemeral znodes, until the session timeout (ttl) runs out.
   *
   * <p>{@code injectSessionExpiration()} alone is not enough: it queues the Expired event before it marks the
   * connection closed, and Curator, reacting to the event on another thread, may still close the handle
   * while it is marked alive, which sends a close-session request and deletes the ephemeral znodes at once.
   * So the connection is marked closed first (the handle's package-private state, test-only reflection).
   */
  static void goSilent(ZooKeeperDcs dcs) {
    try {
      ZooKeeper handle = dcs.curator().getZookeeperClient().getZooKeeper();
      Field cnxnField = ZooKeeper.class.getDeclaredField("cnxn");
      cnxnField.setAccessible(true);
      Object cnxn = cnxnField.get(handle);
      Field state = cnxn.getClass().getDeclaredField("state");
      state.setAccessible(true);
      state.set(cnxn, ZooKeeper.States.CLOSED);
      handle.getTestable().injectSessionExpiration();
    } catch (Exception e) {
      throw new IllegalStateException("could not silence the ZooKeeper client", e);
    }
  }

  @Override
  public void close() throws IOException {
    for (Dcs dcs : clients) {
      try {
        await(dcs.close());
      } catch (Exception e) {
        // tearing down: a client that cannot close cleanly does not change the test's verdict
      }
    }
    server.stop();
    try {
      await(vertx.close());
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IOException("Vert.x did not close", e);
    }
    try (Stream<Path> files = Files.walk(dataDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
