package io.vigil.dcs.zookeeper;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vigil.config.DcsSettings;
import io.vigil.dcs.Dcs;
import io.vigil.dcs.DcsContext;
import io.vigil.dcs.DcsKeys;
import io.vigil.dcs.DcsTiming;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.zookeeper.ZooKeeper;

/**
 * One embedded ZooKeeper server on a free 127.0.0.1 port with its own data directory, plus the Dcs clients a
 * test makes; everything is torn down by {@link #close()}.
 */
final class ZooKeeperFixture implements AutoCloseable {
  /** Curator's Timing idea: one multiplier for every wait, raised on slow machines. */
  static final double TIMING = Double.parseDouble(System.getProperty("vigil.test.timing", "1"));
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
    DcsContext context = new DcsContext(new DcsKeys("service", scope), member,
        new DcsSettings("zookeeper", Map.of("hosts", server.connectString())), timing);
    ZooKeeperDcs dcs = (ZooKeeperDcs) new ZooKeeperDcsFactory().create(vertx, context);
    clients.add(dcs);
    return dcs;
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
    return Duration.ofMillis((long) (d.toMillis() * TIMING));
  }

  /** Polls every 20 ms until the condition holds; fails with {@code what} after the (scaled) deadline. */
  static void eventually(Duration within, String what, BooleanSupplier condition) throws Exception {
    long deadline = System.nanoTime() + scaled(within).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new TimeoutException("not within " + scaled(within) + ": " + what);
      }
      Thread.sleep(20);
    }
  }

  /**
   * Ends a client's ZooKeeper session on the server, as an expiry would: a second handle on the same session
   * closes it (Curator's KillSession technique). The client learns of it as "session expired".
   */
  void expireSession(ZooKeeperDcs dcs) throws Exception {
    ZooKeeper handle = dcs.curator().getZookeeperClient().getZooKeeper();
    ZooKeeper twin = new ZooKeeper(server.connectString(), 4000, event -> { },
        handle.getSessionId(), handle.getSessionPasswd());
    twin.close();
  }

  /**
   * Makes a client go silent like a killed process: its socket is dropped without a close-session request, so
   * the server keeps the session, and the ephemeral znodes, until the session timeout (ttl) runs out.
   */
  static void goSilent(ZooKeeperDcs dcs) {
    try {
      dcs.curator().getZookeeperClient().getZooKeeper().getTestable().injectSessionExpiration();
    } catch (Exception e) {
      throw new IllegalStateException("could not silence the ZooKeeper client", e);
    }
  }

  @Override
  public void close() throws Exception {
    for (Dcs dcs : clients) {
      try {
        await(dcs.close());
      } catch (Exception e) {
        // tearing down: a client that cannot close cleanly does not change the test's verdict
      }
    }
    server.stop();
    await(vertx.close());
    try (Stream<Path> files = Files.walk(dataDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
