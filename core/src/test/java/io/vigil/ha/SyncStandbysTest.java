package io.vigil.ha;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.cluster.Member;
import io.vigil.cluster.SyncState;
import io.vigil.config.GlobalConfig;
import io.vigil.ha.Action.ApplySynchronousStandbyNames;
import io.vigil.ha.Action.WriteSyncState;
import io.vigil.postgres.PostgresState.ReplicationRow;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** docs/postgres.md §6.6: the synchronous_standby_names format and the /sync planning of the primary pg1. */
class SyncStandbysTest {

  @ParameterizedTest(name = "{0}")
  @MethodSource("formats")
  void formatsAsPatroni(String situation, List<String> names, Integer num, boolean quorum, String expected) {
    assertEquals(expected, SyncStandbys.format(new LinkedHashSet<>(names), num, quorum));
  }

  static Stream<Arguments> formats() {
    return Stream.of(
        Arguments.of("one plain name", List.of("pg2"), null, false, "pg2"),
        Arguments.of("one name that needs quotes", List.of("postgres-1"), null, false, "\"postgres-1\""),
        Arguments.of("several names: N (..) sorted", List.of("postgres-4", "postgres-2"), null, false,
            "2 (\"postgres-2\",\"postgres-4\")"),
        Arguments.of("several plain names", List.of("b", "a"), null, false, "2 (a,b)"),
        Arguments.of("quorum: ANY n (..)", List.of("pg3", "pg2", "pg4"), 1, true, "ANY 1 (pg2,pg3,pg4)"),
        Arguments.of("quorum with one name", List.of("pg2"), 1, true, "ANY 1 (pg2)"),
        Arguments.of("keywords are quoted", List.of("first"), null, false, "\"first\""),
        Arguments.of("embedded quotes are doubled", List.of("we\"ird"), null, false, "\"we\"\"ird\""),
        Arguments.of("upper case is plain", List.of("Pg_2$"), null, false, "Pg_2$"),
        Arguments.of("no names", List.of(), null, false, ""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("parses")
  void readsNamesBack(String situation, String ssn, Set<String> names) {
    assertEquals(names, SyncStandbys.parseNames(ssn));
  }

  static Stream<Arguments> parses() {
    return Stream.of(
        Arguments.of("empty", "", Set.of()),
        Arguments.of("one name", "pg2", Set.of("pg2")),
        Arguments.of("priority list", "2 (\"postgres-2\",\"postgres-4\")", Set.of("postgres-2", "postgres-4")),
        Arguments.of("quorum list", "ANY 1 (pg2,\"pg3\")", Set.of("pg2", "pg3")),
        Arguments.of("FIRST list with spaces", "FIRST 2 ( a , b )", Set.of("a", "b")),
        Arguments.of("the strict placeholder names nobody", SyncStandbys.STRICT_PLACEHOLDER, Set.of()));
  }

  private static ReplicationRow row(String app, String syncState, long flush) {
    return new ReplicationRow("replicator", app, "127.0.0.1", "streaming", syncState, 1, flush, flush);
  }

  private static List<Member> members(Member... extra) {
    List<Member> all = new ArrayList<>(List.of(Members.primary("pg1"), Members.replica("pg2"),
        Members.replica("pg3")));
    for (Member m : extra) {
      all.removeIf(x -> x.name().equals(m.name()));
      all.add(m);
    }
    return all;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("plans")
  void plans(String situation, Configs configs, List<ReplicationRow> rows, List<Member> members, SyncState current,
      String currentSsn, String ssn, List<String> sync, List<Action> steps) {
    GlobalConfig gc = configs.global();
    SyncStandbys.Plan plan = SyncStandbys.plan("pg1", rows, members, current, currentSsn, 1000, gc);
    assertEquals(ssn, plan.synchronousStandbyNames());
    assertEquals(sync, plan.syncStandbys());
    assertEquals(steps, plan.steps());
  }

  static Stream<Arguments> plans() {
    Configs on = Configs.defaults().synchronous();
    SyncState empty = new SyncState(3, "pg1", List.of(), null);
    return Stream.of(
        Arguments.of("no standby streams: synchronous_standby_names stays empty", on, List.of(), members(), empty,
            "", "", List.of(), List.of()),
        Arguments.of("first cycle of sync mode: /sync names the leader", on, List.of(), members(), null,
            "", "", List.of(), List.of(new WriteSyncState("pg1", List.of(), null, null))),
        Arguments.of("strict mode without standbys: the placeholder", Configs.defaults().synchronousStrict(),
            List.of(), members(), empty, "", SyncStandbys.STRICT_PLACEHOLDER, List.of(),
            List.of(new ApplySynchronousStandbyNames(SyncStandbys.STRICT_PLACEHOLDER))),
        Arguments.of("one standby streams: name it", on, List.of(row("pg2", "async", 1000)), members(), empty,
            "", "pg2", List.of(), List.of(new ApplySynchronousStandbyNames("pg2"))),
        Arguments.of("named and confirmed sync: extend /sync", on, List.of(row("pg2", "sync", 1000)), members(),
            empty, "pg2", "pg2", List.of("pg2"), List.of(new WriteSyncState("pg1", List.of("pg2"), null, 3L))),
        Arguments.of("named but still potential: /sync waits", on, List.of(row("pg2", "potential", 1000)),
            members(), empty, "pg2", "pg2", List.of(), List.of()),
        Arguments.of("everything in place: nothing to write", on, List.of(row("pg2", "sync", 1000)), members(),
            new SyncState(3, "pg1", List.of("pg2"), null), "pg2", "pg2", List.of("pg2"), List.of()),
        Arguments.of("the current sync standby is kept over a faster async one", on,
            List.of(row("pg3", "async", 1000), row("pg2", "sync", 900)), members(),
            new SyncState(3, "pg1", List.of("pg2"), null), "pg2", "pg2", List.of("pg2"), List.of()),
        Arguments.of("sync standby gone: shrink /sync before switching", on, List.of(row("pg3", "async", 1000)),
            members(), new SyncState(3, "pg1", List.of("pg2"), null), "pg2", "pg3", List.of(),
            List.of(new WriteSyncState("pg1", List.of(), null, 3L), new ApplySynchronousStandbyNames("pg3"))),
        Arguments.of("synchronous_node_count 2: N (a,b)", Configs.defaults().synchronous().synchronousNodeCount(2),
            List.of(row("pg2", "async", 1000), row("pg3", "async", 1000)), members(), empty, "", "2 (pg2,pg3)",
            List.of(), List.of(new ApplySynchronousStandbyNames("2 (pg2,pg3)"))),
        Arguments.of("nosync member is never synchronous", on,
            List.of(row("pg2", "async", 1000), row("pg3", "async", 900)),
            members(Members.replica("pg2", Map.of("nosync", true))), empty, "", "pg3", List.of(),
            List.of(new ApplySynchronousStandbyNames("pg3"))),
        Arguments.of("a member not running is never synchronous", on, List.of(row("pg2", "async", 1000)),
            members(Members.stopped("pg2")), empty, "", "", List.of(), List.of()),
        Arguments.of("a row of an unknown application is ignored", on, List.of(row("backup", "async", 1000)),
            members(), empty, "", "", List.of(), List.of()),
        Arguments.of("higher sync_priority wins", on,
            List.of(row("pg2", "async", 1000), row("pg3", "async", 900)),
            members(Members.replica("pg3", Map.of("sync_priority", 5))), empty, "", "pg3", List.of(),
            List.of(new ApplySynchronousStandbyNames("pg3"))),
        Arguments.of("nofailover standby comes last", on,
            List.of(row("pg2", "async", 1000), row("pg3", "async", 900)),
            members(Members.replica("pg2", Map.of("nofailover", true))), empty, "", "pg3", List.of(),
            List.of(new ApplySynchronousStandbyNames("pg3"))),
        Arguments.of("beyond maximum_lag_on_syncnode: excluded",
            Configs.defaults().synchronous().synchronousNodeCount(2).maximumLagOnSyncnode(500),
            List.of(row("pg2", "async", 1000), row("pg3", "async", 100)), members(), empty, "", "pg2", List.of(),
            List.of(new ApplySynchronousStandbyNames("pg2"))),
        Arguments.of("a cascading replica is not synchronous", on,
            List.of(row("pg2", "async", 1000), row("pg3", "async", 1000)),
            members(Members.replica("pg3", Map.of("replicatefrom", "pg2"))), empty, "", "pg2", List.of(),
            List.of(new ApplySynchronousStandbyNames("pg2"))),
        // issue 10 item 6b: Patroni's QuorumStateResolver order, one safe step per cycle
        Arguments.of("quorum: from scratch synchronous_standby_names comes first", Configs.defaults().quorum(1),
            List.of(row("pg2", "async", 1000), row("pg3", "async", 1000)), members(),
            new SyncState(3, "pg1", List.of(), 0), "", "ANY 1 (pg2,pg3)", List.of(),
            List.of(new ApplySynchronousStandbyNames("ANY 1 (pg2,pg3)"))),
        Arguments.of("quorum: confirmed standbys become voters", Configs.defaults().quorum(1),
            List.of(row("pg2", "quorum", 1000), row("pg3", "quorum", 1000)), members(),
            new SyncState(3, "pg1", List.of(), 0), "ANY 1 (pg2,pg3)", "ANY 1 (pg2,pg3)", List.of("pg2", "pg3"),
            List.of(new WriteSyncState("pg1", List.of("pg2", "pg3"), 1, 3L))),
        Arguments.of("quorum: standbys short of the LSN of the change are no voters yet", Configs.defaults().quorum(1),
            List.of(row("pg2", "quorum", 900), row("pg3", "quorum", 900)), members(),
            new SyncState(3, "pg1", List.of(), 0), "ANY 1 (pg2,pg3)", "ANY 1 (pg2,pg3)", List.of(), List.of()),
        Arguments.of("quorum: a new standby joins the voters before synchronous_standby_names",
            Configs.defaults().quorum(1), List.of(row("pg2", "quorum", 1000), row("pg3", "async", 1000)), members(),
            new SyncState(3, "pg1", List.of("pg2"), 0), "ANY 1 (pg2)", "ANY 1 (pg2)", List.of("pg2", "pg3"),
            List.of(new WriteSyncState("pg1", List.of("pg2", "pg3"), 1, 3L))),
        Arguments.of("quorum: a voter joins synchronous_standby_names once it is a voter", Configs.defaults().quorum(1),
            List.of(row("pg2", "quorum", 1000), row("pg3", "async", 1000)), members(),
            new SyncState(3, "pg1", List.of("pg2", "pg3"), 1), "ANY 1 (pg2)", "ANY 1 (pg2,pg3)",
            List.of("pg2", "pg3"), List.of(new ApplySynchronousStandbyNames("ANY 1 (pg2,pg3)"))),
        Arguments.of("quorum: a voter leaves synchronous_standby_names first", Configs.defaults().quorum(1),
            List.of(row("pg2", "quorum", 1000)), members(), new SyncState(3, "pg1", List.of("pg2", "pg3"), 1),
            "ANY 1 (pg2,pg3)", "ANY 1 (pg2)", List.of("pg2", "pg3"),
            List.of(new ApplySynchronousStandbyNames("ANY 1 (pg2)"))),
        Arguments.of("quorum: then it leaves the voters", Configs.defaults().quorum(1),
            List.of(row("pg2", "quorum", 1000)), members(), new SyncState(3, "pg1", List.of("pg2", "pg3"), 1),
            "ANY 1 (pg2)", "ANY 1 (pg2)", List.of("pg2"), List.of(new WriteSyncState("pg1", List.of("pg2"), 0, 3L))),
        Arguments.of("quorum: a higher synchronous_node_count raises numsync first", Configs.defaults().quorum(2),
            List.of(row("pg2", "quorum", 1000), row("pg3", "quorum", 1000)), members(),
            new SyncState(3, "pg1", List.of("pg2", "pg3"), 1), "ANY 1 (pg2,pg3)", "ANY 2 (pg2,pg3)",
            List.of("pg2", "pg3"), List.of(new ApplySynchronousStandbyNames("ANY 2 (pg2,pg3)"))),
        Arguments.of("quorum: a lower synchronous_node_count raises quorum first", Configs.defaults().quorum(1),
            List.of(row("pg2", "quorum", 1000), row("pg3", "quorum", 1000)), members(),
            new SyncState(3, "pg1", List.of("pg2", "pg3"), 0), "ANY 2 (pg2,pg3)", "ANY 2 (pg2,pg3)",
            List.of("pg2", "pg3"), List.of(new WriteSyncState("pg1", List.of("pg2", "pg3"), 1, 3L))),
        Arguments.of("quorum strict without standbys: ANY 1 (placeholder)",
            Configs.defaults().quorum(1).synchronousStrictQuorum(), List.of(), members(),
            new SyncState(3, "pg1", List.of(), 0), "", "ANY 1 (" + SyncStandbys.STRICT_PLACEHOLDER + ")", List.of(),
            List.of(new ApplySynchronousStandbyNames("ANY 1 (" + SyncStandbys.STRICT_PLACEHOLDER + ")"))));
  }

  // ---- quorum mode: every intermediate state keeps any quorum of voters overlapping any acknowledging set ----

  private static final Pattern NUM = Pattern.compile("^\\s*(?:ANY|FIRST)?\\s*(\\d+)\\s*\\(",
      Pattern.CASE_INSENSITIVE);

  /** Patroni's QuorumStateResolver.check_invariants, written from the definition, not from the planner. */
  private static void assertOverlap(String leader, SyncState sync, String ssn, String where) {
    Set<String> s = SyncStandbys.parseNames(ssn);
    Matcher m = NUM.matcher(ssn);
    int numsync = s.isEmpty() ? 0 : m.find() ? Integer.parseInt(m.group(1)) : 1;
    Set<String> voters = new TreeSet<>(sync.syncStandbys());
    int quorum = sync.quorum() == null ? 0 : sync.quorum();
    Set<String> all = new TreeSet<>(voters);
    all.addAll(s);
    all.add(leader);
    if (!voters.isEmpty()) {
      assertTrue(all.size() <= quorum + numsync + 1,
          () -> where + ": quorum " + quorum + " of " + voters + " may miss a commit acknowledged by " + ssn);
    }
    assertTrue(s.containsAll(voters) || voters.containsAll(s),
        () -> where + ": mismatched sets " + voters + " / " + ssn);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("walks")
  void quorumWalksToTheTargetKeepingTheInvariant(String situation, int nodeCount, List<String> streaming,
      SyncState start, String startSsn, List<String> voters, int quorum, String ssn) {
    GlobalConfig gc = Configs.defaults().quorum(nodeCount).global();
    List<ReplicationRow> rows = streaming.stream().map(n -> row(n, "quorum", 1000)).toList();
    SyncState sync = start;
    String current = startSsn;
    assertOverlap("pg1", sync, current, "start");
    for (int cycle = 0; cycle < 12; cycle++) {
      SyncStandbys.Plan plan = SyncStandbys.plan("pg1", rows, members(Members.replica("pg4")), sync, current, 1000,
          gc);
      if (plan.steps().isEmpty()) {
        break;
      }
      for (Action step : plan.steps()) {
        if (step instanceof WriteSyncState w) {
          sync = new SyncState(sync.version() + 1, w.leader(), w.syncStandbys(), w.quorum());
        } else if (step instanceof ApplySynchronousStandbyNames a) {
          current = a.value() == null ? "" : a.value();
        }
        assertOverlap("pg1", sync, current, "cycle " + cycle + " after " + step);
      }
    }
    assertEquals(voters, sync.syncStandbys());
    assertEquals(quorum, sync.quorum());
    assertEquals(ssn, current);
  }

  static Stream<Arguments> walks() {
    SyncState none = new SyncState(3, "pg1", List.of(), 0);
    return Stream.of(
        Arguments.of("three standbys from scratch", 1, List.of("pg2", "pg3", "pg4"), none, "",
            List.of("pg2", "pg3", "pg4"), 2, "ANY 1 (pg2,pg3,pg4)"),
        Arguments.of("two of three standbys gone", 1, List.of("pg2"),
            new SyncState(3, "pg1", List.of("pg2", "pg3", "pg4"), 2), "ANY 1 (pg2,pg3,pg4)",
            List.of("pg2"), 0, "ANY 1 (pg2)"),
        Arguments.of("every standby gone", 1, List.of(),
            new SyncState(3, "pg1", List.of("pg2", "pg3"), 1), "ANY 1 (pg2,pg3)", List.of(), 0, ""),
        Arguments.of("node count 2 to 1", 1, List.of("pg2", "pg3", "pg4"),
            new SyncState(3, "pg1", List.of("pg2", "pg3", "pg4"), 1), "ANY 2 (pg2,pg3,pg4)",
            List.of("pg2", "pg3", "pg4"), 2, "ANY 1 (pg2,pg3,pg4)"),
        Arguments.of("node count 1 to 3", 3, List.of("pg2", "pg3", "pg4"),
            new SyncState(3, "pg1", List.of("pg2", "pg3", "pg4"), 2), "ANY 1 (pg2,pg3,pg4)",
            List.of("pg2", "pg3", "pg4"), 0, "ANY 3 (pg2,pg3,pg4)"),
        Arguments.of("one standby replaced by another", 2, List.of("pg2", "pg4"),
            new SyncState(3, "pg1", List.of("pg2", "pg3"), 0), "ANY 2 (pg2,pg3)",
            List.of("pg2", "pg4"), 0, "ANY 2 (pg2,pg4)"),
        Arguments.of("interrupted: voters ahead of synchronous_standby_names", 1, List.of("pg2", "pg3"),
            new SyncState(3, "pg1", List.of("pg2", "pg3"), 1), "ANY 1 (pg2)",
            List.of("pg2", "pg3"), 1, "ANY 1 (pg2,pg3)"),
        Arguments.of("interrupted: synchronous_standby_names ahead of the voters", 1, List.of("pg2", "pg3"),
            new SyncState(3, "pg1", List.of("pg2"), 0), "ANY 2 (pg2,pg3)",
            List.of("pg2", "pg3"), 1, "ANY 1 (pg2,pg3)"));
  }
}
