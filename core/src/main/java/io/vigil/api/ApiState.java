package io.vigil.api;

import io.vigil.patroni.PyJson;
import io.vertx.core.buffer.Buffer;
import io.vigil.bus.NodeStatus;
import io.vigil.cluster.Cluster;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The last {@link NodeStatus} published by the HA loop and what is derived from it. Touched only on the REST
 * verticle's event loop, so plain fields suffice. The status body is cached per published status, which keeps a
 * health check to a map lookup and a few comparisons.
 */
final class ApiState {
  final String scope;
  final String name;
  final String patroniVersion;
  final ApiClock clock;
  private NodeStatus latest;
  private NodeStatus cachedFor;
  private boolean cachedWithCluster;
  private boolean cachedOutdated;
  private Snapshot cached;
  private List<IpNetwork> memberNetworks = List.of();

  /** One request's view: derived facts, the status map and its serialized body. */
  record Snapshot(NodeView view, Map<String, Object> status, Buffer body) {}

  ApiState(String scope, String name, String patroniVersion, ApiClock clock) {
    this.scope = scope;
    this.name = name;
    this.patroniVersion = patroniVersion;
    this.clock = clock;
    // before the first cycle: nothing is known, every health check answers 503
    this.latest = new NodeStatus(scope, name, "uninitialized", "starting", null, null, null, false, true, false,
        0, clock.monotonicMillis(), 0, null, null, false);
  }

  void update(NodeStatus status) {
    latest = status;
  }

  NodeStatus latest() {
    return latest;
  }

  /** The cluster snapshot of the last cycle, even when older than ttl (for /history, /config, allowlist). */
  Cluster lastCluster() {
    return latest.cluster();
  }

  Snapshot snapshot() {
    NodeView view = NodeView.of(latest, clock);
    boolean withCluster = view.cluster() != null;
    if (cached == null || cachedFor != latest || cachedWithCluster != withCluster
        || cachedOutdated != view.postgresOutdated()) {
      Map<String, Object> status = StatusJson.body(view, patroniVersion);
      cached = new Snapshot(view, status,
          Buffer.buffer(PyJson.dumps(status).getBytes(StandardCharsets.UTF_8)));
      cachedFor = latest;
      cachedWithCluster = withCluster;
      cachedOutdated = view.postgresOutdated();
      return cached;
    }
    return new Snapshot(view, cached.status(), cached.body());
  }

  List<IpNetwork> memberNetworks() {
    return memberNetworks;
  }

  void memberNetworks(List<IpNetwork> networks) {
    memberNetworks = List.copyOf(networks);
  }
}
