package io.vigil.dcs.etcd;

import static io.vigil.dcs.etcd.EtcdConnection.bytes;

import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vigil.cluster.Cluster;
import io.vigil.cluster.PatroniJson;
import io.vigil.dcs.ClusterReader;
import io.vigil.dcs.DcsContext;
import io.vigil.dcs.DcsKeys;
import io.vigil.dcs.DcsTiming;
import io.vigil.dcs.KeyValueDcs;
import io.vigil.dcs.StoredValue;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * Patroni's etcd v3 backend (docs/dcs-layout.md §1.4) over jetcd's gRPC API (Patroni itself uses the JSON gateway; the keys,
 * values, leases and transactions are the same).
 *
 * <ul>
 *   <li>One lease per agent ({@link LeaseKeeper}); only {@code leader} and {@code members/<name>} carry it.</li>
 *   <li>Acquire: a forced keepalive first (or a new lease), so a won key has a full ttl ahead, then txn
 *       {@code CREATE(leader)==0 → put(leader, name, lease)}; a vanished lease is replaced once.</li>
 *   <li>Renew: a forced keepalive; the key is rewritten only when it is not attached to the current lease
 *       (txn {@code VALUE==name → put} else nested {@code CREATE==0 → put}), so its mod_revision stays put.</li>
 *   <li>Release: txn {@code VALUE==name → delete}. CAS writes compare {@code mod_revision}.</li>
 *   <li>Reads come from the {@link WatchCache} while its watch is healthy, recently proven alive and it holds
 *       this agent's own writes; otherwise straight from etcd (linearizable).</li>
 * </ul>
 * Every call finishes within retry_timeout; see {@link EtcdConnection} for failures. Calls whose replay is
 * harmless (reads, keepalives, plain puts, renew, whose writes are guarded by our own name) are retried on
 * connection errors within that time; compare-and-set writes, acquire and release are tried once. Call it from the Vert.x
 * context that created it (calls from elsewhere hop onto that context).
 */
final class EtcdDcs extends KeyValueDcs {
  private final EtcdConnection connection;
  private final DcsKeys keys;
  private final String name;
  private final LeaseKeeper lease;
  private final WatchCache cache;
  private final ClusterReader reader;
  private volatile DcsTiming timing;
  private Handler<DcsChange> listener;
  /** What the last direct read saw, for touchMember's "unchanged?" test while the cache is not usable. */
  private Map<String, StoredValue> lastDirect = Map.of();

  EtcdDcs(Vertx vertx, DcsContext context, EtcdOptions options) {
    this.keys = context.keys();
    this.name = context.memberName();
    this.timing = context.timing();
    this.connection = new EtcdConnection(vertx, vertx.getOrCreateContext(), options, timing.retryTimeout());
    this.lease = new LeaseKeeper(connection, timing.ttl(), timing.loopWait());
    this.reader = new ClusterReader(keys);
    this.cache = new WatchCache(connection, keys, name, this::changed);
    cache.timing(timing.loopWait(), timing.retryTimeout());
  }

  private void changed(DcsChange change) {
    if (listener != null) {
      listener.handle(change);
    }
  }

  // ------------------------------------------------------------------------------------------------ reads

  @Override
  public Future<Cluster> loadCluster() {
    return connection.operation("read cluster", keys.base(), true, () -> {
      cache.start();
      if (cache.fresh()) {
        return Future.succeededFuture(reader.read(cache.snapshot()));
      }
      return readDirect().map(reader::read);
    });
  }

  /** One linearizable range read of the cluster prefix, without arming the watch cache (vigilctl). */
  @Override
  public Future<Cluster> readCluster() {
    return connection.operation("read cluster", keys.base(), true, () -> readDirect().map(reader::read));
  }

  private Future<Map<String, StoredValue>> readDirect() {
    GetOption prefix = GetOption.builder().isPrefix(true).withSerializable(false).build();
    return connection.rpc(c -> c.getKVClient().get(bytes(keys.base()), prefix)).map(r -> {
      Map<String, StoredValue> nodes = new HashMap<>();
      for (KeyValue kv : r.getKvs()) {
        String rel = keys.relative(kv.getKey().toString(StandardCharsets.UTF_8));
        if (rel != null) {
          nodes.put(rel, WatchCache.stored(kv));
        }
      }
      lastDirect = nodes;
      return nodes;
    });
  }

  /** One key from the cache when it is usable, else from etcd. */
  private Future<StoredValue> readKey(String relative) {
    if (cache.fresh()) {
      return Future.succeededFuture(cache.get(relative));
    }
    return connection.rpc(c -> c.getKVClient().get(bytes(keys.key(relative)))).map(r ->
        r.getKvs().isEmpty() ? null : WatchCache.stored(r.getKvs().get(0)));
  }

  // ------------------------------------------------------------------------------------------------ leader key

  @Override
  public Future<Boolean> acquireLeaderKey() {
    String key = keys.key(DcsKeys.LEADER);
    return connection.operation("acquire leader key", key, false, () ->
        // a replica's lease is kept alive only once per loop_wait, and its last keepalive may have failed: a key
        // created on it could expire long before ttl, so the lease is refreshed (or replaced) first
        withLease(lease.refresh(true), id -> txn(Txn.of(
            new Cmp(bytes(key), Cmp.Op.EQUAL, CmpTarget.createRevision(0)),
            Op.put(bytes(key), bytes(name), withLease(id))))));
  }

  @Override
  public Future<Boolean> renewLeaderKey() {
    String key = keys.key(DcsKeys.LEADER);
    return connection.operation("renew leader key", key, true, () ->
        lease.refresh(true).compose(id -> readKey(DcsKeys.LEADER).compose(node -> {
          if (node != null && node.value().equals(name) && Long.toString(id).equals(node.session())) {
            // attached to our lease: the keepalive alone keeps it, and its mod_revision stays put
            return Future.succeededFuture(true);
          }
          return withLease(Future.succeededFuture(id), leaseId -> {
            Op put = Op.put(bytes(key), bytes(name), withLease(leaseId));
            Op createIfAbsent = Op.txn(new Cmp[] {new Cmp(bytes(key), Cmp.Op.EQUAL, CmpTarget.createRevision(0))},
                new Op[] {put}, new Op[] {});
            return commit(new Cmp(bytes(key), Cmp.Op.EQUAL, CmpTarget.value(bytes(name))), put, createIfAbsent)
                .map(r -> r.isSucceeded() || !r.getTxnResponses().isEmpty() && r.getTxnResponses().get(0).isSucceeded());
          });
        })));
  }

  @Override
  public Future<Void> takeLeaderKey() {
    String key = keys.key(DcsKeys.LEADER);
    return connection.operation("take leader key", key, true, () ->
        withLease(lease.refresh(true), id -> put(key, name, id).map(true))).mapEmpty();
  }

  @Override
  public Future<Boolean> releaseLeaderKey() {
    String key = keys.key(DcsKeys.LEADER);
    return connection.operation("release leader key", key, false, () -> txn(Txn.of(
        new Cmp(bytes(key), Cmp.Op.EQUAL, CmpTarget.value(bytes(name))),
        Op.delete(bytes(key), DeleteOption.DEFAULT))));
  }

  @Override
  public Future<Void> touchMember(Map<String, Object> data) {
    String key = keys.member(name);
    String value = PatroniJson.writeObject(data);
    return connection.operation("touch member key", key, true, () -> lease.refresh(false).compose(id -> {
      StoredValue known = cache.fresh() ? cache.get(DcsKeys.MEMBERS + name) : lastDirect.get(DcsKeys.MEMBERS + name);
      if (known != null && known.value().equals(value) && Long.toString(id).equals(known.session())) {
        return Future.succeededFuture(true);
      }
      return withLease(Future.succeededFuture(id), leaseId -> put(key, value, leaseId).map(true));
    })).mapEmpty();
  }

  // ------------------------------------------------------------------------------------------------ other keys

  @Override
  public Future<Boolean> initialize(String systemId, boolean createOnly) {
    String key = keys.key(DcsKeys.INITIALIZE);
    if (!createOnly) {
      return connection.operation("write", key, true, () -> put(key, systemId, 0).map(true));
    }
    return connection.operation("initialize", key, false, () -> txn(Txn.of(
        new Cmp(bytes(key), Cmp.Op.EQUAL, CmpTarget.createRevision(0)), Op.put(bytes(key), bytes(systemId), PutOption.DEFAULT))));
  }

  @Override
  public Future<Void> cancelInitialization() {
    String key = keys.key(DcsKeys.INITIALIZE);
    return connection.operation("cancel initialization", key, true, () -> delete(key, false)).mapEmpty();
  }

  @Override
  public Future<Boolean> deleteSyncState(Long expectedVersion) {
    String key = keys.key(DcsKeys.SYNC);
    if (expectedVersion == null) {
      return connection.operation("delete", key, false, () -> delete(key, false).map(true));
    }
    return connection.operation("delete", key, false, () -> txn(Txn.of(
        new Cmp(bytes(key), Cmp.Op.EQUAL, CmpTarget.modRevision(expectedVersion)),
        Op.delete(bytes(key), DeleteOption.DEFAULT))));
  }

  @Override
  public Future<Void> deleteCluster() {
    return connection.operation("delete cluster", keys.base(), true, () -> delete(keys.base(), true)).mapEmpty();
  }

  // ------------------------------------------------------------------------------------------------ lifecycle

  @Override
  public void watch(Handler<DcsChange> listener) {
    connection.context().runOnContext(v -> {
      this.listener = listener;
      cache.start();
    });
  }

  @Override
  public void setTiming(DcsTiming newTiming) {
    connection.context().runOnContext(v -> {
      this.timing = newTiming;
      connection.retryTimeout(newTiming.retryTimeout());
      lease.timing(newTiming.ttl(), newTiming.loopWait());
      cache.timing(newTiming.loopWait(), newTiming.retryTimeout());
    });
  }

  @Override
  public Future<Void> close() {
    Promise<Void> closed = Promise.promise();
    connection.context().runOnContext(v -> {
      cache.close();
      connection.close().onComplete(closed);
    });
    return closed.future();
  }

  /** The lease this agent's keys are written with now (0: none yet); for tests. */
  long leaseId() {
    return lease.current();
  }

  /** Whether loadCluster would answer from the watch cache now; for tests, on the Dcs's context. */
  boolean cacheFresh() {
    return cache.fresh();
  }

  DcsTiming timing() {
    return timing;
  }

  // ------------------------------------------------------------------------------------------------ plumbing

  private record Txn(Cmp compare, Op then) {
    static Txn of(Cmp compare, Op then) {
      return new Txn(compare, then);
    }
  }

  @Override
  protected Future<Boolean> casPut(String relative, String value, Long expectedVersion) {
    String key = keys.key(relative);
    if (expectedVersion == null) {
      return connection.operation("write", key, false, () -> put(key, value, 0).map(true));
    }
    return connection.operation("write", key, false, () -> txn(Txn.of(
        new Cmp(bytes(key), Cmp.Op.EQUAL, CmpTarget.modRevision(expectedVersion)),
        Op.put(bytes(key), bytes(value), PutOption.DEFAULT))));
  }

  @Override
  protected Future<Void> plainPut(String relative, String value) {
    String key = keys.key(relative);
    return connection.operation("write", key, true, () -> put(key, value, 0)).mapEmpty();
  }

  private static PutOption withLease(long id) {
    return PutOption.builder().withLeaseId(id).build();
  }

  /**
   * Runs a write that carries the lease; if etcd says the lease no longer exists, forgets it, gets a new one
   * and tries once more (Patroni does the same within retry_timeout).
   */
  private Future<Boolean> withLease(Future<Long> leaseId, LongFunction<Future<Boolean>> write) {
    return leaseId.compose(id -> write.apply(id).recover(t -> {
      if (!EtcdConnection.isLeaseNotFound(t)) {
        return Future.failedFuture(t);
      }
      lease.lost(id);
      return lease.ensure().compose(write::apply);
    }));
  }

  private Future<Void> put(String key, String value, long leaseId) {
    PutOption option = leaseId == 0 ? PutOption.DEFAULT : withLease(leaseId);
    return connection.rpc(c -> c.getKVClient().put(bytes(key), bytes(value), option))
        .map(r -> {
          cache.require(r.getHeader().getRevision());
          return null;
        });
  }

  private Future<Boolean> delete(String key, boolean prefix) {
    DeleteOption option = prefix ? DeleteOption.builder().isPrefix(true).build() : DeleteOption.DEFAULT;
    return connection.rpc(c -> c.getKVClient().delete(bytes(key), option)).map(r -> {
      if (r.getDeleted() > 0) {
        cache.require(r.getHeader().getRevision());
      }
      return r.getDeleted() > 0;
    });
  }

  /**
   * A compare-and-set without a failure branch. When the compare fails the cache may be stale, so it is
   * rebuilt, as Patroni restarts its watch in that case.
   */
  private Future<Boolean> txn(Txn txn) {
    return commit(txn.compare(), txn.then(), null).map(r -> {
      if (!r.isSucceeded()) {
        cache.resync();
      }
      return r.isSucceeded();
    });
  }

  /** Commits {@code IF compare THEN then ELSE orElse}; a write in it must be in the cache before it answers. */
  private Future<TxnResponse> commit(Cmp compare, Op then, Op orElse) {
    return connection.rpc(c -> {
      io.etcd.jetcd.Txn t = c.getKVClient().txn().If(compare).Then(then);
      if (orElse != null) {
        t = t.Else(orElse);
      }
      return t.commit();
    }).map(r -> {
      if (r.isSucceeded() || r.getTxnResponses().stream().anyMatch(TxnResponse::isSucceeded)) {
        cache.require(r.getHeader().getRevision());
      }
      return r;
    });
  }
}
