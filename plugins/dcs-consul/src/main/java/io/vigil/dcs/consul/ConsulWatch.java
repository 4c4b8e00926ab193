package io.vigil.dcs.consul;

import io.vertx.core.Vertx;
import io.vigil.dcs.Dcs.DcsChange;
import io.vigil.dcs.DcsKeys;
import io.vigil.dcs.StoredValue;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A blocking query on the cluster prefix ({@code ?index=<X-Consul-Index>&wait=}), asked again as soon as it
 * answers, so that a replica learns within one round trip that the leader key is gone. Each answer is compared
 * with the one before and reported the way the etcd and ZooKeeper backends report: any change of {@code leader};
 * a new value of {@code config}; a new {@code status} while another member leads. After an error it waits a
 * little and starts over from index 0; changes made meanwhile are still seen, because they are compared with the
 * last answer. Runs on the Dcs's context.
 */
final class ConsulWatch {
  private static final long PAUSE_AFTER_ERROR_MS = 500;

  private final Vertx vertx;
  private final ConsulKv kv;
  private final String prefix;
  private final String memberName;
  private final Consumer<DcsChange> changes;
  private int waitSeconds;
  private long retryTimeoutMs;
  private boolean running;
  private boolean closed;
  private long index;
  private Map<String, StoredValue> last;

  ConsulWatch(Vertx vertx, ConsulKv kv, String prefix, String memberName, Consumer<DcsChange> changes) {
    this.vertx = vertx;
    this.kv = kv;
    this.prefix = prefix;
    this.memberName = memberName;
    this.changes = changes;
  }

  /** The blocking query waits at most loop_wait (at least 1 s), like Patroni's watch. */
  void timing(int loopWait, long retryTimeoutMs) {
    this.waitSeconds = Math.max(1, loopWait);
    this.retryTimeoutMs = retryTimeoutMs;
  }

  void start() {
    if (!running && !closed) {
      running = true;
      poll();
    }
  }

  void close() {
    closed = true;
  }

  private void poll() {
    if (closed) {
      return;
    }
    // Consul adds up to wait/16 of jitter to a blocking query; the request may take that long plus a round trip
    long timeout = waitSeconds * 1000L + waitSeconds * 1000L / 16 + retryTimeoutMs;
    kv.readPrefix(prefix, index, waitSeconds, timeout).onComplete(ar -> {
      if (closed) {
        return;
      }
      if (ar.failed()) {
        index = 0;
        vertx.setTimer(PAUSE_AFTER_ERROR_MS, id -> poll());
        return;
      }
      ConsulKv.Snapshot snapshot = ar.result();
      // "if the index goes backwards, reset it" (Consul's blocking query docs): the store was rebuilt
      index = snapshot.index() < index ? 0 : snapshot.index();
      Map<String, StoredValue> before = last;
      last = snapshot.nodes();
      if (before != null) {
        classify(before, last).forEach(changes);
      }
      poll();
    });
  }

  private Set<DcsChange> classify(Map<String, StoredValue> before, Map<String, StoredValue> after) {
    Set<DcsChange> seen = EnumSet.noneOf(DcsChange.class);
    StoredValue leaderBefore = before.get(prefix + DcsKeys.LEADER);
    StoredValue leaderAfter = after.get(prefix + DcsKeys.LEADER);
    if (!java.util.Objects.equals(leaderBefore, leaderAfter)) {
      seen.add(DcsChange.LEADER_CHANGED);
    }
    StoredValue configBefore = before.get(prefix + DcsKeys.CONFIG);
    StoredValue configAfter = after.get(prefix + DcsKeys.CONFIG);
    if (configBefore != null && configAfter != null && !configBefore.value().equals(configAfter.value())) {
      seen.add(DcsChange.CONFIG_CHANGED);
    }
    boolean weLead = leaderAfter != null && leaderAfter.value().equals(memberName);
    for (String status : new String[] {DcsKeys.STATUS, DcsKeys.OPTIME_LEADER}) {
      StoredValue b = before.get(prefix + status);
      StoredValue a = after.get(prefix + status);
      if (!weLead && a != null && (b == null || !b.value().equals(a.value()))) {
        seen.add(DcsChange.STATUS_CHANGED);
      }
    }
    return seen;
  }
}
