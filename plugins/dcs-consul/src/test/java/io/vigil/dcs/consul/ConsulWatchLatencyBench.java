package io.vigil.dcs.consul;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.consul.ConsulClient;
import io.vertx.ext.consul.ConsulClientOptions;
import io.vigil.config.DcsSettings;
import io.vigil.dcs.Dcs;
import io.vigil.dcs.DcsContext;
import io.vigil.dcs.DcsKeys;
import io.vigil.dcs.DcsTiming;
import io.vigil.dcs.WatchLatencyBenchmark;
import io.vigil.dcs.consul.emulator.ConsulEmulator;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The watch-latency benchmark (core's {@link WatchLatencyBenchmark}) for Consul, on the Consul HTTP API emulator
 * (no Consul agent here): how long after a silent leader's session expires does another agent's blocking query
 * report the leader key gone. The session TTL is ttl/2 and Consul expires it after up to twice that, so the
 * "observed expiry" figure is the one to compare. Runs only on request:
 *
 * <pre>
 * mvn -o -q -B -pl core,plugins/dcs-consul test -Dtest=ConsulWatchLatencyBench \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dvigil.bench=true
 * </pre>
 *
 * Properties (as the etcd one): {@code vigil.bench.trials} (20), {@code vigil.bench.ttl} (5 s; loop_wait 1,
 * retry_timeout 2).
 */
@EnabledIfSystemProperty(named = "vigil.bench", matches = "true")
class ConsulWatchLatencyBench {

  @Test
  void measuresWatchDelayAfterSessionExpiry() throws Exception {
    int trials = Integer.getInteger("vigil.bench.trials", 20);
    DcsTiming timing = new DcsTiming(Integer.getInteger("vigil.bench.ttl", 5), 1, 2);
    Vertx vertx = Vertx.vertx();
    ConsulEmulator emulator = new ConsulEmulator(vertx,
        ConsulEmulator.Options.onPort(0).withSessionTtlMin(Duration.ofSeconds(1)));
    int port = emulator.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    ConsulClient raw = ConsulClient.create(vertx, new ConsulClientOptions().setHost("127.0.0.1").setPort(port));
    try {
      WatchLatencyBenchmark.Backend backend = new WatchLatencyBenchmark.Backend() {
        @Override
        public Dcs newDcs(DcsKeys keys, String member, DcsTiming t) {
          return new ConsulDcsFactory().create(vertx, new DcsContext(keys, member,
              new DcsSettings("consul", Map.of("host", "127.0.0.1:" + port)), t));
        }

        @Override
        public boolean leaderKeyPresent(DcsKeys keys) throws Exception {
          return raw.getValue(keys.key(DcsKeys.LEADER).substring(1)).toCompletionStage().toCompletableFuture()
              .get(5, TimeUnit.SECONDS).isPresent();
        }

        @Override
        public Future<Void> abandon(Dcs dcs) {
          // close leaves the session to expire, as a killed agent does
          return dcs.close();
        }
      };
      WatchLatencyBenchmark.Result result = WatchLatencyBenchmark.run(vertx, backend, timing, trials);
      System.out.println("Consul HTTP API emulator (blocking queries, session TTL " + Math.max(1, timing.ttl() / 2)
          + " s), ttl " + timing.ttl() + " s: " + result.summary());
      for (WatchLatencyBenchmark.Trial trial : result.trials()) {
        System.out.printf("  trial: %.1f ms after estimated expiry, %.1f ms after observed expiry%n",
            trial.fromEstimatedExpiryMs(), trial.fromObservedExpiryMs());
      }
      assertEquals(trials, result.trials().size());
    } finally {
      raw.close();
      emulator.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
