package io.vigil.dcs.etcd;

import static io.vigil.dcs.etcd.EtcdConnection.bytes;

import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.vertx.core.Context;
import io.vigil.dcs.Dcs.DcsChange;
import io.vigil.dcs.DcsKeys;
import io.vigil.dcs.StoredValue;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Patroni's etcd3 KV cache (docs/dcs-layout.md §1.4): one range over the cluster prefix, then a watch from the next revision,
 * keeping a copy of every key that {@code loadCluster} answers from while the watch is healthy.
 *
 * <p>It reports a {@link DcsChange} when the {@code leader} key changes in any way (DELETE on lease expiry
 * included), when {@code config} changes from one value to another, and when {@code status} or
 * {@code optime/leader} gets a new value while this member is not the leader. A broken watch marks the cache
 * unusable at once (callers then read directly) and is re-armed with a fresh range, with backoff capped at
 * 2 s; changes that happened meanwhile are reported after the rebuild.
 *
 * <p>A quiet watch is not proof of a live one: after a silent drop (no RST) or on an etcd member that lost quorum
 * the stream just goes silent. So the copy is only {@link #fresh()} while etcd has shown recently that the watch
 * is alive: the range that armed it, an event, or the answer to a progress request, within {@code staleAfter}
 * (at least 2 s, else min(loop_wait, retry_timeout)). The cache asks for progress three times per
 * {@code staleAfter} (at most once a second), so one lost answer never makes a live watch look stale, and an idle
 * agent does not wake up every second for it (every 3.3 s at loop_wait 10). Past that, callers read
 * from etcd, which fails within retry_timeout when etcd cannot be reached. The watch also asks for a leader
 * ({@code hasleader=true}), so a member without quorum cancels it at once instead of keeping it open and quiet.
 *
 * <p>All state is touched on the owning Dcs's context only; jetcd's callbacks hop onto it.
 */
final class WatchCache {
  private static final Logger LOG = LoggerFactory.getLogger(WatchCache.class);
  private static final long FIRST_BACKOFF_MS = 100;
  private static final long MAX_BACKOFF_MS = 2000;
  private static final long MIN_PROGRESS_EVERY_MS = 1000;
  private static final long MIN_STALE_AFTER_MS = 2000;

  private final EtcdConnection connection;
  private final Context context;
  private final DcsKeys keys;
  private final String memberName;
  private final Consumer<DcsChange> changes;

  private Map<String, StoredValue> nodes = new HashMap<>();
  private boolean everLoaded;
  private boolean ready;
  private boolean started;
  private boolean closed;
  private long revision;
  private long requiredRevision;
  private int failures;
  private long generation;
  private Watch.Watcher watcher;
  /** When etcd last showed that the copy is current (System.nanoTime()). */
  private long heardNanos;
  private long staleAfterNanos = TimeUnit.MILLISECONDS.toNanos(MIN_STALE_AFTER_MS);
  private long progressTimer = -1;

  WatchCache(EtcdConnection connection, DcsKeys keys, String memberName, Consumer<DcsChange> changes) {
    this.connection = connection;
    this.context = connection.context();
    this.keys = keys;
    this.memberName = memberName;
    this.changes = changes;
  }

  /** Starts the range + watch once; later calls do nothing. */
  void start() {
    if (!started && !closed) {
      started = true;
      arm();
      scheduleProgress();
    }
  }

  /** How long the copy may go without a sign of life from etcd: max(2 s, min(loop_wait, retry_timeout)). */
  void timing(int loopWait, int retryTimeout) {
    long ms = Math.max(MIN_STALE_AFTER_MS, Math.min(loopWait, retryTimeout) * 1000L);
    long before = staleAfterNanos;
    staleAfterNanos = TimeUnit.MILLISECONDS.toNanos(ms);
    if (started && !closed && before != staleAfterNanos) {
      scheduleProgress();
    }
  }

  /** The interval of progress requests: a third of staleAfter, at least a second. */
  static long progressEveryMillis(long staleAfterMillis) {
    return Math.max(MIN_PROGRESS_EVERY_MS, staleAfterMillis / 3);
  }

  private void scheduleProgress() {
    if (progressTimer >= 0) {
      connection.vertx().cancelTimer(progressTimer);
    }
    progressTimer = connection.vertx().setPeriodic(progressEveryMillis(TimeUnit.NANOSECONDS.toMillis(staleAfterNanos)),
        id -> context.runOnContext(v -> askProgress()));
  }

  /**
   * True when the copy is complete, the watch is up, every write this agent made is in it, and etcd answered on
   * the watch stream within staleAfter.
   */
  boolean fresh() {
    return ready && revision >= requiredRevision && System.nanoTime() - heardNanos <= staleAfterNanos;
  }

  /**
   * The watch stream is alive if etcd answers a progress request on it (etcd 3.4+). A stream that has not
   * answered for twice the staleness bound is given up and re-armed: jetcd may keep a stream that no longer
   * delivers anything (seen right after an etcd restart, before it had elected itself leader), and a cache that
   * is never re-armed would send every read to etcd and never report a change again.
   */
  private void askProgress() {
    if (closed || !ready || watcher == null) {
      return;
    }
    long silentNanos = System.nanoTime() - heardNanos;
    if (silentNanos > 2 * staleAfterNanos) {
      broken(generation, new IllegalStateException("no answer on the watch stream for "
          + TimeUnit.NANOSECONDS.toMillis(silentNanos) + " ms"));
      return;
    }
    try {
      watcher.requestProgress();
    } catch (RuntimeException e) {
      broken(generation, e);
    }
  }

  Map<String, StoredValue> snapshot() {
    return new HashMap<>(nodes);
  }

  StoredValue get(String relative) {
    return nodes.get(relative);
  }

  /**
   * The cache must not answer until it has seen {@code rev}, the revision of this agent's own write
   * (read-your-writes). Its watch delivers that write's event within milliseconds; until then reads go to etcd.
   * (etcd 3.4's progress notifications are not ordered with events, so they cannot be used to catch up.)
   */
  void require(long rev) {
    if (rev > requiredRevision) {
      requiredRevision = rev;
    }
  }

  void close() {
    closed = true;
    ready = false;
    generation++;
    if (progressTimer >= 0) {
      connection.vertx().cancelTimer(progressTimer);
    }
    if (watcher != null) {
      watcher.close();
      watcher = null;
    }
  }

  private void arm() {
    long gen = ++generation;
    GetOption range = GetOption.builder().isPrefix(true).build();
    long askedAt = System.nanoTime();
    connection.rpc(c -> c.getKVClient().get(bytes(keys.base()), range)).onComplete(ar -> {
      if (gen != generation || closed) {
        return;
      }
      if (ar.failed()) {
        broken(gen, ar.cause());
        return;
      }
      rebuild(ar.result());
      heardNanos = askedAt;
      WatchOption option = WatchOption.builder().isPrefix(true).withRevision(revision + 1)
          .withRequireLeader(true).build();
      connection.client().onComplete(c -> {
        if (gen != generation || closed) {
          return;
        }
        if (c.failed()) {
          broken(gen, c.cause());
          return;
        }
        try {
          watcher = c.result().getWatchClient().watch(bytes(keys.base()), option, Watch.listener(
              response -> context.runOnContext(v -> onResponse(gen, response)),
              error -> context.runOnContext(v -> broken(gen, error)),
              () -> context.runOnContext(v -> broken(gen, new IllegalStateException("watch stream ended")))));
        } catch (RuntimeException e) {
          broken(gen, e);
          return;
        }
        ready = true;
        if (failures > 0) {
          LOG.info("watch on {} in etcd at {} re-armed at revision {}", keys.base(), connection.endpoints(), revision);
        }
        failures = 0;
      });
    });
  }

  /**
   * Rebuilds the copy from a fresh range at once. Patroni restarts its watch when a compare-and-set without a
   * failure branch fails, since the failure may mean the copy is stale.
   */
  void resync() {
    if (!started || closed) {
      return;
    }
    generation++;
    ready = false;
    if (watcher != null) {
      Watch.Watcher w = watcher;
      watcher = null;
      w.close();
    }
    arm();
  }

  private void rebuild(GetResponse response) {
    Map<String, StoredValue> fresh = new HashMap<>();
    for (KeyValue kv : response.getKvs()) {
      String rel = keys.relative(kv.getKey().toString(StandardCharsets.UTF_8));
      if (rel != null) {
        fresh.put(rel, stored(kv));
      }
    }
    Map<String, StoredValue> old = nodes;
    nodes = fresh;
    revision = response.getHeader().getRevision();
    if (everLoaded) {
      // what changed while the watch was down is reported as if it had been watched
      Set<DcsChange> seen = EnumSet.noneOf(DcsChange.class);
      for (String rel : new String[] {DcsKeys.LEADER, DcsKeys.CONFIG, DcsKeys.STATUS, DcsKeys.OPTIME_LEADER}) {
        StoredValue before = old.get(rel);
        StoredValue after = fresh.get(rel);
        if (!Objects.equals(before, after)) {
          DcsChange c = classify(rel, before, after);
          if (c != null) {
            seen.add(c);
          }
        }
      }
      seen.forEach(changes);
    }
    everLoaded = true;
  }

  private void onResponse(long gen, WatchResponse response) {
    if (gen != generation || closed) {
      return;
    }
    heardNanos = System.nanoTime();
    if (response.isProgressNotify()) {
      // proof of life only: in etcd 3.4 it is not ordered with events, so its revision is not taken
      return;
    }
    Set<DcsChange> seen = EnumSet.noneOf(DcsChange.class);
    for (WatchEvent event : response.getEvents()) {
      KeyValue kv = event.getKeyValue();
      String rel = keys.relative(kv.getKey().toString(StandardCharsets.UTF_8));
      long modRevision = kv.getModRevision();
      revision = Math.max(revision, modRevision);
      if (rel == null) {
        continue;
      }
      StoredValue before = nodes.get(rel);
      if (before != null && before.version() > modRevision) {
        continue;
      }
      StoredValue after = null;
      if (event.getEventType() == WatchEvent.EventType.DELETE) {
        nodes.remove(rel);
      } else if (event.getEventType() == WatchEvent.EventType.PUT) {
        after = stored(kv);
        nodes.put(rel, after);
      } else {
        continue;
      }
      DcsChange c = classify(rel, before, after);
      if (c != null) {
        seen.add(c);
      }
    }
    seen.forEach(changes);
  }

  private DcsChange classify(String rel, StoredValue before, StoredValue after) {
    switch (rel) {
      case DcsKeys.LEADER:
        return DcsChange.LEADER_CHANGED;
      case DcsKeys.CONFIG:
        return before != null && after != null && !before.value().equals(after.value())
            ? DcsChange.CONFIG_CHANGED : null;
      case DcsKeys.STATUS:
      case DcsKeys.OPTIME_LEADER:
        boolean isNew = after != null && (before == null || !before.value().equals(after.value()));
        StoredValue leader = nodes.get(DcsKeys.LEADER);
        boolean weLead = leader != null && leader.value().equals(memberName);
        return isNew && !weLead ? DcsChange.STATUS_CHANGED : null;
      default:
        return null;
    }
  }

  private void broken(long gen, Throwable cause) {
    if (gen != generation || closed) {
      return;
    }
    generation++;
    ready = false;
    if (watcher != null) {
      Watch.Watcher w = watcher;
      watcher = null;
      w.close();
    }
    long delay = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS << Math.min(failures, 10));
    failures++;
    if (failures == 1 || failures % 30 == 0) {
      LOG.warn("watch on {} in etcd at {} broke ({}); reading directly and re-arming in {} ms", keys.base(),
          connection.endpoints(), EtcdConnection.unwrap(cause).toString(), delay);
    }
    connection.vertx().setTimer(delay, id -> context.runOnContext(v -> {
      if (!closed && !ready) {
        arm();
      }
    }));
  }

  static StoredValue stored(KeyValue kv) {
    return new StoredValue(kv.getValue().toString(StandardCharsets.UTF_8), kv.getModRevision(),
        kv.getLease() == 0 ? null : Long.toString(kv.getLease()));
  }
}
