package io.vigil.clustertest;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The failover figures of the HA issue, measured on this machine (3 nodes on loopback, ttl 30 / loop_wait 10 /
 * retry_timeout 10, as the Patroni figures were). A benchmark, not a test: it only runs with
 * {@code -Dvigil.bench=true} and prints its numbers; see README "Benchmarks" for the command.
 */
class FailoverBenchmarkIT {
  private static final Duration LONG = Duration.ofSeconds(180);
  /** Seeded, so that two runs kill at the same moments of the loop. */
  private static final java.util.Random KILL_PHASE = new java.util.Random(20261121);

  @Test
  void printsFailoverSwitchoverAndBootstrapFigures() throws Exception {
    assumeTrue(Boolean.getBoolean("vigil.bench"), "benchmark: run with -Dvigil.bench=true");
    try (TestCluster cluster = new TestCluster("bench").withTiming(30, 10, 10)) {
      cluster.addNode("b0", null);
      cluster.addNode("b1", null);
      cluster.addNode("b2", null);
      long start = System.nanoTime();
      cluster.startAll();
      AgentNode leader = cluster.awaitLeader(LONG);
      cluster.awaitStreaming(leader, cluster.nodes.stream().filter(n -> n != leader).toList(), LONG);
      double bootstrap = seconds(System.nanoTime() - start);
      leader.sql("CREATE TABLE IF NOT EXISTS ticks(id bigserial primary key, at timestamptz default now())");

      List<Double> switchoverGaps = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        switchoverGaps.add(switchoverGap(cluster));
      }

      List<Double> totals = new ArrayList<>();
      List<Double> afterExpiry = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        double[] figures = unplannedFailover(cluster);
        totals.add(figures[0]);
        afterExpiry.add(figures[1]);
      }
      System.out.printf("%nVIGIL BENCHMARK (3 nodes, loopback, ttl 30 / loop_wait 10 / retry_timeout 10)%n");
      System.out.printf("bootstrap of 3 nodes to 1 leader + 2 streaming: %.2f s%n", bootstrap);
      System.out.printf("planned switchover, write gap (100 ms writer): median %.2f s of %s%n", median(switchoverGaps),
          switchoverGaps);
      System.out.printf("unplanned failover, kill -9 -> first write on new leader: median %.2f s of %s%n",
          median(totals), totals);
      System.out.printf("  of which after the leader key expired: median %.3f s of %s%n", median(afterExpiry),
          afterExpiry);
    }
  }

  /** Largest interval between two acknowledged writes of a writer ticking every 100 ms, over a switchover. */
  private double switchoverGap(TestCluster cluster) throws Exception {
    AgentNode leader = cluster.awaitLeader(LONG);
    List<AgentNode> replicas = cluster.nodes.stream().filter(n -> n != leader).toList();
    cluster.awaitStreaming(leader, replicas, LONG);
    AgentNode candidate = replicas.get(0);
    List<Long> acks = Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean writing = new AtomicBoolean(true);
    Thread writer = new Thread(() -> {
      while (writing.get()) {
        long tick = System.nanoTime();
        for (AgentNode n : cluster.nodes) {
          try {
            n.psql("INSERT INTO ticks DEFAULT VALUES", 2);
            acks.add(System.nanoTime());
            break;
          } catch (IllegalStateException notPrimary) {
            // try the next node
          }
        }
        long spent = (System.nanoTime() - tick) / 1_000_000;
        if (spent < 100) {
          Timing.pause(Duration.ofMillis(100 - spent));
        }
      }
    });
    writer.start();
    try {
      Timing.pause(Duration.ofSeconds(2));
      AgentNode.Answer a = leader.call("POST", "/switchover",
          "{\"leader\":\"" + leader.name + "\",\"candidate\":\"" + candidate.name + "\"}");
      if (a.code() != 200) {
        throw new AssertionError("switchover refused: " + a);
      }
      Timing.await("writes on " + candidate.name, LONG, () -> candidate.acceptsWrites() ? Boolean.TRUE : null,
          cluster::describe);
      Timing.pause(Duration.ofSeconds(2));
    } finally {
      writing.set(false);
      writer.join();
    }
    long gap = 0;
    for (int i = 1; i < acks.size(); i++) {
      gap = Math.max(gap, acks.get(i) - acks.get(i - 1));
    }
    cluster.awaitStreaming(candidate, List.of(leader), LONG);
    return seconds(gap);
  }

  /** {total from kill -9 to first write on the new leader, part after the leader key's DELETE}. */
  private double[] unplannedFailover(TestCluster cluster) throws Exception {
    AgentNode leader = cluster.awaitLeader(LONG);
    List<AgentNode> replicas = cluster.nodes.stream().filter(n -> n != leader).toList();
    cluster.awaitStreaming(leader, replicas, LONG);
    AtomicLong deletedAt = new AtomicLong();
    Process watch = new ProcessBuilder("etcdctl", "--endpoints=http://" + ((EtcdServer) cluster.etcd).endpoint(), "watch",
        "/service/" + cluster.scope + "/leader").redirectErrorStream(true).start();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(watch.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          if (line.equals("DELETE")) {
            deletedAt.compareAndSet(0, System.nanoTime());
          }
        }
      } catch (IOException ignored) {
        // the watch ends with the process
      }
    });
    reader.start();
    long killed;
    long firstWrite;
    try {
      // a real failure strikes at any moment of the leader's heartbeat: without this the harness, whose steps
      // follow the loop, would always kill at the same phase of the lease renewal and bias the total
      Timing.pause(Duration.ofMillis(1000 + KILL_PHASE.nextInt(10_000)));
      killed = System.nanoTime();
      leader.crash();
      firstWrite = Timing.await("a write on a new leader", LONG, () -> {
        for (AgentNode n : replicas) {
          if (n.acceptsWrites()) {
            return System.nanoTime();
          }
        }
        return null;
      }, cluster::describe);
    } finally {
      watch.destroy();
      reader.join(2000);
    }
    leader.start();
    AgentNode next = cluster.awaitLeader(LONG);
    cluster.awaitStreaming(next, List.of(leader), LONG);
    double total = seconds(firstWrite - killed);
    double after = deletedAt.get() == 0 ? Double.NaN : seconds(firstWrite - deletedAt.get());
    return new double[] {total, after};
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }
}
