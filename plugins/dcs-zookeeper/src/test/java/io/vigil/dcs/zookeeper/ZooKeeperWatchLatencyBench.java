package io.vigil.dcs.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vigil.config.DcsSettings;
import io.vigil.dcs.Dcs;
import io.vigil.dcs.DcsContext;
import io.vigil.dcs.DcsKeys;
import io.vigil.dcs.DcsTiming;
import io.vigil.dcs.WatchLatencyBenchmark;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The watch-latency benchmark (core's {@link WatchLatencyBenchmark}) for ZooKeeper: how long after a silent
 * leader's session expires does another agent's watch report the leader key gone. About trials × (ttl + 1)
 * seconds, so it is not part of the suite (no *IT/*Test name) and runs only on request:
 *
 * <pre>
 * mvn -o -q -B -pl core,plugins/dcs-zookeeper test -Dtest=ZooKeeperWatchLatencyBench \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dvigil.bench=true
 * </pre>
 *
 * Properties (as the etcd one): {@code vigil.bench.trials} (20), {@code vigil.bench.ttl} (5 s; loop_wait 1,
 * retry_timeout 2).
 */
@EnabledIfSystemProperty(named = "vigil.bench", matches = "true")
class ZooKeeperWatchLatencyBench {

  @Test
  void measuresWatchDelayAfterSessionExpiry() throws Exception {
    int trials = Integer.getInteger("vigil.bench.trials", 20);
    DcsTiming timing = new DcsTiming(Integer.getInteger("vigil.bench.ttl", 5), 1, 2);
    try (ZooKeeperFixture zk = new ZooKeeperFixture();
        CuratorFramework raw = CuratorFrameworkFactory.newClient(zk.server.connectString(), 30_000, 5_000,
            new RetryNTimes(5, 200))) {
      raw.start();
      assertTrue(raw.blockUntilConnected(10, TimeUnit.SECONDS));
      WatchLatencyBenchmark.Backend backend = new WatchLatencyBenchmark.Backend() {
        @Override
        public Dcs newDcs(DcsKeys keys, String member, DcsTiming t) {
          return new ZooKeeperDcsFactory().create(zk.vertx, new DcsContext(keys, member,
              new DcsSettings("zookeeper", Map.of("hosts", zk.server.connectString())), t));
        }

        @Override
        public boolean leaderKeyPresent(DcsKeys keys) throws Exception {
          return raw.checkExists().forPath(keys.key(DcsKeys.LEADER)) != null;
        }

        @Override
        public Future<Void> abandon(Dcs dcs) {
          // closing would end the session at once; a dead agent just stops pinging
          ZooKeeperFixture.goSilent((ZooKeeperDcs) dcs);
          return dcs.close();
        }
      };
      WatchLatencyBenchmark.Result result = WatchLatencyBenchmark.run(zk.vertx, backend, timing, trials);
      System.out.println("ZooKeeper " + org.apache.zookeeper.Version.getFullVersion() + " (embedded, tick "
          + EmbeddedZooKeeper.DEFAULT_TICK_MS + " ms), ttl " + timing.ttl() + " s: " + result.summary());
      for (WatchLatencyBenchmark.Trial trial : result.trials()) {
        System.out.printf("  trial: %.1f ms after estimated expiry, %.1f ms after observed expiry%n",
            trial.fromEstimatedExpiryMs(), trial.fromObservedExpiryMs());
      }
      assertEquals(trials, result.trials().size());
    }
  }
}
