package io.vigil.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vigil.bus.NodeStatus;
import io.vigil.cluster.Cluster;
import io.vigil.cluster.ClusterConfig;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class HealthChecksTest {

  static int code(NodeStatus s, String uri) {
    Fixtures.TestClock clock = new Fixtures.TestClock();
    NodeView view = NodeView.of(s, clock);
    URI u = URI.create(uri);
    return HealthChecks.code(view, StatusJson.body(view, "4.0.4"), u.getPath(), ApiExchange.parseQuery(u.getRawQuery()));
  }

  /** docs/patroni-formats.md "REST answers": health-check codes on each node, async cluster. */
  static Stream<Arguments> asyncCluster() {
    Object[][] rows = {
      {"/", 503, 200}, {"/primary", 503, 200}, {"/leader", 503, 200}, {"/master", 503, 200},
      {"/replica", 200, 503}, {"/read-write", 503, 200}, {"/read-only", 200, 200}, {"/standby-leader", 503, 503},
      {"/standby_leader", 503, 503}, {"/health", 200, 200}, {"/async", 200, 503}, {"/sync", 503, 503},
      {"/asynchronous", 200, 503}, {"/synchronous", 503, 503}, {"/replica?lag=1MB", 200, 503},
      {"/read-only?lag=1MB", 200, 200}, {"/read-only-sync", 503, 200}, {"/quorum", 503, 503},
      {"/read-only-quorum", 503, 200}, {"/foo", 503, 503},
    };
    return Stream.of(rows).map(r -> Arguments.of(r[0], r[1], r[2]));
  }

  @ParameterizedTest(name = "{0}: replica {1}, leader {2}")
  @MethodSource("asyncCluster")
  void answersLikePatroniInAnAsyncCluster(String uri, int replica, int leader) {
    assertEquals(replica, code(Fixtures.replica(), uri), "replica");
    assertEquals(leader, code(Fixtures.leader(), uri), "leader");
  }

  /** docs/patroni-formats.md "REST answers": health-check codes in synchronous mode. */
  static Stream<Arguments> syncCluster() {
    Object[][] rows = {
      {"/primary", 503, 503, 200}, {"/replica", 200, 200, 503}, {"/sync", 200, 503, 503},
      {"/synchronous", 200, 503, 503}, {"/async", 503, 200, 503}, {"/asynchronous", 503, 200, 503},
      {"/read-only", 200, 200, 200}, {"/health", 200, 200, 200}, {"/read-only-sync", 200, 503, 200},
      {"/read-only-synchronous", 200, 503, 200}, {"/quorum", 503, 503, 503},
    };
    return Stream.of(rows).map(r -> Arguments.of(r[0], r[1], r[2], r[3]));
  }

  @ParameterizedTest(name = "{0}: sync {1}, async {2}, leader {3}")
  @MethodSource("syncCluster")
  void answersLikePatroniInASyncCluster(String uri, int sync, int async, int leader) {
    assertEquals(sync, code(Fixtures.syncStandby(), uri), "sync standby");
    assertEquals(async, code(Fixtures.asyncReplicaInSyncMode(), uri), "async replica");
    assertEquals(leader, code(Fixtures.syncLeader(), uri), "leader");
  }

  static NodeStatus lagging() {
    return Fixtures.withPostgres(Fixtures.replica(), Fixtures.replicaPg(Fixtures.LSN, Fixtures.LSN - 10 * 1048576));
  }

  static NodeStatus dcsExpired(NodeStatus s) {
    return Fixtures.withDcsLastSeen(s, Fixtures.NOW_EPOCH - 31);
  }

  static NodeStatus standbyLeader() {
    Cluster c = Fixtures.cluster(false, false);
    Map<String, Object> config = new LinkedHashMap<>(c.config().data());
    config.put("standby_cluster", Map.of("host", "10.0.0.1", "port", 5432));
    Cluster standby = new Cluster(c.initialize(), new ClusterConfig(5, config), c.leader(), c.status(), c.members(),
        null, null, c.history(), null);
    return Fixtures.status("pg3", "standby_leader", Fixtures.replicaPg(), standby, false);
  }

  /** pg1, a member of the same standby cluster that follows the standby leader pg3. */
  static NodeStatus standbyClusterReplica() {
    NodeStatus leader = standbyLeader();
    return Fixtures.status("pg1", "replica", Fixtures.replicaPg(), leader.cluster(), false);
  }

  static Stream<Arguments> situations() {
    Object[][] rows = {
      {"paused leader", (Supplier<NodeStatus>) Fixtures::pausedLeader, "/primary", 200},
      {"paused leader, DCS view expired: role decides", (Supplier<NodeStatus>) () -> dcsExpired(Fixtures.pausedLeader()), "/primary", 200},
      {"paused leader, DCS view expired: /leader from role", (Supplier<NodeStatus>) () -> dcsExpired(Fixtures.pausedLeader()), "/leader", 200},
      {"leader, DCS view expired: lock not held", (Supplier<NodeStatus>) () -> dcsExpired(Fixtures.leader()), "/primary", 503},
      {"leader, DCS view expired: still healthy", (Supplier<NodeStatus>) () -> dcsExpired(Fixtures.leader()), "/health", 200},
      {"replica, DCS view expired: /async needs the DCS", (Supplier<NodeStatus>) () -> dcsExpired(Fixtures.replica()), "/async", 503},
      {"replica, DCS view expired: /replica does not", (Supplier<NodeStatus>) () -> dcsExpired(Fixtures.replica()), "/replica", 200},
      {"stopped PostgreSQL: /replica", (Supplier<NodeStatus>) Fixtures::stoppedReplica, "/replica", 503},
      {"stopped PostgreSQL: /health", (Supplier<NodeStatus>) Fixtures::stoppedReplica, "/health", 503},
      {"stopped PostgreSQL: /read-only", (Supplier<NodeStatus>) Fixtures::stoppedReplica, "/read-only", 503},
      {"stopped PostgreSQL: /async", (Supplier<NodeStatus>) Fixtures::stoppedReplica, "/async", 503},
      {"lagging 10MB: no limit", (Supplier<NodeStatus>) HealthChecksTest::lagging, "/replica", 200},
      {"lagging 10MB: lag=1MB", (Supplier<NodeStatus>) HealthChecksTest::lagging, "/replica?lag=1MB", 503},
      {"lagging 10MB: lag=100MB", (Supplier<NodeStatus>) HealthChecksTest::lagging, "/replica?lag=100MB", 200},
      {"lagging 10MB: lag=10485760", (Supplier<NodeStatus>) HealthChecksTest::lagging, "/replica?lag=10485760", 200},
      {"lagging 10MB: lag=10485759", (Supplier<NodeStatus>) HealthChecksTest::lagging, "/replica?lag=10485759", 503},
      {"lagging 10MB: /async?lag=1GB", (Supplier<NodeStatus>) HealthChecksTest::lagging, "/async?lag=1GB", 200},
      {"lagging 10MB: unreadable lag means no limit", (Supplier<NodeStatus>) HealthChecksTest::lagging, "/replica?lag=lots", 200},
      {"replication_state matches", (Supplier<NodeStatus>) Fixtures::replica, "/replica?replication_state=streaming", 200},
      {"replication_state differs", (Supplier<NodeStatus>) Fixtures::replica, "/replica?replication_state=in%20archive%20recovery", 503},
      {"noloadbalance", (Supplier<NodeStatus>) () -> Fixtures.withTags(Fixtures.replica(), Map.of("noloadbalance", true)), "/replica", 503},
      {"tag matches", (Supplier<NodeStatus>) () -> Fixtures.withTags(Fixtures.replica(), Map.of("zone", "a")), "/replica?tag_zone=a", 200},
      {"tag differs", (Supplier<NodeStatus>) () -> Fixtures.withTags(Fixtures.replica(), Map.of("zone", "a")), "/replica?tag_zone=b", 503},
      {"tag missing", (Supplier<NodeStatus>) Fixtures::replica, "/replica?tag_zone=a", 503},
      {"boolean tag compared lowercase", (Supplier<NodeStatus>) () -> Fixtures.withTags(Fixtures.replica(), Map.of("nofailover", true)), "/replica?tag_nofailover=true", 200},
      {"tags ignored on /primary", (Supplier<NodeStatus>) Fixtures::leader, "/primary?tag_zone=x", 200},
      {"tags apply on /read-only", (Supplier<NodeStatus>) Fixtures::leader, "/read-only?tag_zone=x", 503},
      {"standby leader: /standby-leader", (Supplier<NodeStatus>) HealthChecksTest::standbyLeader, "/standby-leader", 200},
      {"standby leader: /standby_leader", (Supplier<NodeStatus>) HealthChecksTest::standbyLeader, "/standby_leader", 200},
      {"standby leader: /leader", (Supplier<NodeStatus>) HealthChecksTest::standbyLeader, "/leader", 200},
      {"standby leader: /primary", (Supplier<NodeStatus>) HealthChecksTest::standbyLeader, "/primary", 503},
      {"standby leader: /replica", (Supplier<NodeStatus>) HealthChecksTest::standbyLeader, "/replica", 503},
      {"standby leader: /read-only", (Supplier<NodeStatus>) HealthChecksTest::standbyLeader, "/read-only", 200},
      {"standby cluster replica: /primary", (Supplier<NodeStatus>) HealthChecksTest::standbyClusterReplica, "/primary", 503},
      {"standby cluster replica: /", (Supplier<NodeStatus>) HealthChecksTest::standbyClusterReplica, "/", 503},
      {"standby cluster replica: /read-write", (Supplier<NodeStatus>) HealthChecksTest::standbyClusterReplica, "/read-write", 503},
      {"standby cluster replica: /standby-leader", (Supplier<NodeStatus>) HealthChecksTest::standbyClusterReplica, "/standby-leader", 503},
      {"standby cluster replica: /leader", (Supplier<NodeStatus>) HealthChecksTest::standbyClusterReplica, "/leader", 503},
      {"standby cluster replica: /replica", (Supplier<NodeStatus>) HealthChecksTest::standbyClusterReplica, "/replica", 200},
      {"standby cluster replica: /read-only", (Supplier<NodeStatus>) HealthChecksTest::standbyClusterReplica, "/read-only", 200},
      {"standby leader: /read-write", (Supplier<NodeStatus>) HealthChecksTest::standbyLeader, "/read-write", 503},
      {"standby leader: /", (Supplier<NodeStatus>) HealthChecksTest::standbyLeader, "/", 503},
    };
    return Stream.of(rows).map(r -> Arguments.of(r[0], r[1], r[2], r[3]));
  }

  @ParameterizedTest(name = "{0}: {2} -> {3}")
  @MethodSource("situations")
  void answersEachSituation(String situation, Supplier<NodeStatus> status, String uri, int expected) {
    assertEquals(expected, code(status.get(), uri));
  }

  @Test
  void livenessFailsAfterTtlOnAPrimaryAndTwiceTtlOnAReplica() {
    Fixtures.TestClock clock = new Fixtures.TestClock();
    long mono = Fixtures.MONO;
    assertEquals(200, HealthChecks.liveness(NodeView.of(Fixtures.withLastCycle(Fixtures.leader(), mono - 29_000), clock), mono));
    assertEquals(503, HealthChecks.liveness(NodeView.of(Fixtures.withLastCycle(Fixtures.leader(), mono - 30_000), clock), mono));
    assertEquals(200, HealthChecks.liveness(NodeView.of(Fixtures.withLastCycle(Fixtures.replica(), mono - 59_000), clock), mono));
    assertEquals(503, HealthChecks.liveness(NodeView.of(Fixtures.withLastCycle(Fixtures.replica(), mono - 60_000), clock), mono));
    assertEquals(200, HealthChecks.liveness(NodeView.of(Fixtures.withLastCycle(Fixtures.pausedLeader(), mono - 600_000), clock), mono));
  }

  static String readiness(NodeStatus s, String query) {
    NodeView view = NodeView.of(s, new Fixtures.TestClock());
    return HealthChecks.readinessFailure(view, StatusJson.body(view, "4.0.4"), ApiExchange.parseQuery(query));
  }

  @Test
  void readinessFollowsPatronisRules() {
    assertNull(readiness(Fixtures.leader(), ""));
    assertNull(readiness(Fixtures.replica(), ""));
    assertEquals("PostgreSQL is not running", readiness(Fixtures.stoppedReplica(), ""));
    NodeStatus behind = Fixtures.withPostgres(Fixtures.replica(), Fixtures.replicaPg(Fixtures.LSN, Fixtures.LSN - 2 * 1048576));
    assertEquals("Replication apply lag 2097152 exceeds maximum allowable 1048576", readiness(behind, ""));
    assertNull(readiness(behind, "lag=4MB"));
    assertNull(readiness(behind, "mode=write"));
    NodeStatus noDcs = Fixtures.withDcsLastSeen(Fixtures.withPostgres(Fixtures.replica(),
        Fixtures.replicaPg(Fixtures.LSN, Fixtures.LSN)), Fixtures.NOW_EPOCH - 100);
    assertNull(readiness(noDcs, ""), "the receive LSN stands in for latest_end_lsn while the DCS is away");
  }

  /** A replica whose last published status is older than ttl leaves the load balancer's pool until the next cycle. */
  @Test
  void outdatedStatusTakesAReplicaOutOfThePool() {
    NodeStatus outdated = Fixtures.withLastCycle(Fixtures.replica(), Fixtures.MONO - 31_000);
    assertEquals(200, code(Fixtures.replica(), "/replica"));
    assertEquals(503, code(outdated, "/replica"));
    assertEquals(503, code(outdated, "/health"));
    assertEquals(503, code(outdated, "/read-only"));
  }
}
