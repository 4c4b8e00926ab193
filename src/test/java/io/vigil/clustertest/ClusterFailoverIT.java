package io.vigil.clustertest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * One 4-node cluster on real etcd and PostgreSQL, put through the faults an operator meets, in order: node3
 * carries {@code nofailover} and {@code replicatefrom: node2}, so every scenario also checks that it never
 * leads and streams from node2. Each step starts by waiting for a healthy cluster, so a step's failure says
 * which behaviour broke rather than cascading silently. The DCS outages are safety scenarios, run without reruns
 * in {@link DcsOutageIT}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterFailoverIT {
  private static final Duration BOOT = Duration.ofSeconds(120);
  /** Paths that HEAD answers with 503 in Patroni: its HEAD goes to the generic health handler only. */
  private static final java.util.Set<String> NOT_FOR_HEAD =
      java.util.Set.of("/liveness", "/readiness", "/patroni", "/cluster", "/history", "/config", "/metrics");
  private static final Duration FAILOVER = Duration.ofSeconds(60);
  private TestCluster cluster;

  @BeforeAll
  void startCluster() throws Exception {
    cluster = new TestCluster("failover");
    cluster.addNode("node0", null);
    cluster.addNode("node1", null);
    cluster.addNode("node2", null);
    cluster.addNode("node3", "  nofailover: true\n  replicatefrom: node2");
    cluster.startAll();
  }

  @AfterAll
  void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private List<AgentNode> others(AgentNode leader) {
    return cluster.nodes.stream().filter(n -> n != leader && n.agentAlive()).toList();
  }

  private AgentNode healthyLeader() {
    AgentNode leader = cluster.awaitLeader(BOOT);
    List<AgentNode> direct = others(leader).stream().filter(n -> !n.name.equals("node3")).toList();
    cluster.awaitStreaming(leader, direct, BOOT);
    for (AgentNode replica : others(leader)) {
      Timing.await(replica.name + " running as a streaming replica", BOOT, () -> {
        var s = replica.status();
        return s != null && "replica".equals(s.path("role").asText())
            && "streaming".equals(s.path("replication_state").asText()) ? Boolean.TRUE : null;
      }, cluster::describe);
    }
    return leader;
  }

  /** Waits until {@code node} is the only primary. */
  private void awaitLeaderIs(AgentNode node) {
    Timing.await(node.name + " as the leader", FAILOVER,
        () -> cluster.awaitLeader(FAILOVER) == node ? Boolean.TRUE : null, cluster::describe);
  }

  @Test
  @Order(1)
  void bootstrapsOneLeaderWithStreamingReplicas() {
    AgentNode leader = healthyLeader();
    assertNotEquals("node3", leader.name, "the nofailover node must never lead");
    assertTrue(leader.acceptsWrites(), "the leader accepts writes");
    for (AgentNode replica : others(leader)) {
      assertEquals(503, replica.get("/primary").code(), replica + " must not answer 200 on /primary");
      assertEquals("replica", replica.role());
    }
    leader.sql("CREATE TABLE IF NOT EXISTS marks(id serial primary key, label text)");
    leader.sql("INSERT INTO marks(label) VALUES ('bootstrap')");
  }

  @Test
  @Order(2)
  void replicaWithReplicatefromStreamsFromThatMember() {
    healthyLeader();
    AgentNode node2 = cluster.node("node2");
    Timing.await("node3 streaming from node2", BOOT, () ->
        node2.sql("SELECT count(*) FROM pg_stat_replication WHERE application_name = 'node3' AND state = 'streaming'")
            .equals("1") ? Boolean.TRUE : null, cluster::describe);
  }

  @Test
  @Order(2)
  void healthChecksAnswerByRoleAsPatroni() {
    AgentNode leader = healthyLeader();
    AgentNode replica = others(leader).stream().filter(n -> !n.name.equals("node3")).findFirst().orElseThrow();
    AgentNode cascade = cluster.node("node3");
    // path → {leader, replica, nofailover cascading replica}: Patroni's codes outside synchronous mode (docs/rest-api.md §3.2)
    Object[][] table = {
        {"/", 200, 503, 503}, {"/primary", 200, 503, 503}, {"/read-write", 200, 503, 503},
        {"/leader", 200, 503, 503}, {"/standby-leader", 503, 503, 503}, {"/replica", 503, 200, 200},
        {"/replica?replication_state=streaming", 503, 200, 200}, {"/read-only", 200, 200, 200},
        {"/health", 200, 200, 200}, {"/liveness", 200, 200, 200},
        {"/sync", 503, 503, 503}, {"/async", 503, 200, 200}, {"/replica?tag_nofailover=true", 503, 503, 200},
        {"/patroni", 200, 200, 200}, {"/cluster", 200, 200, 200}, {"/history", 200, 200, 200},
        {"/config", 200, 200, 200}, {"/metrics", 200, 200, 200}};
    for (Object[] row : table) {
      String path = (String) row[0];
      assertEquals(row[1], leader.get(path).code(), "leader " + path);
      assertEquals(row[2], replica.get(path).code(), "replica " + path);
      assertEquals(row[3], cascade.get(path).code(), "nofailover replica " + path);
      if (!NOT_FOR_HEAD.contains(path)) {
        // Patroni's do_HEAD is its generic health handler, which knows only the health-check paths
        assertEquals(row[1], leader.call("HEAD", path, null).code(), "HEAD on the leader " + path);
      }
    }
    for (AgentNode n : List.of(leader, replica, cascade)) {
      // ready = streaming with a replay lag within maximum_lag_on_failover: a moment's lag may say 503 first
      Timing.await(n.name + " ready", BOOT, () -> n.get("/readiness").code() == 200 ? Boolean.TRUE : null,
          cluster::describe);
    }
    assertTrue(leader.get("/metrics").body().contains(
        "patroni_primary{scope=\"failover\",name=\"" + leader.name + "\"} 1"), leader.get("/metrics").body());
    assertEquals(4, leader.get("/cluster").json().path("members").size());
  }

  @Test
  @Order(2)
  void controlEndpointsAnswerAsPatroni() {
    AgentNode leader = healthyLeader();
    AgentNode replica = others(leader).stream().filter(n -> !n.name.equals("node3")).findFirst().orElseThrow();
    assertAnswer(leader.call("POST", "/reinitialize", "{\"force\":true}"), 503,
        "I am the leader, can not reinitialize");
    assertAnswer(leader.call("POST", "/failover", "{\"foo\":\"bar\"}"), 400,
        "Failover could be performed only to a specific candidate");
    assertAnswer(leader.call("POST", "/switchover", "{\"leader\":\"" + leader.name + "\",\"candidate\":\""
        + leader.name + "\"}"), 400, "Switchover target and source are the same");
    assertAnswer(leader.call("POST", "/switchover", "{\"leader\":\"nosuchnode\"}"), 412,
        "leader name does not match");
    assertEquals(412, leader.call("POST", "/switchover", "{\"leader\":\"" + leader.name
        + "\",\"candidate\":\"node3\"}").code(), "a nofailover member is no candidate");
    assertAnswer(leader.call("DELETE", "/switchover", null), 404, "no switchover is scheduled");
    assertEquals(202, replica.call("POST", "/reload", null).code());

    String started = replica.status().path("postmaster_start_time").asText();
    assertAnswer(replica.call("POST", "/restart", "{}"), 200, "restarted successfully");
    assertNotEquals(started, replica.status().path("postmaster_start_time").asText());
    assertAnswer(replica.call("POST", "/restart", "{\"role\":\"primary\"}"), 503,
        "restart conditions are not satisfied");
    assertEquals(404, replica.call("DELETE", "/restart", null).code(), "no restart is scheduled");
    cluster.awaitStreaming(leader, List.of(replica), BOOT);
  }

  private static void assertAnswer(AgentNode.Answer answer, int code, String text) {
    assertEquals(code, answer.code(), answer.body());
    assertTrue(answer.body().contains(text), "expected '" + text + "' in: " + answer.body());
  }

  @Test
  @Order(3)
  void switchoverToNamedCandidate() {
    AgentNode leader = healthyLeader();
    AgentNode candidate = others(leader).stream().filter(n -> !n.name.equals("node3")).findFirst().orElseThrow();
    AgentNode.Answer answer = leader.call("POST", "/switchover",
        "{\"leader\":\"" + leader.name + "\",\"candidate\":\"" + candidate.name + "\"}");
    assertEquals(200, answer.code(), answer.body());
    assertTrue(answer.body().contains("Successfully switched over to \"" + candidate.name + "\""), answer.body());
    awaitLeaderIs(candidate);
    cluster.awaitStreaming(candidate, List.of(leader), FAILOVER);
    assertTrue(candidate.acceptsWrites());
  }

  @Test
  @Order(4)
  void scheduledSwitchoverHappensAtItsTime() {
    AgentNode leader = healthyLeader();
    AgentNode candidate = others(leader).stream().filter(n -> !n.name.equals("node3")).findFirst().orElseThrow();
    OffsetDateTime at = OffsetDateTime.now(ZoneOffset.UTC).plusSeconds(6);
    AgentNode.Answer answer = leader.call("POST", "/switchover",
        "{\"leader\":\"" + leader.name + "\",\"candidate\":\"" + candidate.name + "\",\"scheduled_at\":\"" + at + "\"}");
    assertEquals(202, answer.code(), answer.body());
    assertEquals(200, leader.get("/primary").code(), "nothing happens before the scheduled time");
    awaitLeaderIs(candidate);
    assertTrue(OffsetDateTime.now(ZoneOffset.UTC).isAfter(at), "switched over only after " + at);
  }

  @Test
  @Order(5)
  void crashedLeaderIsReplacedAndRejoinsAsReplica() throws Exception {
    AgentNode leader = healthyLeader();
    leader.sql("CREATE TABLE IF NOT EXISTS marks(id serial primary key, label text)");
    leader.sql("INSERT INTO marks(label) VALUES ('before-crash')");
    leader.crash();
    AgentNode next = Timing.await("a new leader", FAILOVER, () -> {
      List<AgentNode> primaries = cluster.nodes.stream().filter(n -> n != leader && n.agentAlive())
          .filter(n -> n.get("/primary").code() == 200).toList();
      return primaries.size() == 1 ? primaries.get(0) : null;
    }, cluster::describe);
    assertNotEquals("node3", next.name, "the nofailover node must never lead");
    assertTrue(next.acceptsWrites(), "the new leader accepts writes");
    assertEquals("1", next.sql("SELECT count(*) FROM marks WHERE label = 'before-crash'"));

    leader.start();
    cluster.awaitStreaming(next, List.of(leader), BOOT);
    assertEquals("replica", leader.role());
  }

  @Test
  @Order(6)
  void pausedClusterDoesNotFailOverAndRecoversOnResume() {
    AgentNode leader = healthyLeader();
    AgentNode.Answer paused = leader.call("PATCH", "/config", "{\"pause\":true}");
    assertEquals(200, paused.code(), paused.body());
    Timing.await("pause seen by every member", FAILOVER, () -> cluster.nodes.stream()
        .allMatch(n -> n.status() != null && n.status().path("pause").asBoolean(false)) ? Boolean.TRUE : null,
        cluster::describe);

    leader.killPostmaster();
    // a failover would need the leader key to expire: wait past ttl and check that nobody took over
    long until = System.nanoTime() + Timing.scaled(Duration.ofSeconds(25)).toNanos();
    while (System.nanoTime() < until) {
      for (AgentNode n : others(leader)) {
        assertNotEquals(200, n.get("/primary").code(), n + " was promoted in a paused cluster");
      }
      Timing.pause(Duration.ofSeconds(1));
    }

    AgentNode.Answer resumed = leader.call("PATCH", "/config", "{\"pause\":null}");
    assertEquals(200, resumed.code(), resumed.body());
    AgentNode after = cluster.awaitLeader(FAILOVER);
    Timing.await("writes accepted after resume", FAILOVER, () -> after.acceptsWrites() ? Boolean.TRUE : null,
        cluster::describe);
  }
}
