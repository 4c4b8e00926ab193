package io.vigil.clustertest;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vigil.clustertest.FaultScenarios.Scenario;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Safety under faults, the long run: N seeded random rounds of {@link FaultScenarios} on a 3-node etcd cluster with
 * Patroni's default timings, and a table per scenario. A benchmark, not a test: it runs only with
 * {@code -Dvigil.bench=true}. Properties:
 * <ul>
 *   <li>{@code vigil.faults.rounds} (20), {@code vigil.faults.seed} (random, printed),
 *       {@code vigil.faults.scenarios} (comma-separated names, default all);</li>
 *   <li>{@code vigil.faults.patroni}: a start command with {@code {config}}, e.g. {@code patroni {config}}: the same
 *       rounds (same seed, so the same scenarios at the same phases) run against Patroni after Vigil and both
 *       agents' rows are printed in one table; {@code vigil.faults.vigil=false} skips Vigil.</li>
 * </ul>
 */
@Tag("safety")
class FaultBenchmarkIT {
  @Test
  void printsSafetyTable() throws Exception {
    assumeTrue(Boolean.getBoolean("vigil.bench"), "benchmark: run with -Dvigil.bench=true");
    int rounds = Integer.getInteger("vigil.faults.rounds", 20);
    long seed = Long.getLong("vigil.faults.seed", System.nanoTime());
    String names = System.getProperty("vigil.faults.scenarios", "");
    List<Scenario> scenarios = names.isBlank() ? Arrays.asList(Scenario.values())
        : Arrays.stream(names.split(",")).map(String::trim).map(Scenario::valueOf).toList();
    System.out.printf("%nFAULT RUN: %d rounds, seed %d (-Dvigil.faults.seed=%d repeats it), scenarios %s%n", rounds, seed,
        seed, scenarios);

    List<FaultRound> all = new ArrayList<>();
    if (!"false".equals(System.getProperty("vigil.faults.vigil"))) {
      all.addAll(run("vigil", null, rounds, seed, scenarios));
    }
    String patroni = System.getProperty("vigil.faults.patroni", "");
    if (!patroni.isBlank()) {
      all.addAll(run("patroni", patroni, rounds, seed, scenarios));
    }
    System.out.printf("%nSAFETY UNDER FAULTS (3 nodes, loopback, etcd, ttl 30 / loop_wait 10 / retry_timeout 10, "
        + "%d rounds per agent, seed %d)%n%s", rounds, seed, FaultTable.render(all));
    for (FaultRound r : all) {
      if (!r.problems().isEmpty()) {
        System.out.println("  " + r);
      }
    }
  }

  private List<FaultRound> run(String agent, String command, int rounds, long seed, List<Scenario> scenarios)
      throws Exception {
    Random random = new Random(seed);
    List<FaultRound> out = new ArrayList<>();
    try (TestCluster cluster = TestCluster.partitionable("faults-" + agent, 3).withTiming(30, 10, 10)) {
      if (command != null) {
        cluster.withAgentCommand(command);
      }
      cluster.addNode(agent.charAt(0) + "0", null);
      cluster.addNode(agent.charAt(0) + "1", null);
      cluster.addNode(agent.charAt(0) + "2", null);
      try (FaultScenarios faults = new FaultScenarios(cluster, agent).start()) {
        for (int i = 1; i <= rounds; i++) {
          Scenario s = scenarios.get(random.nextInt(scenarios.size()));
          Duration phase = Duration.ofMillis(random.nextInt(cluster.loopWait() * 1000));
          FaultRound r;
          try {
            r = faults.run(s, phase);
          } catch (AssertionError e) {
            // the cluster never became healthy again: the run cannot go on
            System.out.println("FAULT ROUND " + i + " " + s + " [" + agent + "]: cluster unhealthy, stopping: " + e.getMessage());
            break;
          }
          System.out.println("FAULT ROUND " + i + " " + r);
          out.add(r);
        }
      }
    }
    return out;
  }
}
