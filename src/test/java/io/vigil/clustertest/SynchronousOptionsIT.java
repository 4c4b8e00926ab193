package io.vigil.clustertest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code synchronous_node_count: 2} and {@code synchronous_mode_strict} on a real 4-node cluster: q0 leads (it
 * starts first), q1 and q2 are the two synchronous standbys, q3 carries {@code nosync} and stays asynchronous.
 * The failover and strict steps check that no commit is acknowledged that a promotable standby may lack: safety
 * checks, never rerun. The steps run in order on one cluster and each first waits for the healthy state it
 * starts from (the strict step continues under the leader the failover step left), so a failure names the
 * behaviour that broke.
 */
@Tag("safety")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SynchronousOptionsIT {
  private static final Duration BOOT = Duration.ofSeconds(120);
  private static final Duration FAILOVER = Duration.ofSeconds(60);
  private TestCluster cluster;

  @BeforeAll
  void startCluster() throws Exception {
    cluster = new TestCluster("syncopts")
        .withDcs("synchronous_mode", "true")
        .withDcs("synchronous_node_count", "2");
    cluster.addNode("q0", null);
    cluster.addNode("q1", null);
    cluster.addNode("q2", null);
    cluster.addNode("q3", "  nosync: true");
    cluster.node("q0").start();
    assertEquals(cluster.node("q0"), cluster.awaitLeader(BOOT));
    for (String name : List.of("q1", "q2", "q3")) {
      cluster.node(name).start();
    }
  }

  @AfterAll
  void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private AgentNode node(String name) {
    return cluster.node(name);
  }

  /** application_name → sync_state from the leader's pg_stat_replication, for streaming standbys. */
  private static Map<String, String> syncStates(AgentNode leader) {
    Map<String, String> states = new TreeMap<>();
    String rows = leader.sql("SELECT string_agg(application_name || '=' || sync_state, ',') FROM pg_stat_replication "
        + "WHERE state = 'streaming'");
    for (String row : rows.isEmpty() ? new String[0] : rows.split(",")) {
      String[] kv = row.split("=", 2);
      states.put(kv[0], kv[1]);
    }
    return states;
  }

  /** member name → role in {@code leader}'s GET /cluster. */
  private static Map<String, String> clusterRoles(AgentNode any) {
    Map<String, String> roles = new TreeMap<>();
    for (JsonNode m : any.get("/cluster").json().path("members")) {
      roles.put(m.path("name").asText(), m.path("role").asText());
    }
    return roles;
  }

  /**
   * Waits until {@code leader} leads with {@code sync} as its synchronous standbys (PostgreSQL, /sync and GET
   * /cluster agree) and every other live member streams asynchronously.
   */
  private void awaitSyncStandbys(AgentNode leader, List<String> sync) {
    List<AgentNode> replicas = cluster.nodes.stream().filter(n -> n != leader && n.agentAlive()).toList();
    cluster.awaitStreaming(leader, replicas, BOOT);
    Timing.await(sync + " synchronous behind " + leader.name, BOOT, () -> {
      Map<String, String> states = syncStates(leader);
      Map<String, String> roles = clusterRoles(leader);
      for (AgentNode r : replicas) {
        boolean wanted = sync.contains(r.name);
        if (!(wanted ? "sync" : "async").equals(states.get(r.name))
            || !(wanted ? "sync_standby" : "replica").equals(roles.get(r.name))) {
          return null;
        }
      }
      return "leader".equals(roles.get(leader.name)) ? Boolean.TRUE : null;
    }, () -> syncStates(leader) + " " + clusterRoles(leader) + cluster.describe());
  }

  @Test
  @Order(1)
  void nodeCountTwoMakesBothEligibleReplicasSynchronous() {
    AgentNode q0 = node("q0");
    awaitSyncStandbys(q0, List.of("q1", "q2"));
    String ssn = q0.sql("SHOW synchronous_standby_names");
    assertTrue(ssn.matches("2 \\(\"?q[12]\"?,\"?q[12]\"?\\)") && ssn.contains("q1") && ssn.contains("q2"),
        "synchronous_standby_names names both: " + ssn);
    // each member's health checks follow /sync from its own next cycle
    for (String name : List.of("q1", "q2")) {
      Timing.await(name + " answering 200 on /sync", FAILOVER,
          () -> node(name).get("/sync").code() == 200 ? Boolean.TRUE : null, cluster::describe);
    }
    assertEquals(503, node("q3").get("/sync").code(), "the nosync member is not synchronous");
    assertEquals(200, node("q3").get("/async").code(), "the nosync member streams asynchronously");
  }

  @Test
  @Order(2)
  void failoverPromotesOnlyASynchronousStandby() throws Exception {
    AgentNode q0 = node("q0");
    awaitSyncStandbys(q0, List.of("q1", "q2"));
    q0.sql("CREATE TABLE IF NOT EXISTS acked(id int primary key)");
    q0.sql("INSERT INTO acked VALUES (1)");
    // all three standbys hold all the WAL, so no position check can be what keeps q3 from leading
    Timing.await("every standby caught up", BOOT, () -> q0.sql("SELECT count(*) FROM pg_stat_replication "
        + "WHERE flush_lsn = pg_current_wal_lsn()").equals("3") ? Boolean.TRUE : null, cluster::describe);

    // the leader and both synchronous standbys crash: only the asynchronous q3 is left, healthy and up to date
    for (String name : List.of("q0", "q1", "q2")) {
      node(name).crash();
    }
    AgentNode q3 = node("q3");
    // the leader key expires after ttl; watch for a few cycles past it
    long until = System.nanoTime() + Timing.scaled(Duration.ofSeconds(cluster.ttl() + 4L * cluster.loopWait()))
        .toNanos();
    while (System.nanoTime() < until) {
      assertNotEquals(200, q3.get("/primary").code(), "the asynchronous q3 was promoted:" + cluster.describe());
      Timing.pause(Duration.ofMillis(500));
    }
    assertEquals("replica", q3.role(), "q3 stays a replica");

    // a synchronous standby that comes back takes over, q3 follows it. q2's PostgreSQL was killed as a replica
    // and there is no leader: it must restart as a standby (no single-user crash recovery, which a replica is
    // never given) before it can race for the key
    AgentNode q2 = node("q2");
    q2.start();
    Timing.await("q2 as the leader", FAILOVER, () -> q2.get("/primary").code() == 200 ? Boolean.TRUE : null,
        cluster::describe);
    assertNotEquals(200, q3.get("/primary").code());
    assertEquals("1", q2.sql("SELECT count(*) FROM acked"));
    cluster.awaitStreaming(q2, List.of(q3), BOOT);
  }

  @Test
  @Order(3)
  void strictModeHoldsCommitsUntilASynchronousStandbyReturns() throws Exception {
    AgentNode q2 = node("q2");
    for (String name : List.of("q0", "q1")) {
      if (!node(name).agentAlive()) {
        node(name).start();
      }
    }
    assertEquals(q2, cluster.awaitLeader(BOOT), "q2 still leads");
    awaitSyncStandbys(q2, List.of("q0", "q1"));
    AgentNode.Answer patched = q2.call("PATCH", "/config", "{\"synchronous_mode_strict\":true}");
    assertEquals(200, patched.code(), patched.body());
    Timing.await("strict mode seen by the leader", FAILOVER,
        () -> q2.get("/config").json().path("synchronous_mode_strict").asBoolean() ? Boolean.TRUE : null,
        cluster::describe);

    AgentNode q3 = node("q3");
    // both synchronous standbys stop; q3 (nosync) still streams but may never be synchronous
    node("q0").stop();
    node("q1").stop();
    Timing.await("the leader without synchronous standbys", FAILOVER, () ->
        !syncStates(q2).containsKey("q0") && !syncStates(q2).containsKey("q1") ? Boolean.TRUE : null,
        cluster::describe);
    CompletableFuture<String> commit = CompletableFuture.supplyAsync(
        () -> q2.psql("INSERT INTO acked VALUES (2)", 180));
    // a non-strict leader would empty synchronous_standby_names within a cycle: give it several
    Timing.pause(Timing.scaled(Duration.ofSeconds(5L * cluster.loopWait())));
    assertFalse(commit.isDone(), "the commit was acknowledged without a synchronous standby: "
        + (commit.isDone() ? commit.handle((v, e) -> v + " / " + e).join() : ""));
    assertEquals("1", q2.sql("SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'SyncRep'"),
        "the commit waits for synchronous replication");
    String ssn = q2.sql("SHOW synchronous_standby_names");
    assertFalse(ssn.isEmpty(), "strict mode keeps synchronous_standby_names set");
    assertEquals(503, q3.get("/sync").code(), "the nosync member is never synchronous");

    // one synchronous standby returns: the commit completes and is on it
    AgentNode q1 = node("q1");
    q1.start();
    String done = commit.get(Timing.scaled(FAILOVER).toSeconds(), TimeUnit.SECONDS);
    assertEquals("", done, "the commit completed without a warning");
    Timing.await("q1 synchronous again", FAILOVER, () -> "sync".equals(syncStates(q2).get("q1")) ? Boolean.TRUE : null,
        cluster::describe);
    Timing.await("both commits replayed on q1", FAILOVER,
        () -> "2".equals(q1.sql("SELECT count(*) FROM acked")) ? Boolean.TRUE : null, cluster::describe);
  }
}
