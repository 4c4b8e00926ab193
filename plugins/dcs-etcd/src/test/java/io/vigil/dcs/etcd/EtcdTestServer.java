package io.vigil.dcs.etcd;

/**
 * {@link EtcdProcess} for tests in other packages (vigilctl's ITs live in {@code io.vigil.ctl} to reach its
 * package-private test helpers).
 */
public final class EtcdTestServer implements AutoCloseable {
  private final EtcdProcess process;

  private EtcdTestServer(EtcdProcess process) {
    this.process = process;
  }

  public static EtcdTestServer start() throws Exception {
    return new EtcdTestServer(new EtcdProcess().start());
  }

  public int clientPort() {
    return process.clientPort();
  }

  public void kill() throws InterruptedException {
    process.kill();
  }

  public void restart() throws Exception {
    process.start();
  }

  @Override
  public void close() throws Exception {
    process.close();
  }
}
