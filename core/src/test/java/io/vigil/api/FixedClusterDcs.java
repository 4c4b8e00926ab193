package io.vigil.api;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vigil.cluster.Cluster;
import io.vigil.cluster.Failover;
import io.vigil.cluster.Failsafe;
import io.vigil.cluster.Status;
import io.vigil.cluster.SyncState;
import io.vigil.cluster.TimelineHistory;
import io.vigil.dcs.Dcs;
import io.vigil.dcs.DcsTiming;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Not a DCS: a fixed cluster snapshot for testing the REST API's HTTP mapping of read-only paths and of requests
 * refused before any write. Every write is recorded and fails, so a test can prove that nothing was written.
 * Control endpoints that really write are tested by the integrator against a real DCS.
 */
final class FixedClusterDcs implements Dcs {
  volatile Cluster cluster;
  /** When set, every read fails as an unreachable DCS would. */
  volatile boolean unreachable;
  final List<String> attemptedWrites = new CopyOnWriteArrayList<>();

  FixedClusterDcs(Cluster cluster) {
    this.cluster = cluster;
  }

  private <T> Future<T> refuse(String what) {
    attemptedWrites.add(what);
    return Future.failedFuture(new UnsupportedOperationException("FixedClusterDcs does not write " + what));
  }

  @Override
  public Future<Cluster> loadCluster() {
    if (unreachable) {
      return Future.failedFuture(new io.vigil.dcs.DcsUnavailableException("FixedClusterDcs is set unreachable"));
    }
    return Future.succeededFuture(cluster);
  }

  @Override
  public Future<Boolean> acquireLeaderKey() {
    return refuse("leader");
  }

  @Override
  public Future<Boolean> renewLeaderKey() {
    return refuse("leader");
  }

  @Override
  public Future<Void> takeLeaderKey() {
    return refuse("leader");
  }

  @Override
  public Future<Boolean> releaseLeaderKey() {
    return refuse("leader");
  }

  @Override
  public Future<Void> touchMember(Map<String, Object> data) {
    return refuse("member");
  }

  @Override
  public Future<Boolean> initialize(String systemId, boolean createOnly) {
    return refuse("initialize");
  }

  @Override
  public Future<Void> cancelInitialization() {
    return refuse("initialize");
  }

  @Override
  public Future<Boolean> writeConfig(Map<String, Object> config, Long expectedVersion) {
    return refuse("config");
  }

  @Override
  public Future<Boolean> writeFailover(Failover failover, Long expectedVersion) {
    return refuse("failover");
  }

  @Override
  public Future<Boolean> writeSyncState(SyncState sync, Long expectedVersion) {
    return refuse("sync");
  }

  @Override
  public Future<Boolean> deleteSyncState(Long expectedVersion) {
    return refuse("sync");
  }

  @Override
  public Future<Void> writeHistory(TimelineHistory history) {
    return refuse("history");
  }

  @Override
  public Future<Void> writeStatus(Status status) {
    return refuse("status");
  }

  @Override
  public Future<Void> writeFailsafe(Failsafe failsafe) {
    return refuse("failsafe");
  }

  @Override
  public Future<Void> deleteCluster() {
    return refuse("everything");
  }

  @Override
  public void watch(Handler<DcsChange> listener) {}

  @Override
  public void setTiming(DcsTiming timing) {}

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }
}
