package io.vigil.ctl;

import io.vigil.patroni.ClusterJson;
import io.vigil.postgres.Lsn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.cluster.Cluster;
import io.vigil.cluster.ClusterConfig;
import io.vigil.cluster.Failover;
import io.vigil.cluster.Leader;
import io.vigil.cluster.Member;
import io.vigil.cluster.Status;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MemberTableTest {

  @Test
  void listsMembersInPatronictl4ColumnsWithMaintenanceLine() {
    // patronictl 4 blanks an unknown lag but prints an unknown LSN as "unknown"
    String expected = """
        + Cluster: anchor (7710484112634925804) -+---------------------+----+-------------+-----+------------+-----+
        | Member | Host           | Role         | State               | TL | Receive LSN | Lag | Replay LSN | Lag |
        +--------+----------------+--------------+---------------------+----+-------------+-----+------------+-----+
        | pg1    | 127.0.0.1:5432 | Replica      | streaming           |  4 |   0/4140028 |   0 |  0/4140028 |   0 |
        | pg2    | 127.0.0.1:5433 | Sync Standby | in archive recovery |  4 |     unknown |     |  0/4040028 |   1 |
        | pg3    | 127.0.0.1:5434 | Leader       | running             |  4 |             |     |            |     |
        +--------+----------------+--------------+---------------------+----+-------------+-----+------------+-----+
         Maintenance mode: on""";
    assertEquals(expected, MemberTable.render(CtlFixtures.anchorInSyncModePaused(), "anchor", false, "pretty"));
  }

  @Test
  void writesJsonWithPatronictlFieldNamesAndWithoutEmptyCells() {
    String expected = "[{\"Cluster\": \"anchor\", \"Member\": \"pg1\", \"Host\": \"127.0.0.1:5432\", \"Role\": \"Replica\","
        + " \"State\": \"streaming\", \"TL\": 4, \"Receive LSN\": \"0/4140028\", \"Receive Lag\": 0,"
        + " \"Replay LSN\": \"0/4140028\", \"Replay Lag\": 0}, {\"Cluster\": \"anchor\", \"Member\": \"pg2\","
        + " \"Host\": \"127.0.0.1:5433\", \"Role\": \"Sync Standby\", \"State\": \"in archive recovery\", \"TL\": 4,"
        + " \"Receive LSN\": \"unknown\", \"Replay LSN\": \"0/4040028\", \"Replay Lag\": 1}, {\"Cluster\": \"anchor\", \"Member\": \"pg3\","
        + " \"Host\": \"127.0.0.1:5434\", \"Role\": \"Leader\", \"State\": \"running\", \"TL\": 4}]";
    assertEquals(expected, MemberTable.render(CtlFixtures.anchorInSyncModePaused(), "anchor", false, "json"));
  }

  @Test
  void writesYamlSortedAsPyYamlWithTagsAsAMapping() {
    Member pg1 = CtlFixtures.member("pg1", 5432, 8008, "replication_state", "streaming", "receive_lsn",
        CtlFixtures.OPTIME, "replay_lsn", CtlFixtures.OPTIME, "pending_restart", true,
        "tags", CtlFixtures.map("nofailover", true, "replicatefrom", "pg3"));
    Cluster c = new Cluster("1", new ClusterConfig(1, Map.of()), null, new Status(CtlFixtures.OPTIME, null, null),
        List.of(pg1), null, null, null, null);
    // PyYAML 6 output for the same element
    String expected = """
        - Cluster: anchor
          Host: 127.0.0.1
          Member: pg1
          Pending restart: '*'
          Receive LSN: 0/4140028
          Receive Lag: 0
          Replay LSN: 0/4140028
          Replay Lag: 0
          Role: Replica
          State: streaming
          TL: 4
          Tags:
            nofailover: true
            replicatefrom: pg3
        """;
    assertEquals(expected, MemberTable.render(c, "anchor", false, "yaml"));
  }

  @Test
  void writesTsvWithClusterColumnAndFlowStyleTags() {
    Member pg1 = CtlFixtures.member("pg1", 5432, 8008, "replication_state", "streaming",
        "tags", CtlFixtures.map("nofailover", true, "replicatefrom", "pg3"));
    Cluster c = new Cluster("", null, null, null, List.of(pg1), null, null, null, null);
    String expected = "Cluster\tMember\tHost\tRole\tState\tTL\tReceive LSN\tReceive Lag\tReplay LSN\tReplay Lag\tTags\n"
        + "batman\tpg1\t127.0.0.1\tReplica\tstreaming\t4\tunknown\t\tunknown\t\t{nofailover: true, replicatefrom: pg3}";
    assertEquals(expected, MemberTable.render(c, "batman", false, "tsv"));
  }

  @Test
  void titleSaysUninitializedOrInitializing() {
    assertEquals(" Cluster: b (uninitialized) ", MemberTable.title(Cluster.empty(), "b"));
    assertEquals(" Cluster: b (initializing) ",
        MemberTable.title(new Cluster("", null, null, null, null, null, null, null, null), "b"));
  }

  @Test
  void extendedShowsEmptyExtraColumnsAndScheduledRestartText() {
    Member m = CtlFixtures.member("m1", 5432, 8008, "scheduled_restart",
        CtlFixtures.map("schedule", "2026-11-21T07:00:00+00:00", "postgres_version", "15.19"));
    Cluster c = new Cluster("1", null, new Leader(1, null, m), null, List.of(m), null, null, null, null);
    String table = MemberTable.render(c, "b", true, "pretty");
    assertTrue(table.contains("| Pending restart | Pending restart reason | Scheduled restart"), table);
    assertTrue(table.contains("| 2026-11-21T07:00:00+00:00 if version < 15.19 |"), table);
    assertTrue(table.contains("| Tags |"), table);
  }

  @Test
  void hostIsShownWithoutPortWhenAllUse5432OnDistinctHosts() {
    Member a = new Member("a", 1, null, Map.of("conn_url", "postgres://10.0.0.1:5432/postgres", "state", "running",
        "role", "primary"));
    Member b = new Member("b", 1, null, Map.of("conn_url", "postgres://10.0.0.2/postgres", "state", "running",
        "role", "replica", "replication_state", "streaming"));
    Cluster c = new Cluster("1", null, new Leader(1, null, a), null, List.of(a, b), null, null, null, null);
    String table = MemberTable.render(c, "b", false, "pretty");
    assertTrue(table.contains("| a      | 10.0.0.1 | Leader  | running   |"), table);
    assertTrue(table.contains("| b      | 10.0.0.2 | Replica | streaming |"), table);
  }

  @Test
  void showsScheduledSwitchoverAfterTheTable() {
    Cluster base = CtlFixtures.anchor();
    Cluster c = new Cluster(base.initialize(), base.config(), base.leader(), base.status(), base.members(),
        new Failover(3, "pg3", "pg1", OffsetDateTime.parse("2026-11-21T07:00:00+00:00")), null, null, null);
    String out = MemberTable.render(c, "anchor", false, "pretty");
    assertTrue(out.endsWith("\n Switchover scheduled at: 2026-11-21T07:00:00+00:00\n"
        + "                    from: pg3\n                      to: pg1"), out);
  }

  @Test
  void topologyPutsCascadedReplicasUnderTheirUpstream() {
    Member leader = CtlFixtures.member("a", 5432, 8008, "role", "primary");
    Member b = CtlFixtures.member("b", 5433, 8009, "replication_state", "streaming");
    Member c = CtlFixtures.member("c", 5434, 8010, "replication_state", "streaming",
        "tags", CtlFixtures.map("replicatefrom", "b"));
    Member d = CtlFixtures.member("d", 5435, 8011, "replication_state", "streaming",
        "tags", CtlFixtures.map("replicatefrom", "c"));
    Cluster cl = new Cluster("1", null, new Leader(1, null, leader), null, List.of(d, c, b, leader), null, null,
        null, null);
    String out = MemberTable.render(cl, "x", false, "topology");
    List<String> names = out.lines().skip(3).filter(l -> l.startsWith("| ")).map(l -> l.split("\\|")[1].strip()).toList();
    assertEquals(List.of("a", "+ b", "+ c", "+ d"), names.stream().map(String::strip).toList());
    assertTrue(out.contains("|     + d  |") || out.contains("|     + d |"), out);
  }

  @Test
  void replicaLagRoundsToMegabytesHalfToEven() {
    assertEquals(0, ClusterJson.megabytes(524288));
    assertEquals(2, ClusterJson.megabytes(1572864 + 1048576));
    assertEquals(2, ClusterJson.megabytes(2621440)); // 2.5 MB rounds to 2 as Python's round()
    assertEquals("0/4140028", Lsn.format(CtlFixtures.OPTIME));
    assertEquals("1/A", Lsn.format(0x10000000AL));
  }

  private static Cluster withConfig(Map<String, Object> config, io.vigil.cluster.SyncState sync, Member... members) {
    return new Cluster("1", new ClusterConfig(1, config), new Leader(1, null, members[0]),
        new Status(CtlFixtures.OPTIME, null, null), List.of(members), null, sync, null, null);
  }

  private static List<String> roles(String table) {
    return table.lines().skip(3).filter(l -> l.startsWith("| ")).map(l -> l.split("\\|")[3].strip()).toList();
  }

  @Test
  void quorumModeShowsQuorumStandbys() {
    Member a = CtlFixtures.member("a", 5432, 1, "role", "primary");
    Member b = CtlFixtures.member("b", 5433, 1, "replication_state", "streaming");
    Member c = CtlFixtures.member("c", 5434, 1, "replication_state", "streaming");
    String t = MemberTable.render(withConfig(Map.of("synchronous_mode", "quorum"),
        new io.vigil.cluster.SyncState(1, "a", List.of("b", "c"), 1), a, b, c), "x", false, "pretty");
    assertEquals(List.of("Leader", "Quorum Standby", "Quorum Standby"), roles(t));
  }

  @Test
  void syncStandbyOnlyInSynchronousMode() {
    Member a = CtlFixtures.member("a", 5432, 1, "role", "primary");
    Member b = CtlFixtures.member("b", 5433, 1, "replication_state", "streaming");
    io.vigil.cluster.SyncState sync = new io.vigil.cluster.SyncState(1, "a", List.of("b"), null);
    assertEquals(List.of("Leader", "Sync Standby"),
        roles(MemberTable.render(withConfig(Map.of("synchronous_mode", true), sync, a, b), "x", false, "pretty")));
    assertEquals(List.of("Leader", "Replica"),
        roles(MemberTable.render(withConfig(Map.of("synchronous_mode", false), sync, a, b), "x", false, "pretty")));
  }

  @Test
  void standbyClusterLeaderIsTheStandbyLeaderWithItsReplicationState() {
    Member a = CtlFixtures.member("a", 5432, 1, "role", "standby_leader", "replication_state", "streaming");
    Member b = CtlFixtures.member("b", 5433, 1, "replication_state", "streaming");
    String t = MemberTable.render(withConfig(Map.of("standby_cluster", Map.of("host", "10.0.0.1")), null, a, b), "x",
        false, "pretty");
    assertEquals(List.of("Standby Leader", "Replica"), roles(t));
    assertTrue(t.contains("| Standby Leader | streaming |"), t);
  }

  @Test
  void membersOfOldPatroniWithOnlyXlogLocationShowItAsReceiveOrReplay() {
    Member a = CtlFixtures.member("a", 5432, 1, "role", "primary");
    Member streaming = CtlFixtures.member("b", 5433, 1, "replication_state", "streaming",
        "xlog_location", CtlFixtures.OPTIME - 3 * 1048576);
    Member archive = CtlFixtures.member("c", 5434, 1, "xlog_location", CtlFixtures.OPTIME);
    String t = MemberTable.render(withConfig(Map.of(), null, a, streaming, archive), "x", false, "pretty");
    assertTrue(t.contains("| b      | 127.0.0.1:5433 | Replica | streaming |  4 |   0/3E40028 |   3 |    unknown |     |"), t);
    assertTrue(t.contains("| c      | 127.0.0.1:5434 | Replica | running   |  4 |     unknown |     |  0/4140028 |   0 |"), t);
  }
}
