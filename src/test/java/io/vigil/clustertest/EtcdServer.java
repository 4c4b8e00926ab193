package io.vigil.clustertest;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** A real single-node etcd (Debian's etcd-server) on free loopback ports, stoppable and restartable. */
final class EtcdServer implements DcsServer {
  private final Path dataDir;
  private final Path log;
  private final int clientPort = FreePorts.next();
  private final int peerPort = FreePorts.next();
  private Process process;

  EtcdServer(Path workDir) {
    this.dataDir = workDir.resolve("etcd-data");
    this.log = workDir.resolve("etcd.log");
  }

  String endpoint() {
    return "127.0.0.1:" + clientPort;
  }

  @Override
  public String configSection() {
    return "etcd3:\n  hosts: " + endpoint();
  }

  @Override
  public void start() throws IOException {
    String client = "http://127.0.0.1:" + clientPort;
    String peer = "http://127.0.0.1:" + peerPort;
    process = new ProcessBuilder(List.of("etcd", "--name", "vigil-it", "--data-dir", dataDir.toString(),
            "--listen-client-urls", client, "--advertise-client-urls", client,
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

  private boolean accepts() {
    return ServerProcesses.accepts(clientPort);
  }

  @Override
  public void close() {
    stop();
  }
}
