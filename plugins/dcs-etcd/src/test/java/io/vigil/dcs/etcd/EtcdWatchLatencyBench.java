package io.vigil.dcs.etcd;

import static io.vigil.dcs.etcd.EtcdConnection.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.etcd.jetcd.Client;
import io.vertx.core.Vertx;
import io.vigil.config.DcsSettings;
import io.vigil.dcs.Dcs;
import io.vigil.dcs.DcsContext;
import io.vigil.dcs.DcsKeys;
import io.vigil.dcs.DcsTiming;
import io.vigil.dcs.WatchLatencyBenchmark;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Watch delay after a dead leader's lease expires, on a real etcd. Runs only with {@code -Dvigil.bench=true}
 * (about trials × (ttl + 1) seconds); {@code -Dvigil.bench.trials} (20) and {@code -Dvigil.bench.ttl} (5) tune it.
 */
@EnabledIfSystemProperty(named = "vigil.bench", matches = "true")
class EtcdWatchLatencyBench {

  @Test
  void measuresWatchDelayAfterLeaseExpiry() throws Exception {
    int trials = Integer.getInteger("vigil.bench.trials", 20);
    int ttl = Integer.getInteger("vigil.bench.ttl", 5);
    DcsTiming timing = new DcsTiming(ttl, 1, 2);
    Vertx vertx = Vertx.vertx();
    try (EtcdProcess etcd = new EtcdProcess().start(); Client raw = Client.builder().endpoints(etcd.endpoint()).build()) {
      DcsSettings settings = new DcsSettings("etcd3", Map.of("hosts", "127.0.0.1:" + etcd.clientPort()));
      WatchLatencyBenchmark.Result result = WatchLatencyBenchmark.run(vertx, new WatchLatencyBenchmark.Backend() {
        @Override
        public Dcs newDcs(DcsKeys keys, String member, DcsTiming t) {
          return new EtcdDcsFactory().create(vertx, new DcsContext(keys, member, settings, t));
        }

        @Override
        public boolean leaderKeyPresent(DcsKeys keys) throws Exception {
          return raw.getKVClient().get(bytes(keys.key(DcsKeys.LEADER))).get(2, TimeUnit.SECONDS).getCount() > 0;
        }
      }, timing, trials);
      result.trials().forEach(t -> System.out.printf("trial: after estimated expiry %.1f ms, after observed %.1f ms%n",
          t.fromEstimatedExpiryMs(), t.fromObservedExpiryMs()));
      System.out.println("etcd watch latency (ttl " + ttl + "): " + result.summary());
      assertEquals(trials, result.trials().size());
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get();
    }
  }
}
