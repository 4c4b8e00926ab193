package io.vigil.clustertest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * synchronous_mode: a commit acknowledged to a client is on a synchronous standby before the acknowledgement,
 * and only a /sync member may be promoted, so no acknowledged write may be lost however the leader dies.
 */
@Tag("safety")
class SynchronousModeIT {
  private static final Duration BOOT = Duration.ofSeconds(120);
  private static final Duration FAILOVER = Duration.ofSeconds(60);

  /**
   * A standby counts as synchronous for failover only once {@code /sync} names it (GET /sync answers 200 on it),
   * which happens a cycle after PostgreSQL reports it as sync: until then only the old leader may lead again.
   */
  private static void awaitSyncStandbyRecorded(TestCluster cluster, AgentNode leader) {
    Timing.await("a synchronous standby recorded in /sync", BOOT, () -> cluster.nodes.stream()
        .filter(n -> n != leader && n.agentAlive())
        .anyMatch(n -> n.get("/sync").code() == 200) ? Boolean.TRUE : null, cluster::describe);
  }

  @Test
  void noAcknowledgedWriteIsLostOverFiveFailovers() throws Exception {
    try (TestCluster cluster = new TestCluster("sync").withDcs("synchronous_mode", "true")) {
      cluster.addNode("s0", null);
      cluster.addNode("s1", null);
      cluster.addNode("s2", null);
      cluster.startAll();
      AgentNode leader = cluster.awaitLeader(BOOT);
      cluster.awaitStreaming(leader, cluster.nodes.stream().filter(n -> n != leader).toList(), BOOT);
      leader.sql("CREATE TABLE acks(id int primary key)");

      Set<Integer> acknowledged = new ConcurrentSkipListSet<>();
      AtomicBoolean writing = new AtomicBoolean(true);
      AtomicInteger next = new AtomicInteger();
      Thread writer = new Thread(() -> {
        while (writing.get()) {
          int id = next.incrementAndGet();
          for (AgentNode n : cluster.nodes) {
            if (!n.agentAlive()) {
              continue;
            }
            try {
              n.psql("INSERT INTO acks VALUES (" + id + ")", 5);
              acknowledged.add(id);
              break;
            } catch (IllegalStateException notPrimaryOrDown) {
              // read-only replica or a node going down: try the next one; this id was not acknowledged
            }
          }
        }
      }, "acknowledged-writer");
      writer.start();
      AgentNode current = leader;
      try {
        for (int round = 1; round <= 5; round++) {
          awaitSyncStandbyRecorded(cluster, current);
          int before = acknowledged.size();
          Timing.await("writes acknowledged in round " + round, FAILOVER,
              () -> acknowledged.size() > before + 5 ? Boolean.TRUE : null, cluster::describe);
          AgentNode crashed = current;
          crashed.crash();
          current = Timing.await("a new leader in round " + round, FAILOVER, () -> {
            List<AgentNode> primaries = cluster.nodes.stream().filter(n -> n != crashed && n.agentAlive())
                .filter(n -> n.get("/primary").code() == 200).toList();
            return primaries.size() == 1 ? primaries.get(0) : null;
          }, cluster::describe);
          crashed.start();
          cluster.awaitStreaming(current, List.of(crashed), BOOT);
        }
        int after = acknowledged.size();
        Timing.await("writes on the final leader", FAILOVER,
            () -> acknowledged.size() > after + 5 ? Boolean.TRUE : null, cluster::describe);
      } finally {
        writing.set(false);
        writer.join();
      }

      String stored = current.psql("SELECT string_agg(id::text, ',') FROM acks", 30);
      Set<Integer> present = stored.isEmpty() ? Set.of()
          : List.of(stored.split(",")).stream().map(Integer::valueOf).collect(Collectors.toSet());
      Set<Integer> lost = new TreeSet<>(acknowledged);
      lost.removeAll(present);
      assertTrue(acknowledged.size() > 30, "the writer made progress: " + acknowledged.size());
      assertEquals(Set.of(), lost, "acknowledged writes lost over 5 failovers");
    }
  }
}
