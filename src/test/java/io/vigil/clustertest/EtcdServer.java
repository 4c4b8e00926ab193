package io.vigil.clustertest;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real single-node etcd (Debian's etcd-server) on free loopback ports, stoppable and restartable. It may listen
 * on an extra client port per node ({@code --listen-client-urls} with several URLs, advertising only the main
 * one), so that dropping one node's port with iptables cuts that node alone off the DCS.
 */
final class EtcdServer implements DcsServer {
  private final Path dataDir;
  private final Path log;
  private final int clientPort = FreePorts.next();
  private final int peerPort = FreePorts.next();
  private final List<Integer> nodePorts = new ArrayList<>();
  private Process process;

  EtcdServer(Path workDir) {
    this(workDir, 0);
  }

  /** @param nodes how many extra client ports to open, one per node */
  EtcdServer(Path workDir, int nodes) {
    this.dataDir = workDir.resolve("etcd-data");
    this.log = workDir.resolve("etcd.log");
    for (int i = 0; i < nodes; i++) {
      nodePorts.add(FreePorts.next());
    }
  }

  String endpoint() {
    return "127.0.0.1:" + clientPort;
  }

  @Override
  public String configSection() {
    return "etcd3:\n  hosts: " + endpoint();
  }

  /**
   * Node {@code index}'s own client port when there is one. {@code use_proxies: true} keeps Patroni's etcd3 client
   * on the listed host instead of discovering the others from the member list (which would escape a cut); Vigil
   * reads the key and never discovers endpoints anyway (jetcd is given a static endpoint list).
   */
  @Override
  public String configSection(int index) {
    if (index >= nodePorts.size()) {
      return configSection();
    }
    return "etcd3:\n  hosts: 127.0.0.1:" + nodePorts.get(index) + "\n  use_proxies: true";
  }

  @Override
  public int clientPortOf(int index) {
    return nodePorts.get(index);
  }

  @Override
  public void start() throws IOException {
    String client = "http://127.0.0.1:" + clientPort;
    String peer = "http://127.0.0.1:" + peerPort;
    StringBuilder listen = new StringBuilder(client);
    for (int port : nodePorts) {
      listen.append(",http://127.0.0.1:").append(port);
    }
    process = new ProcessBuilder(List.of("etcd", "--name", "vigil-it", "--data-dir", dataDir.toString(),
            "--listen-client-urls", listen.toString(), "--advertise-client-urls", client,
            "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
            "--initial-cluster", "vigil-it=" + peer, "--initial-cluster-state", "new",
            "--log-level", "warn"))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
    Timing.await("etcd to listen on " + endpoint(), Duration.ofSeconds(20),
        () -> accepts() ? Boolean.TRUE : null, () -> "process alive=" + process.isAlive());
  }

  /** Stops etcd abruptly (SIGKILL): agents see the DCS vanish, as in a crash or partition. */
  @Override
  public void stop() {
    ServerProcesses.kill(process);
    process = null;
  }

  /** The value of {@code key} as etcdctl prints it, or "" when there is none. */
  String get(String key) {
    try {
      Process p = new ProcessBuilder("etcdctl", "--endpoints", endpoint(), "get", key, "--print-value-only")
          .redirectErrorStream(true).start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
      if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IllegalStateException("etcdctl get " + key + " failed: " + out);
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run etcdctl", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted");
    }
  }

  private boolean accepts() {
    return ServerProcesses.accepts(clientPort);
  }

  @Override
  public void close() {
    stop();
  }
}
