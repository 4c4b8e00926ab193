package io.vigil.clustertest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Three agents on one DCS, operated through {@code bin/vigilctl} as an operator would: the scenarios the
 * per-DCS cluster tests share. A subclass says only how its cluster (and so its DCS) is made, and adds its own
 * scenarios.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class VigilctlClusterScenarios {
  static final Duration BOOT = Duration.ofSeconds(120);
  static final Duration FAILOVER = Duration.ofSeconds(60);

  /** The cluster's scope, as vigilctl is given it. */
  final String scope;
  private final String nodePrefix;
  TestCluster cluster;

  VigilctlClusterScenarios(String scope, String nodePrefix) {
    this.scope = scope;
    this.nodePrefix = nodePrefix;
  }

  /** A cluster with the given scope on this test's DCS, no nodes added yet. */
  abstract TestCluster newCluster() throws Exception;

  @BeforeAll
  void startCluster() throws Exception {
    cluster = newCluster();
    cluster.addNode(nodePrefix + "0", null);
    cluster.addNode(nodePrefix + "1", null);
    cluster.addNode(nodePrefix + "2", null);
    cluster.startAll();
  }

  @AfterAll
  void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  record Run(int code, String out) {}

  /** Runs {@code bin/vigilctl -c <the first node's config> ARGS} from the repository, on the jar under test. */
  Run vigilctl(String... args) throws IOException, InterruptedException {
    Path repo = Path.of(System.getProperty("vigil.repo", "."));
    List<String> cmd = new ArrayList<>(List.of(repo.resolve("bin/vigilctl").toString(), "-c",
        cluster.node(nodePrefix + "0").config.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE);
    pb.environment().put("VIGIL_JAR", cluster.dir.resolve("vigil.jar").toString());
    Process p = pb.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(Timing.scaled(Duration.ofSeconds(120)).toSeconds(), TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("vigilctl " + String.join(" ", args) + " did not finish: " + out);
    }
    return new Run(p.exitValue(), out);
  }

  AgentNode healthyLeader() {
    AgentNode leader = cluster.awaitLeader(BOOT);
    cluster.awaitStreaming(leader, cluster.nodes.stream().filter(n -> n != leader && n.agentAlive()).toList(), BOOT);
    return leader;
  }

  /** {@code vigilctl list} names the cluster and shows the leader as Leader, every other node as Replica. */
  Run listShowsLeaderAndReplicas(AgentNode leader) throws IOException, InterruptedException {
    Run list = vigilctl("list");
    assertEquals(0, list.code(), list.out());
    assertTrue(list.out().contains("+ Cluster: " + scope + " ("), list.out());
    for (AgentNode n : cluster.nodes) {
      String row = list.out().lines().filter(l -> l.startsWith("| " + n.name + " ")).findFirst().orElse("");
      assertTrue(row.contains(n == leader ? "| Leader " : "| Replica "), list.out());
    }
    return list;
  }

  @Test
  @Order(2)
  void switchoverThroughVigilctl() throws Exception {
    AgentNode leader = healthyLeader();
    AgentNode candidate = cluster.nodes.stream().filter(n -> n != leader).findFirst().orElseThrow();
    Run run = vigilctl("switchover", scope, "--leader", leader.name, "--candidate", candidate.name, "--force");
    assertEquals(0, run.code(), run.out());
    assertTrue(run.out().contains("Successfully switched over to \"" + candidate.name + "\""), run.out());
    Timing.await(candidate.name + " leading", FAILOVER,
        () -> candidate.get("/primary").code() == 200 ? Boolean.TRUE : null, cluster::describe);
    cluster.awaitStreaming(candidate, List.of(leader), FAILOVER);
  }

  /** kill -9 of the leader: exactly one other live node becomes primary and takes writes; it is returned. */
  AgentNode crashAndAwaitNewLeader(AgentNode leader) throws Exception {
    leader.crash();
    AgentNode next = Timing.await("a new leader", FAILOVER, () -> {
      List<AgentNode> primaries = cluster.nodes.stream().filter(n -> n != leader && n.agentAlive())
          .filter(n -> n.get("/primary").code() == 200).toList();
      return primaries.size() == 1 ? primaries.get(0) : null;
    }, cluster::describe);
    assertTrue(next.acceptsWrites());
    return next;
  }

  /** Starts the crashed former leader again and waits for it to stream from the new one. */
  void rejoin(AgentNode former, AgentNode next) throws Exception {
    former.start();
    cluster.awaitStreaming(next, List.of(former), BOOT);
  }
}
