package io.vigil.clustertest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The demo's set-up — the embedded ZooKeeper as the DCS — with three agents, operated the way an operator would:
 * through {@code bin/vigilctl}, the patronictl twin, against the live cluster.
 */
class ZooKeeperClusterIT extends VigilctlClusterScenarios {
  ZooKeeperClusterIT() {
    super("zk", "z");
  }

  @Override
  TestCluster newCluster() throws Exception {
    return new TestCluster("zk", true);
  }

  @Test
  @Order(1)
  void bootstrapsOnZooKeeperAndListsLikePatronictl() throws Exception {
    AgentNode leader = healthyLeader();
    Run list = listShowsLeaderAndReplicas(leader);
    assertTrue(list.out().contains("| Member | Host"), list.out());
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
    AgentNode next = crashAndAwaitNewLeader(leader);
    Run history = vigilctl("history", "zk");
    assertEquals(0, history.code(), history.out());
    assertTrue(history.out().contains("| TL |"), history.out());
    rejoin(leader, next);
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
