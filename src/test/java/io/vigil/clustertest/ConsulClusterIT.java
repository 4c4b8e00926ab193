package io.vigil.clustertest;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Three agents on Consul — the Consul HTTP API emulator of plugins/dcs-consul's tests, since no Consul agent can be
 * installed here — through the cluster's life: bootstrap and {@code bin/vigilctl list}, a switchover through
 * vigilctl (shared, {@link VigilctlClusterScenarios}), a kill -9 of the leader, and the DCS going away (the leader
 * must stop taking writes before ttl).
 */
class ConsulClusterIT extends VigilctlClusterScenarios {
  ConsulClusterIT() {
    super("consul", "c");
  }

  @Override
  TestCluster newCluster() throws Exception {
    return TestCluster.onConsul("consul");
  }

  @Test
  @Order(1)
  void bootstrapsOnConsulAndListsLikePatronictl() throws Exception {
    listShowsLeaderAndReplicas(healthyLeader());
  }

  /** kill -9: the session is no longer renewed, Consul deletes the leader key with it, a replica takes over. */
  @Test
  @Order(3)
  void crashedLeaderIsReplacedOnConsul() throws Exception {
    AgentNode leader = healthyLeader();
    AgentNode next = crashAndAwaitNewLeader(leader);
    rejoin(leader, next);
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
