package io.vigil.clustertest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vigil.testing.BridgeTap;
import io.vigil.testing.SseTap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The event-tap figures on a real 2-node cluster (ttl 20 / loop_wait 2 / retry_timeout 4): latency from a role
 * change (the event's timestamp, taken when the HA loop emits it) to its arrival at an SSE tap and at a bridge
 * tap, over switchovers; and, with 0 and then 100 SSE taps connected to each agent, the HA cycle time (from a
 * {@code PATCH /config} that wakes the leader's loop to that cycle's {@code ha_cycle} event) and the agents' CPU.
 * A benchmark, not a test: it only runs with {@code -Dvigil.bench=true}; see README "Benchmarks".
 */
class EventTapsBenchmarkIT {
  private static final Duration LONG = Duration.ofSeconds(120);
  private static final int SWITCHOVERS = 6;
  private static final int WAKES = 20;
  private static final Duration CPU_WINDOW = Duration.ofSeconds(30);

  @Test
  void printsTapLatencyCycleTimeAndCpu() throws Exception {
    assumeTrue(Boolean.getBoolean("vigil.bench"), "benchmark: run with -Dvigil.bench=true");
    Vertx vertx = Vertx.vertx();
    Map<String, Integer> bridgePorts = new LinkedHashMap<>();
    try (TestCluster cluster = new TestCluster("tapbench")) {
      for (String name : List.of("b0", "b1")) {
        AgentNode node = cluster.addNode(name, null);
        int port = FreePorts.next();
        bridgePorts.put(name, port);
        node.editConfig(yaml -> yaml + "event_bridge:\n  listen: 127.0.0.1:" + port + "\n");
      }
      cluster.startAll();
      AgentNode first = cluster.awaitLeader(LONG);
      cluster.awaitStreaming(first, cluster.nodes.stream().filter(n -> n != first).toList(), LONG);

      Map<String, SseTap> sse = new LinkedHashMap<>();
      Map<String, BridgeTap> bridge = new LinkedHashMap<>();
      long nanoRef = System.nanoTime();
      long wallRef = System.currentTimeMillis();
      for (AgentNode n : cluster.nodes) {
        sse.put(n.name, new SseTap(vertx, n.restPort, "/events?types=role_changed,ha_cycle", null, Map.of()));
        bridge.put(n.name, BridgeTap.connect(vertx, bridgePorts.get(n.name), "vigil.tap.events").await());
      }

      // 1. role change -> delivery, over switchovers back and forth
      for (int i = 0; i < SWITCHOVERS; i++) {
        AgentNode leader = cluster.awaitLeader(LONG);
        AgentNode candidate = cluster.nodes.stream().filter(n -> n != leader).findFirst().orElseThrow();
        cluster.awaitStreaming(leader, List.of(candidate), LONG);
        AgentNode.Answer a = leader.call("POST", "/switchover",
            "{\"leader\":\"" + leader.name + "\",\"candidate\":\"" + candidate.name + "\"}");
        assertEquals(200, a.code(), a.body());
        Timing.await(candidate.name + " leads", LONG, () -> cluster.awaitLeader(LONG) == candidate ? true : null,
            cluster::describe);
      }
      Timing.pause(Duration.ofSeconds(3));
      List<Double> sseMs = new ArrayList<>();
      List<Double> bridgeMs = new ArrayList<>();
      for (AgentNode n : cluster.nodes) {
        for (SseTap.Received e : sse.get(n.name).events()) {
          if (e.event().equals("role_changed")) {
            double received = wallRef + (e.receivedNanos() - nanoRef) / 1e6;
            sseMs.add(received - Instant.parse(e.json().getString("time")).toEpochMilli());
          }
        }
        for (BridgeTap.Frame f : bridge.get(n.name).messages()) {
          JsonObject e = f.json().getJsonObject("body");
          if (e.getString("type").equals("role_changed")) {
            double received = wallRef + (f.receivedNanos() - nanoRef) / 1e6;
            bridgeMs.add(received - Instant.parse(e.getString("time")).toEpochMilli());
          }
        }
      }

      // 2. cycle time and CPU with 0, then 100 extra taps per agent
      Map<Integer, String> figures = new LinkedHashMap<>();
      List<SseTap> extra = new ArrayList<>();
      for (int taps : new int[] {0, 100}) {
        for (AgentNode n : cluster.nodes) {
          for (int i = 0; i < taps; i++) {
            extra.add(new SseTap(vertx, n.restPort, "/events", null, Map.of()));
          }
        }
        for (SseTap t : extra) {
          assertEquals(200, t.status().await());
        }
        Timing.pause(Duration.ofSeconds(5));
        AgentNode leader = cluster.awaitLeader(LONG);
        List<Double> cycles = cycleTimes(leader, sse.get(leader.name));
        Map<String, Double> cpu = new LinkedHashMap<>();
        Map<String, Long> before = new LinkedHashMap<>();
        for (AgentNode n : cluster.nodes) {
          before.put(n.name, cpuTicks(n.agentPid()));
        }
        Timing.pause(CPU_WINDOW);
        for (AgentNode n : cluster.nodes) {
          cpu.put(n.name, (cpuTicks(n.agentPid()) - before.get(n.name)) / 100.0 / CPU_WINDOW.toSeconds() * 100);
        }
        figures.put(taps, String.format("HA cycle (PATCH /config wake -> ha_cycle at a tap) median %.1f ms p99 %.1f ms"
            + " | agent CPU over %d s: %s", pct(cycles, 50), pct(cycles, 99), CPU_WINDOW.toSeconds(),
            cpu.entrySet().stream().map(e -> String.format("%s %.2f%%", e.getKey(), e.getValue())).toList()));
      }

      System.out.printf("%nVIGIL EVENT TAPS CLUSTER BENCHMARK (2 nodes, loopback, ttl 20 / loop_wait 2 / retry_timeout 4)%n");
      System.out.printf("role change -> SSE tap: median %.1f ms p99 %.1f ms (%d role changes over %d switchovers)%n",
          pct(sseMs, 50), pct(sseMs, 99), sseMs.size(), SWITCHOVERS);
      System.out.printf("role change -> bridge tap: median %.1f ms p99 %.1f ms (%d role changes)%n",
          pct(bridgeMs, 50), pct(bridgeMs, 99), bridgeMs.size());
      figures.forEach((taps, line) -> System.out.printf("with %3d extra SSE taps per agent: %s%n", taps, line));
      extra.forEach(SseTap::close);
      sse.values().forEach(SseTap::close);
      bridge.values().forEach(BridgeTap::close);
    } finally {
      vertx.close().await();
    }
  }

  /** Wakes the leader's loop with a harmless PATCH /config and times the cycle's ha_cycle event at a tap. */
  private static List<Double> cycleTimes(AgentNode leader, SseTap tap) {
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < WAKES; i++) {
      int seen = tap.events().size();
      AgentNode.Answer a = leader.call("PATCH", "/config", "{\"vigil_bench_wake\": " + i + "}");
      assertEquals(200, a.code(), a.body());
      long sent = System.nanoTime();
      SseTap.Received cycle = Timing.await("ha_cycle after the wake", LONG, () -> tap.events().stream()
          .skip(seen).filter(e -> e.event().equals("ha_cycle") && e.receivedNanos() > sent).findFirst().orElse(null),
          () -> "");
      out.add((cycle.receivedNanos() - sent) / 1e6);
      // spread the wakes over the loop's 2 s period
      Timing.pause(Duration.ofMillis(700 + (97L * i) % 600));
    }
    return out;
  }

  /** utime + stime of a process, in clock ticks (100 per second). */
  private static long cpuTicks(long pid) throws Exception {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  private static double pct(List<Double> values, int percentile) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1));
  }
}
