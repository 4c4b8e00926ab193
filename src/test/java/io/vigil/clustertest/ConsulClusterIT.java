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
 * Three agents on Consul — the Consul HTTP API emulator of plugins/dcs-consul's tests, since no Consul agent can be
 * installed here — through the cluster's life: bootstrap and {@code bin/vigilctl list}, a switchover through
 * vigilctl, a kill -9 of the leader, and the DCS going away (the leader must stop taking writes before ttl).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsulClusterIT {
  private static final Duration BOOT = Duration.ofSeconds(120);
  private static final Duration FAILOVER = Duration.ofSeconds(60);
  private TestCluster cluster;

  @BeforeAll
  void startCluster() throws Exception {
    cluster = TestCluster.onConsul("consul");
    cluster.addNode("c0", null);
    cluster.addNode("c1", null);
    cluster.addNode("c2", null);
    cluster.startAll();
  }

  @AfterAll
  void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private record Run(int code, String out) {}

  /** Runs {@code bin/vigilctl -c <c0's config> ARGS} from the repository, on the jar under test. */
  private Run vigilctl(String... args) throws IOException, InterruptedException {
    Path repo = Path.of(System.getProperty("vigil.repo", "."));
    List<String> cmd = new ArrayList<>(List.of(repo.resolve("bin/vigilctl").toString(), "-c",
        cluster.node("c0").config.toString()));
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

  private AgentNode healthyLeader() {
    AgentNode leader = cluster.awaitLeader(BOOT);
    cluster.awaitStreaming(leader, cluster.nodes.stream().filter(n -> n != leader && n.agentAlive()).toList(), BOOT);
    return leader;
  }

  @Test
  @Order(1)
  void bootstrapsOnConsulAndListsLikePatronictl() throws Exception {
    AgentNode leader = healthyLeader();
    Run list = vigilctl("list");
    assertEquals(0, list.code(), list.out());
    assertTrue(list.out().contains("+ Cluster: consul ("), list.out());
    for (AgentNode n : cluster.nodes) {
      String row = list.out().lines().filter(l -> l.startsWith("| " + n.name + " ")).findFirst().orElse("");
      assertTrue(row.contains(n == leader ? "| Leader " : "| Replica "), list.out());
    }
  }

  @Test
  @Order(2)
  void switchoverThroughVigilctl() throws Exception {
    AgentNode leader = healthyLeader();
    AgentNode candidate = cluster.nodes.stream().filter(n -> n != leader).findFirst().orElseThrow();
    Run run = vigilctl("switchover", "consul", "--leader", leader.name, "--candidate", candidate.name, "--force");
    assertEquals(0, run.code(), run.out());
    assertTrue(run.out().contains("Successfully switched over to \"" + candidate.name + "\""), run.out());
    Timing.await(candidate.name + " leading", FAILOVER,
        () -> candidate.get("/primary").code() == 200 ? Boolean.TRUE : null, cluster::describe);
    cluster.awaitStreaming(candidate, List.of(leader), FAILOVER);
  }

  /** kill -9: the session is no longer renewed, Consul deletes the leader key with it, a replica takes over. */
  @Test
  @Order(3)
  void crashedLeaderIsReplacedOnConsul() throws Exception {
    AgentNode leader = healthyLeader();
    leader.crash();
    AgentNode next = Timing.await("a new leader", FAILOVER, () -> {
      List<AgentNode> primaries = cluster.nodes.stream().filter(n -> n != leader && n.agentAlive())
          .filter(n -> n.get("/primary").code() == 200).toList();
      return primaries.size() == 1 ? primaries.get(0) : null;
    }, cluster::describe);
    assertTrue(next.acceptsWrites());
    leader.start();
    cluster.awaitStreaming(next, List.of(leader), BOOT);
  }

  @Test
  @Order(4)
  void leaderStopsTakingWritesBeforeTtlWhenConsulIsDownAndResumesAfter() throws Exception {
    AgentNode leader = healthyLeader();
    cluster.etcd.stop();
    long stoppedAt = System.nanoTime();
    Timing.await("the leader to refuse writes", Duration.ofSeconds(cluster.ttl()),
        () -> leader.acceptsWrites() ? null : Boolean.TRUE, cluster::describe);
    long seconds = Duration.ofNanos(System.nanoTime() - stoppedAt).toSeconds();
    assertTrue(seconds < cluster.ttl(), "read-only after " + seconds + " s, must be before ttl (" + cluster.ttl() + " s)");

    cluster.etcd.start();
    AgentNode again = cluster.awaitLeader(FAILOVER);
    Timing.await("writes accepted after Consul returned", FAILOVER,
        () -> again.acceptsWrites() ? Boolean.TRUE : null, cluster::describe);
  }
}
