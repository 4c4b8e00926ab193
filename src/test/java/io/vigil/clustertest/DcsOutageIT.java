package io.vigil.clustertest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The DCS going away under a 3-node cluster (short timings, ttl 20): without failsafe_mode the leader stops taking
 * writes before ttl; with it, the leader keeps them while every member is reachable. Safety scenarios: run in
 * failsafe's {@code safety} execution, never rerun.
 */
@Tag("safety")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DcsOutageIT {
  private static final Duration BOOT = Duration.ofSeconds(120);
  private static final Duration FAILOVER = Duration.ofSeconds(60);
  private TestCluster cluster;

  @BeforeAll
  void startCluster() throws Exception {
    cluster = new TestCluster("outage");
    cluster.addNode("o0", null);
    cluster.addNode("o1", null);
    cluster.addNode("o2", null);
    cluster.startAll();
  }

  @AfterAll
  void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private AgentNode healthyLeader() {
    AgentNode leader = cluster.awaitLeader(BOOT);
    cluster.awaitStreaming(leader, cluster.nodes.stream().filter(n -> n != leader).toList(), BOOT);
    return leader;
  }

  @Test
  @Order(1)
  void leaderStopsTakingWritesBeforeTtlWhenDcsIsDownAndResumesAfter() throws Exception {
    AgentNode leader = healthyLeader();
    cluster.etcd.stop();
    long stoppedAt = System.nanoTime();
    Timing.await("the leader to refuse writes", Duration.ofSeconds(20),
        () -> leader.acceptsWrites() ? null : Boolean.TRUE, cluster::describe);
    long seconds = Duration.ofNanos(System.nanoTime() - stoppedAt).toSeconds();
    assertTrue(seconds < 20, "read-only after " + seconds + " s, must be before ttl (20 s)");

    cluster.etcd.start();
    AgentNode again = cluster.awaitLeader(FAILOVER);
    Timing.await("writes accepted after etcd returned", FAILOVER,
        () -> again.acceptsWrites() ? Boolean.TRUE : null, cluster::describe);
  }

  @Test
  @Order(2)
  void failsafeModeKeepsLeaderWritableWhileDcsIsDown() throws Exception {
    AgentNode leader = healthyLeader();
    AgentNode.Answer on = leader.call("PATCH", "/config", "{\"failsafe_mode\":true}");
    assertEquals(200, on.code(), on.body());
    Timing.await("the failsafe key listing every member", FAILOVER, () -> {
      AgentNode.Answer f = leader.get("/failsafe");
      return f.code() == 200 && cluster.nodes.stream().allMatch(n -> f.body().contains(n.name)) ? Boolean.TRUE : null;
    }, cluster::describe);
    // a member that has not yet loaded failsafe_mode answers POST /failsafe with 502 and the leader rightly
    // demotes (Patroni's do_POST_failsafe does the same), so every member must know it before the DCS goes
    Timing.await("every member reporting failsafe mode enabled", FAILOVER,
        () -> cluster.nodes.stream().allMatch(n -> n.get("/metrics").body()
            .contains("patroni_failsafe_mode_enabled{scope=\"outage\",name=\"" + n.name + "\"} 1")) ? Boolean.TRUE : null,
        cluster::describe);

    cluster.etcd.stop();
    long until = System.nanoTime() + Timing.scaled(Duration.ofSeconds(30)).toNanos();
    while (System.nanoTime() < until) {
      assertTrue(leader.acceptsWrites(), () -> "the leader must keep taking writes in failsafe mode\n"
          + cluster.describe() + "\n" + leader.name + "'s log:\n" + leader.logTail(120));
      Timing.pause(Duration.ofSeconds(1));
    }
    cluster.etcd.start();
    assertEquals(leader, cluster.awaitLeader(FAILOVER));
    Timing.await("failsafe_mode switched off again", FAILOVER,
        () -> leader.call("PATCH", "/config", "{\"failsafe_mode\":false}").code() == 200 ? Boolean.TRUE : null,
        cluster::describe);
  }
}
