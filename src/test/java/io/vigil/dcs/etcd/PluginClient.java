package io.vigil.dcs.etcd;

import io.etcd.jetcd.Client;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.util.List;

/**
 * The jetcd client exactly as the etcd plugin builds it (its own small Vert.x, keepalive pings, deadlines), for the
 * footprint benchmark's runtime floor ({@code io.vigil.bench.RuntimeFloor}), so that the floor never drifts from
 * the plugin's options. In the plugin's package, on the class path beside the agent's jar, because
 * {@link EtcdConnection} is package-private.
 */
public final class PluginClient {
  private PluginClient() {
  }

  /** Built off the event loop, as the plugin builds it at its first call. */
  public static Future<Client> build(Vertx vertx, String endpoint, int retryTimeoutSeconds) {
    EtcdOptions plain = new EtcdOptions(List.of(URI.create(endpoint)), null, null, null, null, null);
    return new EtcdConnection(vertx, vertx.getOrCreateContext(), plain, retryTimeoutSeconds).client();
  }
}
