package io.vigil.dcs.etcd;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A real {@code /usr/bin/etcd} for tests: single member on free 127.0.0.1 ports, data in a temp dir. It can be
 * killed and started again on the same ports and data, as a crashed and restarted server would be.
 */
final class EtcdProcess implements AutoCloseable {
  private static final String BINARY = System.getProperty("vigil.etcd.binary", "/usr/bin/etcd");

  private final Path dataDir;
  private final int clientPort;
  private final int peerPort;
  private int secondClientPort;
  private Process process;

  EtcdProcess() throws IOException {
    this.dataDir = Files.createTempDirectory("vigil-etcd-");
    this.clientPort = freePort();
    this.peerPort = freePort();
  }

  String endpoint() {
    return "http://127.0.0.1:" + clientPort;
  }

  int clientPort() {
    return clientPort;
  }

  /**
   * Makes etcd listen on one more client port (before {@link #start()}): tests cut that one off while using the
   * first to look at etcd.
   */
  EtcdProcess withSecondClientPort() throws IOException {
    secondClientPort = freePort();
    return this;
  }

  int secondClientPort() {
    return secondClientPort;
  }

  /** Starts etcd and returns once {@code /health} answers healthy. */
  EtcdProcess start() throws IOException {
    String peer = "http://127.0.0.1:" + peerPort;
    List<String> cmd = List.of(BINARY, "--name", "t1", "--data-dir", dataDir.resolve("data").toString(),
        "--listen-client-urls", endpoint() + (secondClientPort == 0 ? "" : ",http://127.0.0.1:" + secondClientPort),
        "--advertise-client-urls", endpoint(),
        "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
        "--initial-cluster", "t1=" + peer, "--initial-cluster-state", "new", "--log-level", "warn",
        // the lessor's expiry check is not tunable; a short heartbeat keeps elections quick after restarts
        "--heartbeat-interval", "100", "--election-timeout", "1000");
    File log = dataDir.resolve("etcd.log").toFile();
    process = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log)).start();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!healthy()) {
      if (!process.isAlive()) {
        throw new IllegalStateException("etcd exited with " + process.exitValue() + "; see " + log);
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("etcd not healthy within 20 s; see " + log);
      }
      pause(50);
    }
    return this;
  }

  /** Kills etcd (SIGKILL): no goodbye to its clients, data kept. */
  void kill() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      process.waitFor();
    }
  }

  private boolean healthy() {
    try {
      HttpURLConnection c = (HttpURLConnection) URI.create(endpoint() + "/health").toURL().openConnection();
      c.setConnectTimeout(500);
      c.setReadTimeout(500);
      try {
        return c.getResponseCode() == 200 && new String(c.getInputStream().readAllBytes()).contains("\"true\"");
      } finally {
        c.disconnect();
      }
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() throws Exception {
    kill();
    try (Stream<Path> files = Files.walk(dataDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  private static void pause(long ms) {
    io.vigil.testing.Timing.pause(java.time.Duration.ofMillis(ms));
  }
}
