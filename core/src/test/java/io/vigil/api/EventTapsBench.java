package io.vigil.api;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.Vertx;
import io.vigil.config.EventBridgeSettings;
import io.vigil.config.HostPort;
import io.vigil.events.EventEmitter;
import io.vigil.events.EventType;
import io.vigil.taps.EventBridgeVerticle;
import io.vigil.taps.EventJournal;
import io.vigil.testing.BridgeTap;
import io.vigil.testing.SseTap;
import io.vigil.testing.Timing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Figures of the event taps in one process (README "Benchmarks"): latency from {@link EventEmitter#emit} to the
 * event's arrival at an SSE tap and at a bridge tap, and the emitter's own cost, with 0 and with 100 other SSE
 * taps connected. A benchmark, not a test: it only runs with {@code -Dvigil.bench=true}.
 */
class EventTapsBench {
  static final int EVENTS = 1000;
  /** The first events warm the JIT up and are not counted. */
  static final int WARMUP = 200;

  @Test
  void printsTapLatencyAndEmitterCost() throws Exception {
    assumeTrue(Boolean.getBoolean("vigil.bench"), "benchmark: run with -Dvigil.bench=true");
    System.out.printf("%nVIGIL EVENT TAPS BENCHMARK (one process, loopback, %d events 5 ms apart, "
        + "the first %d not counted)%n", EVENTS, WARMUP);
    for (int others : new int[] {0, 100}) {
      run(others);
    }
  }

  private void run(int otherTaps) throws Exception {
    Vertx agent = Vertx.vertx();
    Vertx clients = Vertx.vertx();
    try {
      EventJournal journal = new EventJournal();
      journal.attach(agent).await();
      RestApiVerticle api = new RestApiVerticle(ApiServer.settings(ApiServer.freePort(), null, List.of(), false),
          null, "bench", "node1", new FixedClusterDcs(Fixtures.cluster(false, false)), new Fixtures.TestClock())
          .withEventJournal(journal);
      agent.deployVerticle(api).await();
      int bridgePort = ApiServer.freePort();
      agent.deployVerticle(new EventBridgeVerticle(new EventBridgeSettings(new HostPort("127.0.0.1", bridgePort),
          null, null, null, "none", List.of(EventBridgeSettings.ALL_EVENTS_ADDRESS), false), journal)).await();
      EventEmitter emitter = new EventEmitter(agent, "bench", "node1");

      SseTap sse = new SseTap(clients, api.actualPort(), "/events");
      BridgeTap bridge = BridgeTap.connect(clients, bridgePort, EventBridgeSettings.ALL_EVENTS_ADDRESS).await();
      List<SseTap> others = new ArrayList<>();
      for (int i = 0; i < otherTaps; i++) {
        others.add(new SseTap(clients, api.actualPort(), "/events"));
      }
      Timing.until("taps connected", Duration.ofSeconds(30), Duration.ofMillis(10),
          () -> journal.stats().connectedCount("sse") == otherTaps + 1 && journal.stats().connectedCount("bridge") == 1);

      long[] emitted = new long[EVENTS + 1];
      List<Long> emitCost = new ArrayList<>();
      for (int i = 1; i <= EVENTS; i++) {
        long t = System.nanoTime();
        emitted[i] = t;
        emitter.emit(i % 10 == 0 ? EventType.ROLE_CHANGED : EventType.HA_CYCLE, Map.of("message", "bench", "i", i));
        if (i > WARMUP) {
          emitCost.add(System.nanoTime() - t);
        }
        Thread.sleep(5);
      }
      Timing.until("all delivered", Duration.ofSeconds(60), Duration.ofMillis(10),
          () -> sse.events().size() == EVENTS && bridge.events().size() == EVENTS
              && others.stream().allMatch(o -> o.events().size() == EVENTS));
      List<Long> sseLatency = new ArrayList<>();
      sse.events().stream().filter(e -> e.id() > WARMUP)
          .forEach(e -> sseLatency.add(e.receivedNanos() - emitted[(int) e.id()]));
      List<Long> bridgeLatency = new ArrayList<>();
      bridge.messages().stream().filter(f -> f.json().getJsonObject("body").getInteger("seq") > WARMUP)
          .forEach(f -> bridgeLatency.add(f.receivedNanos() - emitted[f.json().getJsonObject("body").getInteger("seq")]));
      List<Long> slowestOther = new ArrayList<>();
      for (SseTap o : others) {
        o.events().stream().filter(e -> e.id() > WARMUP)
            .forEach(e -> slowestOther.add(e.receivedNanos() - emitted[(int) e.id()]));
      }
      System.out.printf("with %3d other SSE taps: emit->SSE tap median %s p99 %s | emit->bridge tap median %s p99 %s"
          + " | emit() call median %s p99 %s%s%n", otherTaps, ms(sseLatency, 50), ms(sseLatency, 99),
          ms(bridgeLatency, 50), ms(bridgeLatency, 99), ms(emitCost, 50), ms(emitCost, 99),
          others.isEmpty() ? "" : " | all 100 others: median " + ms(slowestOther, 50) + " p99 " + ms(slowestOther, 99));
      others.forEach(SseTap::close);
      sse.close();
      bridge.close();
    } finally {
      clients.close().await();
      agent.close().await();
    }
  }

  static String ms(List<Long> nanos, int percentile) {
    List<Long> sorted = new ArrayList<>(nanos);
    Collections.sort(sorted);
    long v = sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1));
    return String.format("%.3f ms", v / 1e6);
  }
}
