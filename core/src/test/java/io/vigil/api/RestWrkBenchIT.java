package io.vigil.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vigil.bus.Addresses;
import io.vigil.bus.NodeStatus;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Throughput of {@code GET /primary} measured with wrk. Skipped unless {@code -Dvigil.bench=true}; run through
 * {@code core/src/test/bench/rest-wrk.sh}. Uses the system clock and republishes the leader status every second,
 * as the HA loop would.
 */
class RestWrkBenchIT {

  @Test
  void primaryHealthCheckUnderWrk() throws Exception {
    assumeTrue(Boolean.getBoolean("vigil.bench"), "benchmark: run with -Dvigil.bench=true");
    Vertx vertx = Vertx.vertx();
    try {
      int port = ApiServer.freePort();
      RestApiVerticle verticle = new RestApiVerticle(ApiServer.settings(port, null, List.of(), false), null,
          "anchor", "pg3", new FixedClusterDcs(Fixtures.cluster(false, false)));
      vertx.deployVerticle(verticle, new DeploymentOptions()).await();
      vertx.eventBus().publish(Addresses.HA_CYCLE, freshLeader());
      vertx.setPeriodic(1000, t -> vertx.eventBus().publish(Addresses.HA_CYCLE, freshLeader()));
      String url = "http://127.0.0.1:" + port + "/primary";
      Process check = new ProcessBuilder("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", url).start();
      assertEquals("200", new String(check.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
      String duration = System.getProperty("vigil.bench.duration", "10s");
      List<String> cmd = List.of("wrk", "-t2", "-c16", "-d" + duration, "--latency", url);
      System.out.println("$ " + String.join(" ", cmd));
      Process wrk = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      wrk.waitFor();
      System.out.println(out);
      for (String line : out.split("\n")) {
        if (line.contains("Requests/sec") || line.trim().startsWith("99%") || line.contains("Non-2xx")) {
          System.out.println("RESULT " + line.trim());
        }
      }
    } finally {
      vertx.close().await();
    }
  }

  static NodeStatus freshLeader() {
    NodeStatus s = Fixtures.leader();
    return new NodeStatus(s.scope(), s.name(), s.role(), s.message(), s.postgres(), s.cluster(), s.tags(),
        s.paused(), s.clusterUnlocked(), s.failsafeActive(), Instant.now().getEpochSecond(),
        ApiClock.SYSTEM.monotonicMillis(), s.ttl(), null, null, false);
  }
}
