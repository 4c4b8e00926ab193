package io.vigil.clustertest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.clustertest.FaultScenarios.Scenario;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The watchdog closes the frozen-agent gap (docs/safety.md, docs/watchdog.md §5): three agents with
 * {@code watchdog.mode: required} on Patroni's testing driver, each device a FIFO played by {@link WatchdogHarness}
 * (kill -9 of the postmaster when an armed device goes without a keepalive for longer than its timeout). Only the
 * leader arms its device, with ttl 20 − safety_margin 5 = 15 s, and feeds it every cycle. Then the leader's agent
 * is frozen with SIGSTOP for longer than ttl, under a writer per node: its device must fire and stop the old
 * primary before another node promotes, so at no moment do two primaries take writes. A fourth node, in mode
 * required with no device at all, joins as a replica: it reports {@code watchdog_failed} in {@code GET /patroni}, a
 * switchover to it is refused, and it never takes the key.
 */
@Tag("safety")
class WatchdogIT {
  @Test
  void frozenLeaderAgentIsStoppedByItsWatchdogBeforeAReplicaPromotes() throws Exception {
    try (WatchdogHarness harness = new WatchdogHarness();
        TestCluster cluster = TestCluster.partitionable("watchdog", 4).withNodeYaml(
            n -> n.name.equals("w3") ? WatchdogHarness.missingDeviceYaml(n) : harness.yaml(n))) {
      cluster.addNode("w0", null);
      cluster.addNode("w1", null);
      cluster.addNode("w2", null);
      try (FaultScenarios faults = new FaultScenarios(cluster, "vigil").withWatchdog().start()) {
        AgentNode leader = cluster.awaitLeader(Duration.ofSeconds(120));
        Timing.await("the leader's watchdog armed with ttl - safety_margin and fed", Duration.ofSeconds(30),
            () -> harness.armed(leader.name) && harness.keepalives(leader.name) >= 2 ? Boolean.TRUE : null,
            harness::describe);
        assertEquals(15, harness.timeoutSeconds(leader.name), harness.describe());
        for (AgentNode n : cluster.nodes) {
          if (n != leader) {
            assertEquals(false, harness.armed(n.name), n.name + " is a replica: " + harness.describe());
          }
        }
        String status = leader.get("/patroni").body();
        assertTrue(!status.contains("watchdog_failed"), "a usable watchdog is not reported failed: " + status);

        // started once the cluster runs: a node that won the bootstrap race without a device would exit instead
        AgentNode noDevice = cluster.addNode("w3", null).start();
        cluster.awaitStreaming(leader, List.of(noDevice), Duration.ofSeconds(120));
        // the stream may start before the agent's cycle publishes its new state: wait for both in one answer
        Timing.await("w3 running as a replica and reporting watchdog_failed", Duration.ofSeconds(60), () -> {
          String body = noDevice.get("/patroni").body();
          return body != null && body.contains("\"watchdog_failed\": true")
              && body.contains("\"role\": \"replica\"") && body.contains("\"state\": \"running\"") ? body : null;
        }, () -> noDevice.get("/patroni").body());
        AgentNode.Answer refused = leader.call("POST", "/switchover",
            "{\"leader\":\"" + leader.name + "\",\"candidate\":\"w3\"}");
        assertEquals(412, refused.code(), refused.body());
        assertTrue(refused.body().contains("no good candidates"), refused.body());

        FaultRound r = faults.run(Scenario.LEADER_AGENT_FROZEN, Duration.ofMillis(700));
        System.out.println("FAULT ROUND (watchdog) " + r + "; " + harness.describe());
        assertEquals(List.of(), r.problems(), r + "; " + harness.describe());
        assertTrue(!r.splitBrain(), "two writable primaries: " + r);
        assertTrue(!r.newLeader().equals("w3"), "the node without a device took the key: " + r);

        List<WatchdogHarness.Firing> firings = harness.firings();
        assertEquals(1, firings.size(), "exactly the frozen leader's device fired: " + harness.describe());
        WatchdogHarness.Firing fired = firings.get(0);
        assertEquals(leader.name, fired.node(), harness.describe());
        assertTrue(fired.postmasterPid() > 0, "the old primary's postmaster was running when the device fired");
        assertTrue(fired.silentMillis() < (cluster.ttl() - 4) * 1000L,
            "fired before the leader key (ttl " + cluster.ttl() + " s) could expire: " + fired);
        // after the thaw the old leader's agent disarms its device with the magic close
        Timing.await(leader.name + "'s agent closing its device after the thaw", Duration.ofSeconds(60),
            () -> harness.magicCloses(leader.name) >= 1 ? Boolean.TRUE : null, harness::describe);
      }
    }
  }
}
