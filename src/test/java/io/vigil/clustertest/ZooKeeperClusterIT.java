package io.vigil.clustertest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * The demo's set-up — the embedded ZooKeeper as the DCS — with three agents, operated the way an operator would:
 * through {@code bin/vigilctl}, the patronictl twin, against the live cluster.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ZooKeeperClusterIT {
  private static final Duration BOOT = Duration.ofSeconds(120);
  private static final Duration FAILOVER = Duration.ofSeconds(60);
  private TestCluster cluster;

  @BeforeAll
  void startCluster() throws Exception {
    cluster = new TestCluster("zk", true);
    cluster.addNode("z0", null);
    cluster.addNode("z1", null);
    cluster.addNode("z2", null);
    cluster.startAll();
  }

  @AfterAll
  void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private record Run(int code, String out) {}

  /** Runs {@code bin/vigilctl -c <z0's config> ARGS} from the repository, on the jar under test. */
  private Run vigilctl(String... args) throws IOException, InterruptedException {
    Path repo = Path.of(System.getProperty("vigil.repo", "."));
    List<String> cmd = new ArrayList<>(List.of(repo.resolve("bin/vigilctl").toString(), "-c",
        cluster.node("z0").config.toString()));
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
  void bootstrapsOnZooKeeperAndListsLikePatronictl() throws Exception {
    AgentNode leader = healthyLeader();
    Run list = vigilctl("list");
    assertEquals(0, list.code(), list.out());
    assertTrue(list.out().contains("+ Cluster: zk ("), list.out());
    assertTrue(list.out().contains("| Member | Host"), list.out());
    for (AgentNode n : cluster.nodes) {
      String row = list.out().lines().filter(l -> l.startsWith("| " + n.name + " ")).findFirst().orElse("");
      assertTrue(row.contains(n == leader ? "| Leader " : "| Replica "), list.out());
    }
    Run json = vigilctl("list", "-f", "json");
    assertEquals(0, json.code(), json.out());
    JsonNode members = new ObjectMapper().readTree(json.out());
    assertEquals(3, members.size(), json.out());
    for (JsonNode m : members) {
      assertEquals("zk", m.path("Cluster").asText());
      assertEquals(m.path("Member").asText().equals(leader.name) ? "Leader" : "Replica", m.path("Role").asText());
    }
  }

  @Test
  @Order(2)
  void switchoverThroughVigilctl() throws Exception {
    AgentNode leader = healthyLeader();
    AgentNode candidate = cluster.nodes.stream().filter(n -> n != leader).findFirst().orElseThrow();
    Run run = vigilctl("switchover", "zk", "--leader", leader.name, "--candidate", candidate.name, "--force");
    assertEquals(0, run.code(), run.out());
    assertTrue(run.out().contains("Successfully switched over to \"" + candidate.name + "\""), run.out());
    Timing.await(candidate.name + " leading", FAILOVER,
        () -> candidate.get("/primary").code() == 200 ? Boolean.TRUE : null, cluster::describe);
    cluster.awaitStreaming(candidate, List.of(leader), FAILOVER);
  }

  @Test
  @Order(3)
  void editConfigShowConfigPauseAndResume() throws Exception {
    healthyLeader();
    Run edit = vigilctl("edit-config", "zk", "-s", "maximum_lag_on_failover=2097152", "--force");
    assertEquals(0, edit.code(), edit.out());
    Run show = vigilctl("show-config", "zk");
    assertTrue(show.out().contains("maximum_lag_on_failover: 2097152"), show.out());
    Run pause = vigilctl("pause", "zk", "--wait");
    assertEquals(0, pause.code(), pause.out());
    assertTrue(vigilctl("list").out().contains("Maintenance mode: on"));
    Run resume = vigilctl("resume", "zk", "--wait");
    assertEquals(0, resume.code(), resume.out());
    assertTrue(!vigilctl("list").out().contains("Maintenance mode: on"));
  }

  @Test
  @Order(4)
  void restartAndReinitializeAReplicaThroughVigilctl() throws Exception {
    AgentNode leader = healthyLeader();
    AgentNode replica = cluster.nodes.stream().filter(n -> n != leader).findFirst().orElseThrow();
    String startedBefore = replica.status().path("postmaster_start_time").asText();
    Run restart = vigilctl("restart", "zk", replica.name, "--force");
    assertEquals(0, restart.code(), restart.out());
    assertTrue(restart.out().contains("Success: restart on member " + replica.name), restart.out());
    assertNotEquals(startedBefore, replica.status().path("postmaster_start_time").asText());

    Run reinit = vigilctl("reinit", "zk", replica.name, "--force", "--wait");
    assertEquals(0, reinit.code(), reinit.out());
    assertTrue(reinit.out().contains("Success: reinitialize for member " + replica.name), reinit.out());
    cluster.awaitStreaming(leader, List.of(replica), BOOT);
  }

  @Test
  @Order(5)
  void crashedLeaderIsReplacedOnZooKeeper() throws Exception {
    AgentNode leader = healthyLeader();
    leader.crash();
    AgentNode next = Timing.await("a new leader", FAILOVER, () -> {
      List<AgentNode> primaries = cluster.nodes.stream().filter(n -> n != leader && n.agentAlive())
          .filter(n -> n.get("/primary").code() == 200).toList();
      return primaries.size() == 1 ? primaries.get(0) : null;
    }, cluster::describe);
    assertTrue(next.acceptsWrites());
    Run history = vigilctl("history", "zk");
    assertEquals(0, history.code(), history.out());
    assertTrue(history.out().contains("| TL |"), history.out());
    leader.start();
    cluster.awaitStreaming(next, List.of(leader), BOOT);
  }

  @Test
  @Order(6)
  void unknownMemberIsAClearError() throws Exception {
    Run run = vigilctl("restart", "zk", "nosuchnode", "--force");
    assertNotEquals(0, run.code(), run.out());
    // patronictl's own wording for a member name that matches nobody
    assertTrue(run.out().contains("Error: No any among provided members"), run.out());
  }
}
