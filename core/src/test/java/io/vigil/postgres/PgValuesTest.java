package io.vigil.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Small value parsers and renderers of the postgres package. */
class PgValuesTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({"postgres-1,postgres_1", "PG.Node,pg_node", "abc_9,abc_9", "a b,au0032b", "ñ,u0241"})
  void derivesSlotNamesFromMemberNamesAsPatroni(String member, String slot) {
    assertEquals(slot, SlotNames.forMember(member));
  }

  @Test
  void cutsSlotNamesAt63Characters() {
    assertEquals(63, SlotNames.forMember("x".repeat(80)).length());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"0/17414F8,24384760", "1/0,4294967296", "FF/FFFFFFFF,1099511627775"})
  void parsesAndFormatsLsns(String text, long value) {
    assertEquals(value, Lsn.parse(text));
    assertEquals(text, Lsn.format(value));
  }

  @Test
  void aServerStartedToFollowSomeoneIsAReplicaUntilAQueryReadsItsRole() {
    // the old primary started as a replica by a demote: a failed state query must not find a primary in it
    RecoveryConfig nobody = new RecoveryConfig(null, null, null, Map.of());
    RecoveryConfig leader = RecoveryConfig.following(new ReplicationSource("pg-2", "127.0.0.1", 5433), "pg-1");
    assertEquals(PostgresRole.REPLICA, PostgresController.roleAtStart(nobody, PostgresRole.PRIMARY));
    assertEquals(PostgresRole.REPLICA, PostgresController.roleAtStart(leader, PostgresRole.PROMOTED));
    assertEquals(PostgresRole.REPLICA, PostgresController.roleAtStart(leader, null));
    assertEquals(PostgresRole.STANDBY_LEADER, PostgresController.roleAtStart(leader, PostgresRole.STANDBY_LEADER));
    assertEquals(PostgresRole.PRIMARY, PostgresController.roleAtStart(null, PostgresRole.REPLICA));
  }

  @Test
  void rejectsMalformedLsn() {
    assertThrows(IllegalArgumentException.class, () -> Lsn.parse("12345"));
  }

  @Test
  void readsBasebackupProgressLines() {
    assertEquals(OptionalInt.of(11), BasebackupProgress.percent("12345/104567 kB (11%), 0/1 tablespace"));
    assertEquals(OptionalInt.of(100), BasebackupProgress.percent("104567/104567 kB (100%), 1/1 tablespace"));
    assertEquals(OptionalInt.empty(), BasebackupProgress.percent("pg_basebackup: syncing data to disk ..."));
  }

  @Test
  void splitsCommandsLikeShlex() {
    assertEquals(List.of("/bin/sh", "-c", "echo 'a b'", "x y", "z"),
        CommandLine.split("/bin/sh -c \"echo 'a b'\" 'x y' z"));
    assertEquals(List.of("a\\b"), CommandLine.split("'a\\b'"));
    assertThrows(IllegalArgumentException.class, () -> CommandLine.split("echo 'oops"));
  }

  @Test
  void rendersConninfoWithQuotingWhereLibpqNeedsIt() {
    assertEquals("host=h port=5 password='a b\\'c'",
        Conninfo.render(new java.util.LinkedHashMap<>(Map.of()) {{
          put("host", "h");
          put("port", "5");
          put("password", "a b'c");
        }}));
  }

  @Test
  void formatsSynchronousStandbyNamesAsPatroni() {
    assertEquals("node1", SynchronousStandbyNames.format(List.of("node1"), 1, false));
    assertEquals("\"node-1\"", SynchronousStandbyNames.format(List.of("node-1"), 1, false));
    assertEquals("2 (a,b)", SynchronousStandbyNames.format(List.of("a", "b"), 2, false));
    assertEquals("ANY 1 (a,\"b.c\")", SynchronousStandbyNames.format(List.of("a", "b.c"), 1, true));
    assertEquals(null, SynchronousStandbyNames.format(List.of(), 1, false));
  }

  @Test
  void decidesRewindFromTheLeadersTimelineHistory() {
    List<TimelineHistoryFile.Entry> history = TimelineHistoryFile.parse(
        "1\t0/3000060\tno recovery target specified\n\n2\t0/5000000\tno recovery target specified\n");
    assertEquals(List.of(new TimelineHistoryFile.Entry(1, 0x3000060L), new TimelineHistoryFile.Entry(2, 0x5000000L)),
        history);
    // a replica that replayed only up to the switchpoint can follow the new timeline
    assertFalse(TimelineHistoryFile.needsRewind(1, 0x3000060L, false, 3, history));
    assertTrue(TimelineHistoryFile.needsRewind(1, 0x3000061L, false, 3, history));
    // a former primary's shutdown checkpoint must lie before the switchpoint, i.e. the new leader received it
    assertFalse(TimelineHistoryFile.needsRewind(1, 0x3000000L, true, 3, history));
    assertTrue(TimelineHistoryFile.needsRewind(1, 0x3000060L, true, 3, history));
    assertTrue(TimelineHistoryFile.needsRewind(4, 0, false, 3, history), "ahead of the leader");
    assertFalse(TimelineHistoryFile.needsRewind(3, 0x9000000L, false, 3, history), "same timeline");
    assertTrue(TimelineHistoryFile.needsRewind(7, 0, false, 9, history), "timeline not in the history");
  }
}
