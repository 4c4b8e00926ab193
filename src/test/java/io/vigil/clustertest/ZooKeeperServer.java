package io.vigil.clustertest;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The embedded ZooKeeper of the demo, run as its own process from the fat jar exactly as {@code bin/demo} runs it.
 */
final class ZooKeeperServer implements DcsServer {
  private final Path jar;
  private final Path dataDir;
  private final Path log;
  private final int port = FreePorts.next();
  private Process process;

  ZooKeeperServer(Path workDir, Path jar) {
    this.jar = jar;
    this.dataDir = workDir.resolve("zookeeper-data");
    this.log = workDir.resolve("zookeeper.log");
  }

  @Override
  public String configSection() {
    return "zookeeper:\n  hosts:\n  - 127.0.0.1:" + port;
  }

  @Override
  public void start() throws IOException {
    process = new ProcessBuilder(List.of("java", "-Xmx128m", "-XX:+UseSerialGC", "-cp", jar.toString(),
            "io.vigil.dcs.zookeeper.EmbeddedZooKeeper", "--port", Integer.toString(port), "--data-dir",
            dataDir.toString()))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
    Timing.await("ZooKeeper to listen on " + port, Duration.ofSeconds(30), () -> accepts() ? Boolean.TRUE : null,
        () -> "process alive=" + process.isAlive());
  }

  private boolean accepts() {
    return ServerProcesses.accepts(port);
  }

  @Override
  public void stop() {
    ServerProcesses.kill(process);
    process = null;
  }

  @Override
  public void close() {
    stop();
  }

}
