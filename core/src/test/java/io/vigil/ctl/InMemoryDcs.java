package io.vigil.ctl;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vigil.cluster.Cluster;
import io.vigil.cluster.ClusterConfig;
import io.vigil.cluster.Failover;
import io.vigil.cluster.Failsafe;
import io.vigil.cluster.Status;
import io.vigil.cluster.SyncState;
import io.vigil.cluster.TimelineHistory;
import io.vigil.dcs.Dcs;
import io.vigil.dcs.DcsTiming;
import io.vigil.dcs.DcsUnavailableException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A cluster held in memory for the command tests: what vigilctl reads and which cluster-level writes it makes.
 * Only the calls vigilctl may use are implemented; the others fail the test, which also proves vigilctl never
 * touches member or leader keys.
 */
class InMemoryDcs implements Dcs {
  Cluster cluster;
  boolean down;
  final List<String> writes = new ArrayList<>();
  Failover writtenFailover;
  Long failoverCas;
  boolean closed;

  InMemoryDcs(Cluster cluster) {
    this.cluster = cluster;
  }

  @Override
  public Future<Cluster> loadCluster() {
    return down ? Future.failedFuture(new DcsUnavailableException("connection refused to 127.0.0.1:1")) : Future.succeededFuture(cluster);
  }

  @Override
  public Future<Boolean> writeConfig(Map<String, Object> config, Long expectedVersion) {
    writes.add("config@" + expectedVersion);
    if (cluster.config() != null && expectedVersion != null && expectedVersion != cluster.config().version()) {
      return Future.succeededFuture(false);
    }
    long next = cluster.config() == null ? 1 : cluster.config().version() + 1;
    cluster = new Cluster(cluster.initialize(), new ClusterConfig(next, config), cluster.leader(), cluster.status(),
        cluster.members(), cluster.failover(), cluster.sync(), cluster.history(), cluster.failsafe());
    return Future.succeededFuture(true);
  }

  @Override
  public Future<Boolean> writeFailover(Failover failover, Long expectedVersion) {
    writes.add("failover@" + expectedVersion);
    writtenFailover = failover;
    failoverCas = expectedVersion;
    cluster = new Cluster(cluster.initialize(), cluster.config(), cluster.leader(), cluster.status(),
        cluster.members(), failover, cluster.sync(), cluster.history(), cluster.failsafe());
    return Future.succeededFuture(true);
  }

  @Override
  public Future<Void> deleteCluster() {
    writes.add("delete");
    cluster = Cluster.empty();
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> close() {
    closed = true;
    return Future.succeededFuture();
  }

  private static <T> Future<T> forbidden(String what) {
    throw new AssertionError("vigilctl must not call " + what);
  }

  @Override
  public Future<Boolean> acquireLeaderKey() {
    return forbidden("acquireLeaderKey");
  }

  @Override
  public Future<Boolean> renewLeaderKey() {
    return forbidden("renewLeaderKey");
  }

  @Override
  public Future<Void> takeLeaderKey() {
    return forbidden("takeLeaderKey");
  }

  @Override
  public Future<Boolean> releaseLeaderKey() {
    return forbidden("releaseLeaderKey");
  }

  @Override
  public Future<Void> touchMember(Map<String, Object> data) {
    return forbidden("touchMember");
  }

  @Override
  public Future<Boolean> initialize(String systemId, boolean createOnly) {
    return forbidden("initialize");
  }

  @Override
  public Future<Void> cancelInitialization() {
    return forbidden("cancelInitialization");
  }

  @Override
  public Future<Boolean> writeSyncState(SyncState sync, Long expectedVersion) {
    return forbidden("writeSyncState");
  }

  @Override
  public Future<Boolean> deleteSyncState(Long expectedVersion) {
    return forbidden("deleteSyncState");
  }

  @Override
  public Future<Void> writeHistory(TimelineHistory history) {
    return forbidden("writeHistory");
  }

  @Override
  public Future<Void> writeStatus(Status status) {
    return forbidden("writeStatus");
  }

  @Override
  public Future<Void> writeFailsafe(Failsafe failsafe) {
    return forbidden("writeFailsafe");
  }

  @Override
  public void watch(Handler<DcsChange> listener) {
    throw new AssertionError("vigilctl must not watch");
  }

  @Override
  public void setTiming(DcsTiming timing) {}
}
