package io.vigil.dcs;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vigil.dcs.Dcs.DcsChange;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * How long after a dead leader's key expires does another agent's watch tell it? One trial: agent A takes the
 * leader key and renews it once, then stops (abandoned, not released); agent B watches. Two delays are
 * measured to B's {@link DcsChange#LEADER_CHANGED} event:
 * <ul>
 *   <li>from the <em>estimated</em> expiry = midpoint of A's last successful renew call + ttl (the server
 *       restarted the ttl somewhere inside that call);</li>
 *   <li>from the <em>observed</em> expiry = the first moment a tight poll (every 5 ms, straight to the server
 *       through {@link Backend#leaderKeyPresent}) no longer finds the key. The poll's own round trip makes
 *       this instant a little late, so this delay can be slightly negative.</li>
 * </ul>
 * The first includes the server's expiry granularity (etcd checks leases every 500 ms; ZooKeeper expires
 * sessions per tick); the second isolates the watch itself.
 */
public final class WatchLatencyBenchmark {

  /** What the benchmark needs from a plugin. */
  public interface Backend {
    /** A client for {@code keys}; called on a Vert.x context. */
    Dcs newDcs(DcsKeys keys, String member, DcsTiming timing);

    /** Reads the leader key straight from the server, bypassing any cache. */
    boolean leaderKeyPresent(DcsKeys keys) throws Exception;

    /** Stops {@code dcs} renewing without releasing (default: close, which does not delete the key). */
    default Future<Void> abandon(Dcs dcs) {
      return dcs.close();
    }
  }

  /** Delays in milliseconds. */
  public record Trial(double fromEstimatedExpiryMs, double fromObservedExpiryMs) {}

  public record Result(List<Trial> trials) {
    public double medianFromEstimated() {
      return median(trials.stream().map(Trial::fromEstimatedExpiryMs).toList());
    }

    public double medianFromObserved() {
      return median(trials.stream().map(Trial::fromObservedExpiryMs).toList());
    }

    public String summary() {
      List<Double> est = trials.stream().map(Trial::fromEstimatedExpiryMs).sorted().toList();
      List<Double> obs = trials.stream().map(Trial::fromObservedExpiryMs).sorted().toList();
      return String.format(
          "%d trials; watch delay after estimated expiry (last renew + ttl): median %.1f ms, min %.1f, max %.1f;"
              + " after observed expiry (5 ms raw poll): median %.1f ms, min %.1f, max %.1f",
          trials.size(), median(est), est.get(0), est.get(est.size() - 1),
          median(obs), obs.get(0), obs.get(obs.size() - 1));
    }
  }

  private WatchLatencyBenchmark() {}

  public static Result run(Vertx vertx, Backend backend, DcsTiming timing, int trials) throws Exception {
    Context context = vertx.getOrCreateContext();
    List<Trial> results = new ArrayList<>();
    for (int i = 0; i < trials; i++) {
      results.add(trial(context, backend, timing,
          new DcsKeys("service", "bench" + i + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime())));
    }
    return new Result(results);
  }

  private static Trial trial(Context context, Backend backend, DcsTiming timing, DcsKeys keys) throws Exception {
    Duration deadline = Duration.ofSeconds(timing.retryTimeout() + 2L);
    Dcs holder = call(context, () -> Future.succeededFuture(backend.newDcs(keys, "holder", timing)), deadline);
    Dcs watcher = call(context, () -> Future.succeededFuture(backend.newDcs(keys, "watcher", timing)), deadline);
    AtomicLong armedAt = new AtomicLong(Long.MAX_VALUE);
    AtomicLong firedAt = new AtomicLong();
    AtomicLong sawTake = new AtomicLong();
    call(context, () -> {
      watcher.watch(change -> {
        if (change != DcsChange.LEADER_CHANGED) {
          return;
        }
        long now = System.nanoTime();
        if (now >= armedAt.get()) {
          firedAt.compareAndSet(0, now);
        } else {
          sawTake.set(now);
        }
      });
      return watcher.loadCluster();
    }, deadline);
    try {
      call(context, () -> holder.touchMember(Map.of("state", "running", "role", "primary")), deadline);
      if (!call(context, holder::acquireLeaderKey, deadline)) {
        throw new IllegalStateException("holder could not take the leader key of " + keys.base());
      }
      DcsTestSupport.poll("the watcher sees the leader key taken", deadline, 5, () -> sawTake.get() != 0);
      long renewStart = System.nanoTime();
      if (!call(context, holder::renewLeaderKey, deadline)) {
        throw new IllegalStateException("holder could not renew " + keys.key(DcsKeys.LEADER));
      }
      long renewEnd = System.nanoTime();
      armedAt.set(renewEnd);
      call(context, () -> backend.abandon(holder), deadline);
      long estimatedExpiry = (renewStart + renewEnd) / 2 + Duration.ofSeconds(timing.ttl()).toNanos();
      long observedExpiry = 0;
      long giveUp = renewEnd + Duration.ofSeconds(timing.ttl() + 5L).toNanos();
      while (System.nanoTime() < giveUp) {
        if (!backend.leaderKeyPresent(keys)) {
          observedExpiry = System.nanoTime();
          break;
        }
        DcsTestSupport.pause(5);
      }
      if (observedExpiry == 0) {
        throw new IllegalStateException("leader key " + keys.key(DcsKeys.LEADER) + " never expired");
      }
      DcsTestSupport.poll("the watcher is told of the expiry", Duration.ofSeconds(5), 2, () -> firedAt.get() != 0);
      return new Trial((firedAt.get() - estimatedExpiry) / 1e6, (firedAt.get() - observedExpiry) / 1e6);
    } finally {
      call(context, watcher::close, deadline);
      call(context, () -> holder.close().recover(e -> Future.succeededFuture()), deadline);
    }
  }

  private static <T> T call(Context context, Supplier<Future<T>> op, Duration deadline) {
    CompletableFuture<T> f = DcsTestSupport.start(context, op);
    return DcsTestSupport.await(f, deadline);
  }

  static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted(Comparator.naturalOrder()).toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
