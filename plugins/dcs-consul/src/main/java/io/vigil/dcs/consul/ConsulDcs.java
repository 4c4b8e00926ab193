package io.vigil.dcs.consul;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.ext.consul.ConsulClient;
import io.vertx.ext.consul.KeyValueOptions;
import io.vigil.cluster.Cluster;
import io.vigil.cluster.PatroniJson;
import io.vigil.dcs.ClusterReader;
import io.vigil.dcs.DcsContext;
import io.vigil.dcs.DcsKeys;
import io.vigil.dcs.DcsTiming;
import io.vigil.dcs.KeyValueDcs;
import io.vigil.dcs.StoredValue;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Patroni's Consul backend (docs/dcs-layout.md §1.6, Patroni's dcs/consul.py) over the Vert.x Consul client.
 *
 * <ul>
 *   <li>Keys are {@code <namespace>/<scope>/...} without the leading slash, as Patroni writes them.</li>
 *   <li>One session per agent ({@link ConsulSession}); {@code leader} and {@code members/<name>} are written
 *       with {@code acquire=<session>}, so they go with it when it expires (behavior delete).</li>
 *   <li>Acquire: {@code PUT leader?acquire=} after a forced session renew; renew: a forced session renew, then
 *       the leader key must still hold our name under our session; release: {@code DELETE leader?cas=<ModifyIndex>}
 *       of a key that holds our name.</li>
 *   <li>{@code initialize} uses {@code cas=0}; {@code config}, {@code failover} and {@code sync} use
 *       {@code cas=<ModifyIndex>}.</li>
 *   <li>Reads are one recursive GET with the configured consistency; {@link ConsulWatch} wakes the HA loop.</li>
 * </ul>
 * Every call finishes within retry_timeout and is tried once ({@link ConsulCalls}). Call it from the Vert.x
 * context that created it.
 */
final class ConsulDcs extends KeyValueDcs {
  private static final Logger LOG = LoggerFactory.getLogger(ConsulDcs.class);

  private final ConsulCalls calls;
  private final ConsulClient client;
  private final ConsulKv kv;
  private final ConsulSession session;
  private final ConsulWatch watch;
  private final ConsulService service;
  private final ConsulOptions options;
  private final DcsKeys keys;
  private final String prefix;
  private final String name;
  private final ClusterReader reader;
  private Handler<DcsChange> listener;
  /** The member value last written under the current session, to skip identical writes. */
  private String writtenMember;
  private String writtenMemberSession;

  ConsulDcs(Vertx vertx, DcsContext context, ConsulOptions options) {
    DcsTiming timing = context.timing();
    this.options = options;
    this.keys = context.keys();
    this.prefix = keys.base().substring(1);
    this.name = context.memberName();
    this.calls = new ConsulCalls(vertx, vertx.getOrCreateContext(), options.address(), timing.retryTimeout());
    this.client = ConsulClient.create(vertx, options.clientOptions(calls.retryTimeoutMillis()));
    this.kv = new ConsulKv(vertx, options, calls.retryTimeoutMillis());
    this.session = new ConsulSession(client, keys.scope() + "-" + name, options.checks(), timing.ttl(),
        timing.loopWait());
    this.watch = new ConsulWatch(vertx, kv, prefix, name, this::changed);
    watch.timing(timing.loopWait(), calls.retryTimeoutMillis());
    this.service = options.registerService() ? new ConsulService(client, options, keys.scope(), name) : null;
    this.reader = new ClusterReader(keys);
  }

  private String key(String relative) {
    return prefix + relative;
  }

  private void changed(DcsChange change) {
    if (listener != null) {
      listener.handle(change);
    }
  }

  // ------------------------------------------------------------------------------------------------ reads

  @Override
  public Future<Cluster> loadCluster() {
    return calls.operation("read cluster", prefix, () ->
        kv.readPrefix(prefix, 0, 0, calls.retryTimeoutMillis()).map(snapshot -> {
          Map<String, StoredValue> nodes = new HashMap<>();
          snapshot.nodes().forEach((k, v) -> nodes.put(k.substring(prefix.length()), v));
          return reader.read(nodes);
        }));
  }

  // ------------------------------------------------------------------------------------------------ leader key

  @Override
  public Future<Boolean> acquireLeaderKey() {
    return calls.operation("acquire leader key", key(DcsKeys.LEADER), () ->
        // a replica renews its session only once per loop_wait: a key won on it must have a full ttl ahead
        session.ensure(true).compose(id -> acquire(DcsKeys.LEADER, name, id)));
  }

  @Override
  public Future<Boolean> renewLeaderKey() {
    String leader = key(DcsKeys.LEADER);
    return calls.operation("renew leader key", leader, () -> session.ensure(true).compose(id ->
        kv.readKey(leader, calls.retryTimeoutMillis()).compose(node -> {
          if (node == null || !node.value().equals(name)) {
            return Future.succeededFuture(false);
          }
          if (id.equals(node.session())) {
            return Future.succeededFuture(true);
          }
          if (node.session() != null && node.session().equals(session.previous())) {
            // a ttl change made a new session: hand the leader key, then our member key, over to it and end the
            // old session, which would otherwise delete the member key when it expires
            String old = node.session();
            return moveToCurrentSession(leader, name, old, id).compose(won -> !won || writtenMember == null
                ? Future.succeededFuture(won)
                : moveToCurrentSession(key(DcsKeys.MEMBERS + name), writtenMember, old, id)
                    .compose(moved -> session.endPrevious()).map(won));
          }
          return Future.succeededFuture(false);
        })));
  }

  @Override
  public Future<Void> takeLeaderKey() {
    String leader = key(DcsKeys.LEADER);
    return calls.operation("take leader key", leader, () -> session.ensure(true).compose(id ->
        // unconditional: whoever held the key, it is deleted and acquired under our session
        client.deleteValue(leader).compose(v -> acquire(DcsKeys.LEADER, name, id)).compose(won -> won
            ? Future.<Void>succeededFuture()
            : Future.<Void>failedFuture(new IllegalStateException("another agent acquired the key meanwhile")))));
  }

  @Override
  public Future<Boolean> releaseLeaderKey() {
    String leader = key(DcsKeys.LEADER);
    return calls.operation("release leader key", leader, () ->
        kv.readKey(leader, calls.retryTimeoutMillis()).compose(node -> node == null || !node.value().equals(name)
            ? Future.succeededFuture(false)
            : kv.deleteIfUnchanged(leader, node.version(), calls.retryTimeoutMillis())));
  }

  @Override
  public Future<Void> touchMember(Map<String, Object> data) {
    String member = key(DcsKeys.MEMBERS + name);
    String value = PatroniJson.writeObject(data);
    return calls.operation("touch member key", member, () -> session.ensure(false).compose(id -> {
      Future<Boolean> written = value.equals(writtenMember) && id.equals(writtenMemberSession)
          ? Future.succeededFuture(true)
          : acquire(DcsKeys.MEMBERS + name, value, id).compose(won -> {
            if (won || session.previous() == null) {
              return Future.succeededFuture(won);
            }
            String old = session.previous();
            return moveToCurrentSession(member, value, old, id).compose(moved -> !moved
                ? Future.succeededFuture(false)
                // a replica holds nothing else; a leader's key is moved by renewLeaderKey, which ends the session
                : kv.readKey(key(DcsKeys.LEADER), calls.retryTimeoutMillis()).compose(node ->
                    node != null && old.equals(node.session()) ? Future.succeededFuture(true)
                        : session.endPrevious().map(true)));
          }).map(won -> {
            if (won) {
              writtenMember = value;
              writtenMemberSession = id;
            } else {
              // another session holds it: a second agent with this name, or Consul's lock-delay after a crash
              LOG.warn("{} is held by another Consul session; not written this cycle", member);
            }
            return won;
          });
      return written.compose(won -> service == null ? Future.succeededFuture() : service.update(data));
    })).mapEmpty();
  }

  /**
   * {@code PUT ?acquire=<session>}. When Consul says the session is invalid (it expired between the renew and
   * this write), a new session is made and the write tried once more.
   */
  private Future<Boolean> acquire(String relative, String value, String id) {
    return put(key(relative), value, new KeyValueOptions().setAcquireSession(id)).recover(t -> {
      if (!ConsulCalls.isInvalidSession(t)) {
        return Future.failedFuture(t);
      }
      session.lost(id);
      return session.ensure(true).compose(fresh -> put(key(relative), value, new KeyValueOptions().setAcquireSession(fresh)));
    });
  }

  /** Releases a key from our previous session and acquires it under the current one. */
  private Future<Boolean> moveToCurrentSession(String key, String value, String old, String current) {
    return put(key, value, new KeyValueOptions().setReleaseSession(old))
        .compose(released -> put(key, value, new KeyValueOptions().setAcquireSession(current)));
  }

  private Future<Boolean> put(String key, String value, KeyValueOptions options) {
    return client.putValueWithOptions(key, value, options);
  }

  // ------------------------------------------------------------------------------------------------ other keys

  @Override
  public Future<Boolean> initialize(String systemId, boolean createOnly) {
    String key = key(DcsKeys.INITIALIZE);
    return calls.operation("initialize", key, () -> createOnly
        ? put(key, systemId, new KeyValueOptions().setCasIndex(0))
        : client.putValue(key, systemId));
  }

  @Override
  public Future<Void> cancelInitialization() {
    String key = key(DcsKeys.INITIALIZE);
    return calls.operation("cancel initialization", key, () -> client.deleteValue(key));
  }

  @Override
  public Future<Boolean> deleteSyncState(Long expectedVersion) {
    String key = key(DcsKeys.SYNC);
    return calls.operation("delete", key, () -> expectedVersion == null
        ? client.deleteValue(key).map(true)
        : kv.deleteIfUnchanged(key, expectedVersion, calls.retryTimeoutMillis()));
  }

  @Override
  public Future<Void> deleteCluster() {
    return calls.operation("delete cluster", prefix, () -> client.deleteValues(prefix));
  }

  @Override
  protected Future<Boolean> casPut(String relative, String value, Long expectedVersion) {
    String key = key(relative);
    return calls.operation("write", key, () -> expectedVersion == null
        ? client.putValue(key, value)
        : put(key, value, new KeyValueOptions().setCasIndex(expectedVersion)));
  }

  @Override
  protected Future<Void> plainPut(String relative, String value) {
    String key = key(relative);
    return calls.operation("write", key, () -> client.putValue(key, value)).mapEmpty();
  }

  // ------------------------------------------------------------------------------------------------ lifecycle

  @Override
  public void watch(Handler<DcsChange> listener) {
    calls.context().runOnContext(v -> {
      this.listener = listener;
      watch.start();
    });
  }

  @Override
  public void setTiming(DcsTiming timing) {
    calls.context().runOnContext(v -> {
      calls.retryTimeout(timing.retryTimeout());
      session.timing(timing.ttl(), timing.loopWait());
      watch.timing(timing.loopWait(), calls.retryTimeoutMillis());
    });
  }

  /** Stops the watch and deregisters the service; the session is left to expire, so the leader key stays. */
  @Override
  public Future<Void> close() {
    Promise<Void> closed = Promise.promise();
    calls.context().runOnContext(v -> {
      watch.close();
      Future<Void> deregistered = service == null ? Future.succeededFuture() : service.deregister();
      deregistered.onComplete(ar -> {
        calls.close();
        kv.close();
        client.close();
        closed.complete();
      });
    });
    return closed.future();
  }
}
