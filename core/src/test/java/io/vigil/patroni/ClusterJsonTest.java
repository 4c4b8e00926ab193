package io.vigil.patroni;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vigil.cluster.Cluster;
import io.vigil.cluster.ClusterConfig;
import io.vigil.cluster.Failover;
import io.vigil.cluster.Leader;
import io.vigil.cluster.Member;
import io.vigil.cluster.Status;
import io.vigil.cluster.SyncState;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ClusterJsonTest {
  private static final long OPTIME = 67373608L;

  private static Member member(String name, String json) {
    return new Member(name, 1, null, ConfigPatchTest.json(json));
  }

  private static final Member PRIMARY = member("pg3", "{\"conn_url\": \"postgres://127.0.0.1:5434/postgres\", "
      + "\"api_url\": \"http://127.0.0.1:8010/patroni\", \"state\": \"running\", \"role\": \"primary\", "
      + "\"timeline\": 4}");
  private static final Member REPLICA = member("pg1", "{\"conn_url\": \"postgres://127.0.0.1:5432/postgres\", "
      + "\"api_url\": \"http://127.0.0.1:8008/patroni\", \"state\": \"running\", \"role\": \"replica\", "
      + "\"replication_state\": \"streaming\", \"timeline\": 4, \"xlog_location\": 67373600, "
      + "\"receive_lsn\": 67373608, \"replay_lsn\": 67373600, \"tags\": {\"nofailover\": true}}");

  private static Cluster cluster(String config, Member leader, SyncState sync, Failover failover, Member... members) {
    return new Cluster("7300000000000000001", config == null ? null : new ClusterConfig(1, ConfigPatchTest.json(config)),
        leader == null ? null : new Leader(1, null, leader), new Status(OPTIME, Map.of(), List.of()),
        List.of(members), failover, sync, null, null);
  }

  @Test
  void membersSortedWithPatronisKeysInOrder() {
    Cluster c = cluster("{}", PRIMARY, null, null, PRIMARY, REPLICA);
    assertEquals("{\"members\": [{\"name\": \"pg1\", \"role\": \"replica\", \"state\": \"streaming\", "
        + "\"api_url\": \"http://127.0.0.1:8008/patroni\", \"host\": \"127.0.0.1\", \"port\": 5432, \"timeline\": 4, "
        + "\"tags\": {\"nofailover\": true}, \"receive_lag\": 0, \"receive_lsn\": \"0/4040A28\", \"replay_lag\": 8, "
        + "\"replay_lsn\": \"0/4040A20\", \"lag\": 8, \"lsn\": \"0/4040A20\"}, "
        + "{\"name\": \"pg3\", \"role\": \"leader\", \"state\": \"running\", "
        + "\"api_url\": \"http://127.0.0.1:8010/patroni\", \"host\": \"127.0.0.1\", \"port\": 5434, \"timeline\": 4}]}",
        PyJson.dumps(ClusterJson.clusterAsJson(c)));
  }

  private static Map<String, Object> first(Cluster c) {
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> members = (List<Map<String, Object>>) ClusterJson.clusterAsJson(c).get("members");
    return members.get(0);
  }

  /** The leader's role and state; the comment names the copy that showed something else. */
  static Stream<Arguments> leaderRoles() {
    Member promoting = member("pg3", "{\"api_url\": \"http://h:8008/patroni\", \"state\": \"running\", "
        + "\"role\": \"promoted\", \"replication_state\": \"in archive recovery\"}");
    return Stream.of(
        Arguments.of("a primary", "{}", PRIMARY, "leader", "running"),
        // a member key still saying "promoted" is the leader in released Patroni 4; REST said "promoted"
        Arguments.of("a member still promoting", "{}", promoting, "leader", "running"),
        Arguments.of("a standby cluster's leader shows its replication state", "{\"standby_cluster\": "
            + "{\"host\": \"remote\"}}", promoting, "standby_leader", "in archive recovery"),
        Arguments.of("standby_cluster without a host, port or restore_command", "{\"standby_cluster\": "
            + "{\"port\": 0}}", PRIMARY, "leader", "running")); // REST said standby_leader
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("leaderRoles")
  void leaderRoleAsClusterAsJson(String situation, String config, Member leader, String role, String state) {
    Map<String, Object> m = first(cluster(config, leader, null, null, leader));
    assertEquals(role, m.get("role"));
    assertEquals(state, m.get("state"));
  }

  static Stream<Arguments> replicaRoles() {
    SyncState sync = new SyncState(1, "pg3", List.of("pg1"), null);
    return Stream.of(
        Arguments.of("{}", sync, "replica"),
        Arguments.of("{\"synchronous_mode\": true}", sync, "sync_standby"),
        Arguments.of("{\"synchronous_mode\": \"quorum\"}", sync, "quorum_standby"),
        Arguments.of("{\"synchronous_mode\": \"QUORUM\"}", sync, "quorum_standby"), // both copies: replica
        Arguments.of("{\"synchronous_mode\": 2}", sync, "replica"), // both copies: sync_standby
        Arguments.of("{\"synchronous_mode\": true, \"standby_cluster\": {\"host\": \"h\"}}", sync, "replica"),
        Arguments.of("{\"synchronous_mode\": true}", new SyncState(1, "pg3", List.of("pg2"), null), "replica"));
  }

  @ParameterizedTest(name = "{0} -> {2}")
  @MethodSource("replicaRoles")
  void replicaRoleAsClusterAsJson(String config, SyncState sync, String role) {
    assertEquals(role, first(cluster(config, PRIMARY, sync, null, PRIMARY, REPLICA)).get("role"));
  }

  /** Member JSON → host and port shown; the comment names the copy that showed something else. */
  static Stream<Arguments> addresses() {
    return Stream.of(
        Arguments.of("{\"conn_url\": \"postgres://db1/postgres\"}", "db1", 5432), // REST left the port out
        Arguments.of("{\"conn_url\": \"postgres://DB_1:5433/postgres\"}", "db_1", 5433), // both left both out
        Arguments.of("{\"conn_kwargs\": {\"host\": \"db2\", \"port\": 5434}}", "db2", 5434), // REST left both out
        Arguments.of("{\"conn_kwargs\": {\"host\": \"db2\"}}", "db2", null), // vigilctl showed 5432
        Arguments.of("{\"conn_url\": \"postgres:///postgres\"}", null, null),
        Arguments.of("{}", null, null));
  }

  @ParameterizedTest(name = "{0} -> {1}:{2}")
  @MethodSource("addresses")
  void hostAndPortFromConnKwargs(String json, String host, Integer port) {
    Map<String, Object> m = first(cluster("{}", null, null, null, member("pg1", json)));
    assertEquals(host, m.get("host"));
    assertEquals(port, m.get("port"));
  }

  @Test
  void unknownPositionsAndLagsAhead() {
    Member ahead = member("pg1", "{\"state\": \"running\", \"replay_lsn\": 67373700, \"replication_state\": \"\"}");
    Map<String, Object> m = first(cluster("{}", PRIMARY, null, null, ahead, PRIMARY));
    assertEquals("{\"name\": \"pg1\", \"role\": \"replica\", \"state\": \"running\", \"api_url\": null, "
        + "\"receive_lsn\": \"unknown\", \"receive_lag\": \"unknown\", \"replay_lag\": 0, \"replay_lsn\": \"0/4040A84\", "
        + "\"lsn\": \"unknown\", \"lag\": \"unknown\"}", PyJson.dumps(m));
  }

  static Stream<Arguments> services() {
    OffsetDateTime at = OffsetDateTime.parse("2026-11-21T06:00:00+01:00");
    return Stream.of(
        Arguments.of("{\"pause\": true}", null, ", \"pause\": true}"),
        Arguments.of("{\"pause\": \"y\"}", null, "]}"), // vigilctl said paused
        Arguments.of("{}", new Failover(3, "pg3", "pg1", at),
            "], \"scheduled_switchover\": {\"at\": \"2026-11-21T06:00:00+01:00\", \"from\": \"pg3\", \"to\": \"pg1\"}}"),
        // empty names are left out, as Python's truthiness does; REST showed "from": "", "to": ""
        Arguments.of("{}", new Failover(3, "", "", at),
            "], \"scheduled_switchover\": {\"at\": \"2026-11-21T06:00:00+01:00\"}}"),
        Arguments.of("{}", new Failover(3, "pg3", "pg1", null), "]}"));
  }

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("services")
  void pauseAndScheduledSwitchover(String config, Failover failover, String ending) {
    String json = PyJson.dumps(ClusterJson.clusterAsJson(cluster(config, PRIMARY, null, failover, PRIMARY)));
    assertEquals(true, json.endsWith(ending), json);
  }

  static Stream<Arguments> megabytes() {
    return Stream.of(Arguments.of(524288L, 0L), Arguments.of(1572864L, 2L), Arguments.of(2621440L, 2L),
        Arguments.of(3670016L, 4L), Arguments.of(0L, 0L));
  }

  @ParameterizedTest(name = "{0} bytes = {1} MB")
  @MethodSource("megabytes")
  void lagInMegabytesRoundsHalfToEven(long bytes, long mb) {
    assertEquals(mb, ClusterJson.megabytes(bytes));
  }
}
