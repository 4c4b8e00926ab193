package io.vigil.dcs.zookeeper;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vigil.cluster.Cluster;
import io.vigil.cluster.PatroniJson;
import io.vigil.dcs.ClusterReader;
import io.vigil.dcs.DcsContext;
import io.vigil.dcs.DcsDataException;
import io.vigil.dcs.DcsKeys;
import io.vigil.dcs.DcsTiming;
import io.vigil.dcs.DcsUnavailableException;
import io.vigil.dcs.KeyValueDcs;
import io.vigil.dcs.StoredValue;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher.Event.EventType;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Patroni's ZooKeeper backend (docs/dcs-layout.md §1.7) over Curator.
 *
 * <ul>
 *   <li>The session timeout is the ttl. {@code leader} and {@code members/<name>} are ephemeral znodes of this
 *       agent's session, so the session keepalive is the leader's heartbeat: renewing reads the leader znode and
 *       rewrites it only when it carries our name but belongs to an older session.</li>
 *   <li>Releasing the leader key deletes it (version-checked) and then restarts the session, which drops this
 *       member's key too, as Patroni does.</li>
 *   <li>Every other znode is persistent and created with its parents. {@code config}, {@code failover} and
 *       {@code sync} compare-and-set on {@code stat.version}; {@code delete_sync_state} writes {@code {}}.</li>
 *   <li>A persistent recursive watch on the cluster znode reports leader, config and (for non-leaders) status
 *       changes at once.</li>
 * </ul>
 *
 * <p>Threads: Curator's calls are synchronous, so each runs on the named worker pool {@code vigil-dcs}, never on
 * an event loop. Each call is bounded by retry_timeout, and a connected server that leaves a call unanswered
 * for {@code max(loop_wait - 2, 2)} s loses its connection (Patroni's read timeout; the session carries on over
 * a new connection). Reads and plain writes are retried on connection
 * problems until then; compare-and-set writes and the bootstrap race are tried once, because a lost answer
 * leaves unknown whether they happened (the caller re-reads). Every failure is a {@link DcsUnavailableException}
 * whose message names the operation, the znode and the ZooKeeper hosts.
 */
public final class ZooKeeperDcs extends KeyValueDcs {
  private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperDcs.class);
  private static final Set<KeeperException.Code> CONNECTION_PROBLEMS = Set.of(
      KeeperException.Code.CONNECTIONLOSS, KeeperException.Code.OPERATIONTIMEOUT,
      KeeperException.Code.SESSIONEXPIRED, KeeperException.Code.SESSIONMOVED);
  private static final byte[] EMPTY_OBJECT = "{}".getBytes(StandardCharsets.UTF_8);

  private final Vertx vertx;
  private final Context context;
  private final WorkerExecutor worker;
  private final DcsKeys keys;
  private final String name;
  private final byte[] nameBytes;
  private final ZooKeeperOptions options;
  private final String basePath;
  private final String leaderPath;
  private final String memberPath;
  private final ClusterReader reader;
  /**
   * Read-timeout watchdogs of running calls. Not a Vert.x timer: a timer set from a worker would run on the same
   * worker pool, which is exactly what is stuck when a server went silent.
   */
  private final ScheduledExecutorService watchdogs;

  private volatile DcsTiming timing;
  private volatile ZooKeeperSession session;
  private volatile Handler<DcsChange> listener;
  /** The leader's name as last read or written by this agent (Patroni's cached cluster.leader). */
  private volatile String knownLeader;
  private volatile boolean closed;
  /** What this agent last wrote into its member znode; guarded by {@code this}. */
  private Map<String, Object> lastMemberData;

  ZooKeeperDcs(Vertx vertx, DcsContext dcsContext, ZooKeeperOptions options) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.worker = vertx.createSharedWorkerExecutor("vigil-dcs", 4, 2L * 60, TimeUnit.SECONDS);
    this.keys = dcsContext.keys();
    this.name = dcsContext.memberName();
    this.nameBytes = name.getBytes(StandardCharsets.UTF_8);
    this.options = options;
    String base = keys.base();
    this.basePath = base.substring(0, base.length() - 1);
    this.leaderPath = keys.key(DcsKeys.LEADER);
    this.memberPath = keys.member(name);
    this.reader = new ClusterReader(keys);
    this.watchdogs = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "vigil-zk-watchdog");
      t.setDaemon(true);
      return t;
    });
    this.timing = dcsContext.timing();
    this.session = newSession(timing);
  }

  // ------------------------------------------------------------------------------------------ the leader key

  @Override
  public Future<Cluster> loadCluster() {
    return call("read the cluster", keys.base(), true, s -> reader.read(readNodes(s.client)))
        .onSuccess(cluster -> knownLeader = cluster.leaderName());
  }

  @Override
  public Future<Boolean> acquireLeaderKey() {
    // A retried create that finds the znode may be our own first attempt whose answer was lost: the
    // ephemeral owner tells.
    return call("acquire the leader key", leaderPath, true, s -> {
      try {
        createEphemeral(s.client, leaderPath, nameBytes);
        return true;
      } catch (KeeperException.NodeExistsException e) {
        return ownedBy(s, s.client.checkExists().forPath(leaderPath));
      }
    }).onSuccess(this::rememberLeadership);
  }

  @Override
  public Future<Boolean> renewLeaderKey() {
    return call("renew the leader key", leaderPath, true, this::renew).onSuccess(this::rememberLeadership);
  }

  private void rememberLeadership(boolean ours) {
    if (ours) {
      knownLeader = name;
    } else if (name.equals(knownLeader)) {
      knownLeader = null;
    }
  }

  private boolean renew(ZooKeeperSession s) throws Exception {
    Stat stat = new Stat();
    byte[] value;
    try {
      value = s.client.getData().storingStatIn(stat).forPath(leaderPath);
    } catch (KeeperException.NoNodeException e) {
      // our session expired (the server dropped the znode) or someone deleted it: not ours any more
      return false;
    } catch (KeeperException.SessionExpiredException e) {
      // the server declares a session expired only after deleting its ephemeral znodes: the key is gone for
      // sure, no need to wait for the new session to see it
      LOG.warn("the ZooKeeper session holding the leader key has expired");
      return false;
    }
    if (!name.equals(text(value))) {
      return false;
    }
    if (ownedBy(s, stat)) {
      return true;
    }
    LOG.warn("Recreating the leader ZNode due to ownership mismatch");
    try {
      s.client.delete().withVersion(stat.getVersion()).forPath(leaderPath);
    } catch (KeeperException.NoNodeException | KeeperException.BadVersionException e) {
      // changed meanwhile: the create below decides
    }
    try {
      createEphemeral(s.client, leaderPath, nameBytes);
      return true;
    } catch (KeeperException.NodeExistsException e) {
      return ownedBy(s, s.client.checkExists().forPath(leaderPath));
    }
  }

  @Override
  public Future<Void> takeLeaderKey() {
    return this.<Void>call("take the leader key", leaderPath, true, s -> {
      try {
        createEphemeral(s.client, leaderPath, nameBytes);
        return null;
      } catch (KeeperException.NodeExistsException e) {
        Stat stat = s.client.checkExists().forPath(leaderPath);
        if (stat != null && ownedBy(s, stat)) {
          s.client.setData().forPath(leaderPath, nameBytes);
          return null;
        }
      }
      try {
        s.client.delete().forPath(leaderPath);
      } catch (KeeperException.NoNodeException gone) {
        // fine: create below
      }
      createEphemeral(s.client, leaderPath, nameBytes);
      return null;
    }).onSuccess(v -> knownLeader = name);
  }

  @Override
  public Future<Boolean> releaseLeaderKey() {
    return call("release the leader key", leaderPath, true, s -> {
      Stat stat = new Stat();
      byte[] value;
      try {
        value = s.client.getData().storingStatIn(stat).forPath(leaderPath);
      } catch (KeeperException.NoNodeException e) {
        return false;
      }
      if (!name.equals(text(value))) {
        return false;
      }
      try {
        s.client.delete().withVersion(stat.getVersion()).forPath(leaderPath);
      } catch (KeeperException.NoNodeException | KeeperException.BadVersionException e) {
        return false;
      }
      return true;
    }).onSuccess(this::forgetLeadership).compose(released -> released
        ? restartSession("released the leader key", false).map(true)
        : Future.succeededFuture(false));
  }

  private void forgetLeadership(boolean released) {
    if (released) {
      knownLeader = null;
    }
  }

  // ------------------------------------------------------------------------------------------ member key

  @Override
  public Future<Void> touchMember(Map<String, Object> data) {
    Map<String, Object> copy = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(data, "data")));
    byte[] json = bytes(PatroniJson.writeObject(data));
    return call("touch the member key", memberPath, true, s -> {
      touch(s, data, copy, json);
      return null;
    });
  }

  /**
   * Patroni's touch_member: the znode is deleted and created again (so that watchers, the leader among them,
   * see the member list change) when it belongs to another session or an important field changed; an
   * unchanged value is not written at all.
   */
  private void touch(ZooKeeperSession s, Map<String, Object> data, Map<String, Object> copy, byte[] json)
      throws Exception {
    Map<String, Object> last;
    synchronized (this) {
      last = lastMemberData;
    }
    Stat stat = s.client.checkExists().forPath(memberPath);
    if (stat != null && (!ownedBy(s, stat) || (last != null && importantChange(last, data)))) {
      try {
        s.client.delete().forPath(memberPath);
      } catch (KeeperException.NoNodeException e) {
        // already gone
      }
      stat = null;
    }
    if (stat == null) {
      try {
        createEphemeral(s.client, memberPath, json);
        remember(copy);
        return;
      } catch (KeeperException.NodeExistsException e) {
        // a retried create whose first answer was lost: overwrite below
      }
    } else if (copy.equals(last)) {
      return;
    }
    s.client.setData().forPath(memberPath, json);
    remember(copy);
  }

  private synchronized void remember(Map<String, Object> data) {
    lastMemberData = data;
  }

  /** The fields whose change Patroni announces by re-creating the member znode. */
  static boolean importantChange(Map<String, Object> before, Map<String, Object> after) {
    Object tagsBefore = before.getOrDefault("tags", Map.of());
    Object tagsAfter = after.getOrDefault("tags", Map.of());
    Object stateBefore = before.get("state");
    Object stateAfter = after.get("state");
    boolean stateMatters = !Objects.equals(stateBefore, stateAfter)
        && ("running".equals(stateBefore) || "running".equals(stateAfter));
    return !Objects.equals(tagsBefore, tagsAfter)
        || stateMatters
        || !Objects.equals(before.get("version"), after.get("version"))
        || !Objects.equals(before.get("checkpoint_after_promote"), after.get("checkpoint_after_promote"));
  }

  // ------------------------------------------------------------------------------------------ other keys

  @Override
  public Future<Boolean> initialize(String systemId, boolean createOnly) {
    String path = keys.key(DcsKeys.INITIALIZE);
    byte[] value = bytes(systemId == null ? "" : systemId);
    if (!createOnly) {
      return call("write the initialize key", path, true, s -> {
        setOrCreate(s.client, path, value);
        return true;
      });
    }
    // the bootstrap race: tried once, since a retry could not tell our own lost create from the winner's
    return call("create the initialize key", path, false, s -> {
      try {
        s.client.create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT).forPath(path, value);
        return true;
      } catch (KeeperException.NodeExistsException e) {
        return false;
      }
    });
  }

  @Override
  public Future<Void> cancelInitialization() {
    String path = keys.key(DcsKeys.INITIALIZE);
    return call("delete the initialize key", path, true, s -> {
      Stat stat = s.client.checkExists().forPath(path);
      if (stat != null) {
        try {
          s.client.delete().withVersion(stat.getVersion()).forPath(path);
        } catch (KeeperException.NoNodeException e) {
          // already gone
        }
      }
      return null;
    });
  }

  @Override
  public Future<Boolean> deleteSyncState(Long expectedVersion) {
    // ZooKeeper's Patroni never deletes /sync: it writes {}
    return compareAndSet("clear", DcsKeys.SYNC, EMPTY_OBJECT, expectedVersion);
  }

  /**
   * With a version: setData(version), {@code false} on BadVersion or when the znode is gone; tried once.
   * Without: set or create, retried. (Patroni turns version 0 into "unconditional"; a real compare is kept here,
   * since 0 is the version of every freshly created znode.)
   */
  private Future<Boolean> compareAndSet(String verb, String relative, byte[] value, Long expectedVersion) {
    String path = keys.key(relative);
    String what = verb + " the " + relative + " key";
    if (expectedVersion == null) {
      return call(what, path, true, s -> {
        setOrCreate(s.client, path, value);
        return true;
      });
    }
    if (expectedVersion < 0 || expectedVersion > Integer.MAX_VALUE) {
      return Future.succeededFuture(false);
    }
    int version = expectedVersion.intValue();
    return call(what, path, false, s -> {
      try {
        s.client.setData().withVersion(version).forPath(path, value);
        return true;
      } catch (KeeperException.BadVersionException | KeeperException.NoNodeException e) {
        return false;
      }
    });
  }

  @Override
  protected Future<Boolean> casPut(String relative, String value, Long expectedVersion) {
    return compareAndSet("write", relative, bytes(value), expectedVersion);
  }

  @Override
  protected Future<Void> plainPut(String relative, String value) {
    String path = keys.key(relative);
    byte[] data = bytes(value);
    return call("write the " + relative + " key", path, true, s -> {
      setOrCreate(s.client, path, data);
      return null;
    });
  }

  @Override
  public Future<Void> deleteCluster() {
    return call("delete the cluster", keys.base(), true, s -> {
      try {
        s.client.delete().deletingChildrenIfNeeded().forPath(basePath);
      } catch (KeeperException.NoNodeException e) {
        // nothing to delete
      }
      return null;
    });
  }

  // ------------------------------------------------------------------------------------------ watch, timing

  @Override
  public void watch(Handler<DcsChange> listener) {
    this.listener = listener;
  }

  /**
   * ZooKeeper cannot change a live session's timeout, so a new ttl restarts the session (as Patroni's
   * {@code set_ttl}). Unlike Patroni, a leader key this agent holds is carried over at once: the new session
   * creates it right after the old one closed, instead of on the next renew. A new loop_wait (connection
   * timeout) is used from the next session on; a new retry_timeout from the next call on.
   */
  @Override
  public void setTiming(DcsTiming newTiming) {
    DcsTiming old = timing;
    timing = newTiming;
    if (old.ttl() != newTiming.ttl() && !closed) {
      restartSession("ttl changed from " + old.ttl() + " to " + newTiming.ttl() + " s", true)
          .onFailure(e -> LOG.warn("could not restart the ZooKeeper session for the new ttl: {}", e.getMessage()));
    }
  }

  /**
   * Closes the session. Unlike a lease, a ZooKeeper session cannot outlive its client politely: closing it makes
   * the server delete this agent's ephemeral znodes (member key, and the leader key if still held) at once, as
   * Patroni's Kazoo client does on exit. Only a crash leaves them to expire after the ttl.
   */
  @Override
  public Future<Void> close() {
    if (closed) {
      return Future.succeededFuture();
    }
    closed = true;
    listener = null;
    ZooKeeperSession last = session;
    return worker.executeBlocking(() -> {
      last.close();
      return null;
    }, false).eventually(() -> {
      watchdogs.shutdownNow();
      return worker.close();
    }).mapEmpty();
  }

  // ------------------------------------------------------------------------------------------ mechanics

  /** The current session's id, 0 while it is not connected (for tests and diagnostics). */
  long sessionId() {
    return session.sessionId();
  }

  /** True once the current session's watch reports changes (tests wait for it instead of sleeping). */
  boolean watching() {
    return session.watching();
  }

  /** The Curator client of the current session (tests expire its session for real). */
  CuratorFramework curator() {
    return session.client;
  }

  /**
   * Closes the current session (the server drops its ephemeral znodes) and opens a new one. With
   * {@code keepLeader}, a leader key this session held is created again in the new session.
   */
  Future<Void> restartSession(String reason, boolean keepLeader) {
    return worker.executeBlocking(() -> {
      ZooKeeperSession old = session;
      boolean wasLeader = keepLeader && holdsLeaderKey(old);
      LOG.info("restarting the ZooKeeper session 0x{} ({})", Long.toHexString(old.sessionId()), reason);
      old.close();
      ZooKeeperSession fresh = newSession(timing);
      session = fresh;
      synchronized (this) {
        lastMemberData = null;
      }
      if (closed) {
        fresh.close();
        return null;
      }
      if (wasLeader) {
        try {
          fresh.client.blockUntilConnected(timing.retryTimeout(), TimeUnit.SECONDS);
          createEphemeral(fresh.client, leaderPath, nameBytes);
        } catch (KeeperException.NodeExistsException e) {
          LOG.warn("the leader key was taken by another member while the ZooKeeper session restarted");
        }
      }
      return null;
    }, false);
  }

  private boolean holdsLeaderKey(ZooKeeperSession s) {
    try {
      Stat stat = new Stat();
      byte[] value = s.client.getData().storingStatIn(stat).forPath(leaderPath);
      return name.equals(text(value)) && ownedBy(s, stat);
    } catch (Exception e) {
      return false; // gone or unreachable: nothing to carry over
    }
  }

  private ZooKeeperSession newSession(DcsTiming t) {
    return new ZooKeeperSession(options, t.ttl() * 1000, connectionTimeoutMs(t), basePath,
        this::onEvent, this::onWatching, this::onState);
  }

  /**
   * How long one call waits for a connection, and for an answer on a live connection before that connection is
   * dropped: Patroni's ZooKeeper read timeout, {@code max(loop_wait - 2, 2)} seconds, but at most half of
   * retry_timeout, so that a call still has time to retry on another connection.
   */
  static int connectionTimeoutMs(DcsTiming t) {
    int fromLoop = Math.max(t.loopWait() - 2, 2) * 1000;
    return Math.max(500, Math.min(fromLoop, t.retryTimeout() * 1000 / 2));
  }

  @FunctionalInterface
  private interface ZkCall<T> {
    T run(ZooKeeperSession session) throws Exception;
  }

  /**
   * Runs {@code body} on the worker pool, bounded by retry_timeout. With {@code retry}, connection problems are
   * retried (100 ms doubling to 1 s) until the deadline.
   */
  private <T> Future<T> call(String what, String path, boolean retry, ZkCall<T> body) {
    if (closed) {
      return Future.failedFuture(unavailable(what, path, "the ZooKeeper client is closed", null));
    }
    int retryTimeout = timing.retryTimeout();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(retryTimeout);
    Promise<T> promise = Promise.promise();
    long timer = vertx.setTimer(TimeUnit.SECONDS.toMillis(retryTimeout), id -> promise.tryFail(
        unavailable(what, path, "no answer within retry_timeout (" + retryTimeout + " s)", null)));
    worker.executeBlocking(() -> attempt(body, retry, deadline), false).onComplete(ar -> {
      vertx.cancelTimer(timer);
      if (ar.succeeded()) {
        promise.tryComplete(ar.result());
      } else {
        promise.tryFail(failure(what, path, ar.cause()));
      }
    });
    return promise.future();
  }

  private <T> T attempt(ZkCall<T> body, boolean retry, long deadline) throws Exception {
    if (System.nanoTime() >= deadline) {
      // queued behind other calls until the caller was already told "unavailable": running it now would be a
      // write nobody expects any more (a late deleteCluster, a stale leader key)
      throw new KeeperException.OperationTimeoutException();
    }
    long backoffMs = 100;
    long readTimeoutMs = connectionTimeoutMs(timing);
    while (true) {
      ZooKeeperSession s = session;
      ScheduledFuture<?> watchdog =
          watchdogs.schedule(() -> dropSilentConnection(s, readTimeoutMs), readTimeoutMs, TimeUnit.MILLISECONDS);
      try {
        return body.run(s);
      } catch (Exception e) {
        // a call that met a session being replaced never reached the server: always safe to run again
        boolean replaced = s != session && e instanceof IllegalStateException;
        boolean transientProblem = replaced || (retry && connectionProblem(e));
        long leftMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (!transientProblem || closed || leftMs <= backoffMs) {
          throw e;
        }
        Thread.sleep(backoffMs);
        backoffMs = Math.min(backoffMs * 2, 1000);
      } finally {
        watchdog.cancel(false);
      }
    }
  }

  /**
   * Patroni's short ZooKeeper read timeout, {@code max(loop_wait - 2, 2)} s: a connected server that does not
   * answer a call within it is treated as dead and the connection (not the session) is dropped, so the client
   * reconnects at once, to another server if there are several, while the session lives on. The ZooKeeper
   * client would by itself wait two thirds of the session timeout (the ttl), longer than retry_timeout.
   */
  private void dropSilentConnection(ZooKeeperSession s, long readTimeoutMs) {
    if (s.isConnected() && !closed) {
      LOG.warn("no answer from ZooKeeper at {} within {} ms: reconnecting", options.connectString(), readTimeoutMs);
      s.reconnect();
    }
  }

  private static boolean connectionProblem(Throwable e) {
    return e instanceof KeeperException k && CONNECTION_PROBLEMS.contains(k.code());
  }

  private RuntimeException failure(String what, String path, Throwable cause) {
    if (cause instanceof DcsUnavailableException || cause instanceof DcsDataException) {
      return (RuntimeException) cause;
    }
    String reason;
    if (cause instanceof KeeperException k) {
      reason = switch (k.code()) {
        case CONNECTIONLOSS -> "connection lost";
        case SESSIONEXPIRED -> "session expired";
        case OPERATIONTIMEOUT -> "operation timed out";
        case NOAUTH -> "not authorized (check zookeeper.auth_data and the znode ACLs)";
        case AUTHFAILED -> "authentication failed";
        default -> k.code().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
      };
    } else if (cause instanceof IllegalStateException || cause instanceof RejectedExecutionException) {
      reason = "the ZooKeeper client is closed";
    } else {
      reason = String.valueOf(cause);
    }
    return unavailable(what, path, reason, cause);
  }

  private DcsUnavailableException unavailable(String what, String path, String reason, Throwable cause) {
    return new DcsUnavailableException(
        "could not " + what + " " + path + " in ZooKeeper at " + options.connectString() + ": " + reason, cause);
  }

  private static boolean ownedBy(ZooKeeperSession s, Stat stat) {
    long id = s.sessionId();
    return stat != null && id != 0 && stat.getEphemeralOwner() == id;
  }

  private static void createEphemeral(CuratorFramework client, String path, byte[] value) throws Exception {
    client.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL).forPath(path, value);
  }

  private static void setOrCreate(CuratorFramework client, String path, byte[] value) throws Exception {
    try {
      client.setData().forPath(path, value);
    } catch (KeeperException.NoNodeException e) {
      try {
        client.create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT).forPath(path, value);
      } catch (KeeperException.NodeExistsException race) {
        client.setData().forPath(path, value);
      }
    }
  }

  /**
   * Every Patroni znode of the cluster, relative name → value. Versions are {@code stat.version} (what
   * setData compares), except history, whose version is {@code mzxid} as in Patroni; the session of the
   * ephemeral znodes is their owner's session id.
   */
  private Map<String, StoredValue> readNodes(CuratorFramework client) throws Exception {
    Map<String, StoredValue> nodes = new HashMap<>();
    List<String> children;
    try {
      children = client.getChildren().forPath(basePath);
    } catch (KeeperException.NoNodeException e) {
      return nodes;
    }
    for (String child : children) {
      switch (child) {
        case "members" -> {
          for (String member : childrenOf(client, basePath + "/members")) {
            read(client, "members/" + member, nodes);
          }
        }
        case "optime" -> {
          if (childrenOf(client, basePath + "/optime").contains("leader")) {
            read(client, DcsKeys.OPTIME_LEADER, nodes);
          }
        }
        default -> read(client, child, nodes);
      }
    }
    return nodes;
  }

  private static List<String> childrenOf(CuratorFramework client, String path) throws Exception {
    try {
      return client.getChildren().forPath(path);
    } catch (KeeperException.NoNodeException e) {
      return List.of();
    }
  }

  private void read(CuratorFramework client, String relative, Map<String, StoredValue> nodes) throws Exception {
    Stat stat = new Stat();
    byte[] value;
    try {
      value = client.getData().storingStatIn(stat).forPath(basePath + "/" + relative);
    } catch (KeeperException.NoNodeException e) {
      return; // deleted between the listing and the read
    }
    long version = DcsKeys.HISTORY.equals(relative) ? stat.getMzxid() : stat.getVersion();
    String owner = stat.getEphemeralOwner() == 0 ? null : Long.toString(stat.getEphemeralOwner());
    nodes.put(relative, new StoredValue(text(value), version, owner));
  }

  // ------------------------------------------------------------------------------------------ watch events

  private void onEvent(WatchedEvent event) {
    String path = event.getPath();
    if (path == null || !path.startsWith(basePath + "/")) {
      return;
    }
    String relative = path.substring(basePath.length() + 1);
    if (DcsKeys.LEADER.equals(relative) && event.getType() == EventType.NodeDeleted) {
      knownLeader = null;
    }
    DcsChange change = switch (relative) {
      case DcsKeys.LEADER -> DcsChange.LEADER_CHANGED;
      case DcsKeys.CONFIG -> DcsChange.CONFIG_CHANGED;
      // the leader writes status itself; only the others want to hear about it (Patroni's status watch)
      case DcsKeys.STATUS, DcsKeys.OPTIME_LEADER -> name.equals(knownLeader) ? null : DcsChange.STATUS_CHANGED;
      case DcsKeys.FAILOVER, DcsKeys.SYNC, DcsKeys.HISTORY, DcsKeys.INITIALIZE, DcsKeys.FAILSAFE -> DcsChange.OTHER;
      // a member came or went (Patroni watches the member list, not member values)
      default -> DcsKeys.memberName(relative) != null && event.getType() != EventType.NodeDataChanged
          ? DcsChange.OTHER
          : null;
    };
    if (change != null) {
      notifyListener(change);
    }
  }

  private void onWatching() {
    // the watch was (re-)registered after a reconnect or a new session: changes made meanwhile were not seen
    notifyListener(DcsChange.OTHER);
  }

  private void onState(ConnectionState state) {
    switch (state) {
      case SUSPENDED -> {
        LOG.warn("lost the connection to ZooKeeper at {}", options.connectString());
        notifyListener(DcsChange.OTHER);
      }
      case LOST -> {
        // the session is gone, and with it every ephemeral znode this agent held, the leader key included
        LOG.warn("ZooKeeper session lost (expired) at {}", options.connectString());
        notifyListener(DcsChange.LEADER_CHANGED);
      }
      case RECONNECTED -> {
        LOG.info("reconnected to ZooKeeper at {}", options.connectString());
        checkNegotiatedTimeout();
      }
      case CONNECTED -> checkNegotiatedTimeout();
      default -> { }
    }
  }

  /**
   * The server clamps the session timeout to its [minSessionTimeout, maxSessionTimeout] (by default 2 and 20
   * ticks): the leader key would then live shorter or longer than ttl, which breaks the timing invariant.
   */
  private void checkNegotiatedTimeout() {
    ZooKeeperSession s = session;
    if (s == null) {
      return;
    }
    int negotiated = s.client.getZookeeperClient().getLastNegotiatedSessionTimeoutMs();
    if (negotiated > 0 && negotiated != s.sessionTimeoutMs()) {
      LOG.warn("ZooKeeper at {} gave a session timeout of {} ms instead of ttl {} ms: adjust the server's "
          + "minSessionTimeout/maxSessionTimeout or the ttl", options.connectString(), negotiated,
          s.sessionTimeoutMs());
    }
  }

  private void notifyListener(DcsChange change) {
    Handler<DcsChange> h = listener;
    if (h != null && !closed) {
      context.runOnContext(v -> h.handle(change));
    }
  }

  private static String text(byte[] value) {
    return value == null ? "" : new String(value, StandardCharsets.UTF_8);
  }

  private static byte[] bytes(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }
}
