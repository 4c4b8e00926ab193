package io.vigil.dcs.etcd;

import static io.vigil.dcs.etcd.EtcdConnection.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.LeaseOption;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vigil.config.DcsSettings;
import io.vigil.dcs.DcsContext;
import io.vigil.dcs.DcsKeys;
import io.vigil.dcs.DcsTestSupport;
import io.vigil.dcs.DcsTiming;
import io.vigil.dcs.DcsUnavailableException;
import io.vigil.dcs.SilentDrop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Faults that do not announce themselves (issue 10): a connection whose packets silently vanish, a lease that
 * went without keepalives. etcd listens on two client ports; the Dcs under test uses the second, which the test
 * cuts off with iptables, while the test itself looks at etcd through the first.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EtcdFaultIT {
  private static final DcsTiming TIMING = new DcsTiming(5, 1, 2);
  private static final long SLACK_MS = 1000;

  private EtcdProcess etcd;
  private Client raw;
  private Vertx vertx;
  private Context context;
  private int scope;
  private final List<EtcdDcs> opened = new ArrayList<>();

  @BeforeAll
  void start() throws Exception {
    etcd = new EtcdProcess().withSecondClientPort().start();
    raw = Client.builder().endpoints(etcd.endpoint()).build();
    raw.getKVClient().get(bytes("/warm-up")).get(30, TimeUnit.SECONDS);
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
  }

  @AfterAll
  void stop() throws Exception {
    raw.close();
    etcd.close();
    vertx.close().toCompletionStage().toCompletableFuture().get();
  }

  @AfterEach
  void closeAll() {
    opened.forEach(d -> {
      try {
        DcsTestSupport.start(context, d::close).get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        // closed already
      }
    });
    opened.clear();
  }

  private EtcdDcs dcs(String member, int port) {
    DcsKeys keys = new DcsKeys("service", "fault" + (++scope));
    DcsSettings settings = new DcsSettings("etcd3", Map.of("hosts", List.of("127.0.0.1:" + port)));
    EtcdDcs dcs = call(() -> Future.succeededFuture(
        (EtcdDcs) new EtcdDcsFactory().create(vertx, new DcsContext(keys, member, settings, TIMING))));
    opened.add(dcs);
    return dcs;
  }

  private <T> T call(Supplier<Future<T>> op) {
    return DcsTestSupport.await(DcsTestSupport.start(context, op), Duration.ofSeconds(5));
  }

  @Test
  void acquireRefreshesTheLeaseSoAWonKeyHasAFullTtlAhead() throws Exception {
    EtcdDcs replica = dcs("b", etcd.clientPort());
    call(() -> replica.touchMember(Map.of("state", "running")));
    long lease = replica.leaseId();
    // a replica's lease is only kept alive by touchMember, at most once per loop_wait; here it goes 3 s without
    DcsTestSupport.pause(3000);
    long before = raw.getLeaseClient().timeToLive(lease, LeaseOption.DEFAULT).get(5, TimeUnit.SECONDS).getTTL();
    assertTrue(before <= TIMING.ttl() - 2, "the lease has run down: " + before);
    assertTrue(call(replica::acquireLeaderKey));
    long after = raw.getLeaseClient().timeToLive(replica.leaseId(), LeaseOption.DEFAULT).get(5, TimeUnit.SECONDS)
        .getTTL();
    assertTrue(after >= TIMING.ttl() - 1, "the won key must have (nearly) a full ttl ahead, has " + after + " s");
  }

  @Test
  void aSilentlyDroppedConnectionFailsReadsAndRenewWithinRetryTimeout() throws Exception {
    assumeTrue(SilentDrop.available(), "needs root and iptables");
    SilentDrop.clearLeftovers();
    int port = etcd.secondClientPort();
    EtcdDcs leader = dcs("a", port);
    call(() -> {
      leader.watch(change -> { });
      return leader.loadCluster();
    });
    assertTrue(call(leader::acquireLeaderKey));
    DcsTestSupport.poll("the watch cache answers", Duration.ofSeconds(5), 50,
        () -> call(() -> Future.succeededFuture(leader.cacheFresh())) && "a".equals(call(leader::loadCluster).leaderName()));

    long retryMs = TIMING.retryTimeout() * 1000L;
    long staleAfterMs = Math.max(2000, Math.min(TIMING.loopWait(), TIMING.retryTimeout()) * 1000L);
    long droppedAt;
    List<String> log = new ArrayList<>();
    try (SilentDrop drop = SilentDrop.port(port)) {
      droppedAt = System.nanoTime();
      long lastCachedAnswerMs = -1;
      long firstReadFailureMs = -1;
      // long enough for gRPC's keepalive (10 s + retry_timeout) to have no part in the outcome
      while (System.nanoTime() - droppedAt < TimeUnit.SECONDS.toNanos(8)) {
        long sinceDropMs = (System.nanoTime() - droppedAt) / 1_000_000;
        Timed read = timed(leader::loadCluster, retryMs + SLACK_MS);
        log.add("loadCluster at " + sinceDropMs + " ms: " + read);
        if (read.failure == null) {
          lastCachedAnswerMs = sinceDropMs;
          assertTrue(read.ms < 100, "an answer while cut off can only come from the cache: " + log);
        } else {
          assertTrue(read.failure instanceof DcsUnavailableException, String.valueOf(read.failure));
          if (firstReadFailureMs < 0) {
            firstReadFailureMs = sinceDropMs;
          }
        }
        long renewAt = (System.nanoTime() - droppedAt) / 1_000_000;
        Timed renew = timed(leader::renewLeaderKey, retryMs + SLACK_MS);
        log.add("renewLeaderKey at " + renewAt + " ms: " + renew);
        assertTrue(renew.failure instanceof DcsUnavailableException, "renew must fail while cut off: " + log);
        DcsTestSupport.pause(200);
      }
      System.out.println(String.join("\n", log));
      assertTrue(firstReadFailureMs >= 0, "loadCluster never failed: " + log);
      assertTrue(lastCachedAnswerMs <= staleAfterMs + SLACK_MS,
          "the cache answered " + lastCachedAnswerMs + " ms after the drop (bound " + staleAfterMs + " ms): " + log);
    }
    DcsTestSupport.poll("loadCluster works again once packets flow", Duration.ofSeconds(30), 200, () -> {
      try {
        // the leader key expired meanwhile (ttl 5 s): only that etcd answers again matters
        return call(leader::loadCluster) != null;
      } catch (DcsUnavailableException e) {
        return false;
      }
    });
  }

  private record Timed(long ms, Object value, Throwable failure) {
    @Override
    public String toString() {
      return failure == null ? "ok in " + ms + " ms" : "failed in " + ms + " ms: " + failure.getMessage();
    }
  }

  /** Runs a call and measures it; the call must answer (either way) within {@code boundMs}. */
  private <T> Timed timed(Supplier<Future<T>> op, long boundMs) {
    long start = System.nanoTime();
    CompletableFuture<T> f = DcsTestSupport.start(context, op);
    try {
      T value = f.get(boundMs + 2000, TimeUnit.MILLISECONDS);
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertTrue(ms <= boundMs, "answered after " + ms + " ms, bound " + boundMs + " ms");
      return new Timed(ms, value, null);
    } catch (java.util.concurrent.ExecutionException e) {
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertTrue(ms <= boundMs, "failed after " + ms + " ms, bound " + boundMs + " ms: " + e.getCause());
      return new Timed(ms, null, e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("no answer within " + (boundMs + 2000) + " ms: the call hangs");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted");
    }
  }
}
