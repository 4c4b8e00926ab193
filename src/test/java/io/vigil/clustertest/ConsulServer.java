package io.vigil.clustertest;

import io.vertx.core.Vertx;
import io.vigil.dcs.consul.emulator.ConsulEmulator;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * The Consul HTTP API emulator of plugins/dcs-consul's tests, run inside the test's JVM (no Consul agent can be
 * installed here). Stopping it drops every connection and refuses new ones while keeping its data, as a Consul
 * server that is down and comes back; its session_ttl_min is Consul's default, 10 s.
 */
final class ConsulServer implements DcsServer {
  private final Vertx vertx = Vertx.vertx();
  private final ConsulEmulator emulator;
  private final int port = FreePorts.next();

  ConsulServer() {
    this.emulator = new ConsulEmulator(vertx, ConsulEmulator.Options.onPort(port));
  }

  @Override
  public String configSection() {
    return "consul:\n  host: 127.0.0.1:" + port;
  }

  @Override
  public void start() throws IOException {
    try {
      emulator.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IOException("the Consul emulator did not start on port " + port, e);
    }
  }

  @Override
  public void stop() {
    try {
      emulator.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("the Consul emulator did not stop", e);
    }
  }

  @Override
  public void close() {
    try {
      emulator.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      // closing after a failed test: nothing else to release but the Vert.x instance
    } finally {
      vertx.close();
    }
  }
}
