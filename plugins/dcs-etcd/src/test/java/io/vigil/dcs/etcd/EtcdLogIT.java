package io.vigil.dcs.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vigil.config.DcsSettings;
import io.vigil.dcs.DcsContext;
import io.vigil.dcs.DcsKeys;
import io.vigil.dcs.DcsTestSupport;
import io.vigil.dcs.DcsTiming;
import io.vigil.log.LogSetup;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the agent's stderr shows while its etcd is gone: its own lines, in its own format, not jetcd's retries. */
class EtcdLogIT {
  private static final String AGENT_LINE =
      "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d,\\d{3} (DEBUG|INFO|WARNING|ERROR|CRITICAL): .+";

  @Test
  void aStoppedEtcdGivesAgentFormatLinesWithoutJetcdsRetryChatter() throws Exception {
    Vertx vertx = Vertx.vertx();
    Context context = vertx.getOrCreateContext();
    PrintStream stderr = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try (EtcdProcess etcd = new EtcdProcess().start()) {
      DcsSettings settings = new DcsSettings("etcd3", Map.of("hosts", List.of("127.0.0.1:" + etcd.clientPort())));
      EtcdDcs dcs = (EtcdDcs) new EtcdDcsFactory().create(vertx,
          new DcsContext(new DcsKeys("service", "logs"), "pg1", settings, new DcsTiming(5, 1, 2)));
      DcsTestSupport.await(DcsTestSupport.start(context, dcs::loadCluster), Duration.ofSeconds(10));
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      LogSetup.configureDefaults(Map.of());
      etcd.kill();
      // the copy in the watch cache answers until it goes stale; then reads go to etcd and fail
      DcsTestSupport.pause(3000);
      for (int i = 0; i < 3; i++) {
        DcsTestSupport.awaitFailure(DcsTestSupport.start(context, dcs::loadCluster), Duration.ofSeconds(10));
      }
      DcsTestSupport.start(context, dcs::close).get();
    } finally {
      System.setErr(stderr);
      LogSetup.configureDefaults(Map.of());
      vertx.close().toCompletionStage().toCompletableFuture().get();
    }
    List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
    String all = String.join("\n", lines);
    assertEquals(List.of(), lines.stream().filter(l -> !l.matches(AGENT_LINE)).toList(), all);
    assertTrue(lines.stream().anyMatch(l -> l.contains("WARNING: watch on /service/logs/ in etcd")), all);
    assertTrue(lines.stream().noneMatch(l -> l.contains("retry failure") || l.contains("auto retries")), all);
  }
}
