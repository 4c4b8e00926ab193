package io.vigil.runtime;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vigil.cluster.Cluster;
import io.vigil.cluster.ClusterConfig;
import io.vigil.cluster.Failover;
import io.vigil.cluster.Failsafe;
import io.vigil.cluster.Leader;
import io.vigil.cluster.Member;
import io.vigil.cluster.Status;
import io.vigil.cluster.SyncState;
import io.vigil.cluster.TimelineHistory;
import io.vigil.dcs.Dcs;
import io.vigil.dcs.DcsTiming;
import io.vigil.dcs.DcsUnavailableException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * One cluster's keys in memory, for one agent, with faults injected per call: each {@link Op} answers
 * {@link Mode#NORMAL}ly, {@link Mode#REFUSE}s (a {@code false} result: someone else holds the key),
 * {@link Mode#FAIL}s with {@link DcsUnavailableException}, {@link Mode#FAIL_AFTER_RETRY_TIMEOUT} (what a real
 * backend does when the store does not answer: it gives up after retry_timeout), or {@link Mode#HANG}s (never
 * completes: a backend that breaks the {@link Dcs} contract). Every call is recorded with its monotonic start
 * time and outcome so that tests can assert on the order of writes.
 *
 * <p>Called on the agent's event loop, read by the test thread: state is guarded by {@code this}.
 */
final class FaultyDcs implements Dcs {

  enum Op {
    LOAD_CLUSTER, ACQUIRE, RENEW, TAKE, RELEASE, TOUCH_MEMBER, INITIALIZE, CANCEL_INITIALIZATION, WRITE_CONFIG,
    WRITE_FAILOVER, WRITE_SYNC, DELETE_SYNC, WRITE_HISTORY, WRITE_STATUS, WRITE_FAILSAFE, DELETE_CLUSTER
  }

  enum Mode { NORMAL, REFUSE, FAIL, FAIL_AFTER_RETRY_TIMEOUT, HANG }

  /** One call: what, when it was made (monotonic ms), how it was answered, and the member data for touches. */
  record Call(Op op, long atMillis, Mode mode, Map<String, Object> data) {}

  private final Vertx vertx;
  private final String me;
  private final Map<Op, Mode> modes = new EnumMap<>(Op.class);
  private final Map<Op, Long> delays = new EnumMap<>(Op.class);
  private Mode all;
  private final List<Call> calls = new ArrayList<>();

  private String initialize;
  private ClusterConfig config;
  private String leader;
  private long leaderVersion;
  private final Map<String, Member> members = new LinkedHashMap<>();
  private Status status = Status.empty();
  private Failover failover;
  private SyncState sync;
  private TimelineHistory history;
  private Failsafe failsafe;
  private long version;
  private DcsTiming timing = new DcsTiming(30, 10, 10);

  FaultyDcs(Vertx vertx, String me) {
    this.vertx = vertx;
    this.me = me;
  }

  // --- fault control and inspection (test thread) ---

  synchronized void mode(Op op, Mode mode) {
    modes.put(op, mode);
  }

  /** NORMAL answers to {@code op} come {@code millis} late, read or written when they complete (a slow store). */
  synchronized void delay(Op op, long millis) {
    delays.put(op, millis);
  }

  /** Overrides every per-op mode; null goes back to them. */
  synchronized void all(Mode mode) {
    all = mode;
  }

  synchronized List<Call> calls() {
    return List.copyOf(calls);
  }

  synchronized List<Call> calls(Predicate<Call> filter) {
    return calls.stream().filter(filter).toList();
  }

  synchronized String leader() {
    return leader;
  }

  synchronized Member member(String name) {
    return members.get(name);
  }

  synchronized DcsTiming timing() {
    return timing;
  }

  /** Another node took the key (the fake has no leases: the test says when ours is gone). */
  synchronized void leaderTakenBy(String other) {
    leader = other;
    leaderVersion = ++version;
  }

  // --- the Dcs ---

  /** Records the call and answers it as its mode says; {@code normal} (the store's effect) runs only for NORMAL. */
  private synchronized <T> Future<T> call(Op op, Map<String, Object> data, T refused, NormalAnswer<T> normal) {
    Mode mode = all != null ? all : modes.getOrDefault(op, Mode.NORMAL);
    calls.add(new Call(op, System.nanoTime() / 1_000_000, mode, data));
    switch (mode) {
      case NORMAL: {
        long delay = delays.getOrDefault(op, 0L);
        if (delay <= 0) {
          return Future.succeededFuture(normal.answer());
        }
        Promise<T> p = Promise.promise();
        vertx.setTimer(delay, id -> {
          synchronized (this) {
            p.complete(normal.answer());
          }
        });
        return p.future();
      }
      case REFUSE:
        return Future.succeededFuture(refused);
      case FAIL:
        return Future.failedFuture(new DcsUnavailableException(op + ": connection refused (injected)"));
      case FAIL_AFTER_RETRY_TIMEOUT: {
        Promise<T> p = Promise.promise();
        vertx.setTimer(timing.retryTimeout() * 1000L,
            id -> p.fail(new DcsUnavailableException(op + ": no answer within retry_timeout (injected)")));
        return p.future();
      }
      case HANG:
      default:
        return Promise.<T>promise().future();
    }
  }

  private interface NormalAnswer<T> {
    T answer();
  }

  @Override
  public Future<Cluster> loadCluster() {
    return call(Op.LOAD_CLUSTER, null, null, this::snapshot);
  }

  private synchronized Cluster snapshot() {
    Leader l = leader == null ? null
        : new Leader(leaderVersion, "lease", members.getOrDefault(leader, new Member(leader, 0, null, Map.of())));
    return new Cluster(initialize, config, l, status, List.copyOf(members.values()), failover, sync, history,
        failsafe);
  }

  @Override
  public Future<Boolean> acquireLeaderKey() {
    return call(Op.ACQUIRE, null, false, () -> {
      if (leader != null) {
        return false;
      }
      leaderTakenBy(me);
      return true;
    });
  }

  @Override
  public Future<Boolean> renewLeaderKey() {
    return call(Op.RENEW, null, false, () -> me.equals(leader));
  }

  @Override
  public Future<Void> takeLeaderKey() {
    return call(Op.TAKE, null, null, () -> {
      leaderTakenBy(me);
      return null;
    });
  }

  @Override
  public Future<Boolean> releaseLeaderKey() {
    return call(Op.RELEASE, null, false, () -> {
      if (!me.equals(leader)) {
        return false;
      }
      leader = null;
      return true;
    });
  }

  @Override
  public Future<Void> touchMember(Map<String, Object> data) {
    return call(Op.TOUCH_MEMBER, data, null, () -> {
      members.put(me, new Member(me, ++version, "lease", data));
      return null;
    });
  }

  @Override
  public Future<Boolean> initialize(String systemId, boolean createOnly) {
    return call(Op.INITIALIZE, null, false, () -> {
      if (createOnly && initialize != null) {
        return false;
      }
      initialize = systemId;
      return true;
    });
  }

  @Override
  public Future<Void> cancelInitialization() {
    return call(Op.CANCEL_INITIALIZATION, null, null, () -> {
      initialize = null;
      return null;
    });
  }

  @Override
  public Future<Boolean> writeConfig(Map<String, Object> data, Long expectedVersion) {
    return call(Op.WRITE_CONFIG, null, false, () -> {
      if (expectedVersion != null && config != null && config.version() != expectedVersion) {
        return false;
      }
      config = new ClusterConfig(++version, data);
      return true;
    });
  }

  @Override
  public Future<Boolean> writeFailover(Failover value, Long expectedVersion) {
    return call(Op.WRITE_FAILOVER, null, false, () -> {
      failover = value == null ? null
          : new Failover(++version, value.leader(), value.candidate(), value.scheduledAt());
      return true;
    });
  }

  @Override
  public Future<Boolean> writeSyncState(SyncState value, Long expectedVersion) {
    return call(Op.WRITE_SYNC, null, false, () -> {
      if (expectedVersion != null && sync != null && sync.version() != expectedVersion) {
        return false;
      }
      sync = new SyncState(++version, value.leader(), value.syncStandbys(), value.quorum());
      return true;
    });
  }

  @Override
  public Future<Boolean> deleteSyncState(Long expectedVersion) {
    return call(Op.DELETE_SYNC, null, false, () -> {
      sync = null;
      return true;
    });
  }

  @Override
  public Future<Void> writeHistory(TimelineHistory value) {
    return call(Op.WRITE_HISTORY, null, null, () -> {
      history = new TimelineHistory(++version, value.lines());
      return null;
    });
  }

  @Override
  public Future<Void> writeStatus(Status value) {
    return call(Op.WRITE_STATUS, null, null, () -> {
      status = value;
      return null;
    });
  }

  @Override
  public Future<Void> writeFailsafe(Failsafe value) {
    return call(Op.WRITE_FAILSAFE, null, null, () -> {
      failsafe = value;
      return null;
    });
  }

  @Override
  public Future<Void> deleteCluster() {
    return call(Op.DELETE_CLUSTER, null, null, () -> {
      initialize = null;
      config = null;
      leader = null;
      members.clear();
      return null;
    });
  }

  @Override
  public void watch(Handler<DcsChange> listener) {
    // no watch: the tests drive the loop by its own timer
  }

  @Override
  public synchronized void setTiming(DcsTiming timing) {
    this.timing = timing;
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }
}
