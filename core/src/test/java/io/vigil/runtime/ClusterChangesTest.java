package io.vigil.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vigil.cluster.Cluster;
import io.vigil.cluster.ClusterConfig;
import io.vigil.cluster.Failover;
import io.vigil.cluster.Failsafe;
import io.vigil.cluster.Leader;
import io.vigil.cluster.Member;
import io.vigil.cluster.Status;
import io.vigil.cluster.SyncState;
import io.vigil.events.NewEvent;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The snapshot diff behind the DCS watch's events, one row per kind of change. */
class ClusterChangesTest {

  private static Member member(String name, String role, String state, long xlog) {
    return new Member(name, xlog, null, Map.of("role", role, "state", state, "xlog_location", xlog));
  }

  /** pg1 leads, pg1 and pg2 running, config v1, no failover, no sync, no failsafe. */
  private static final Cluster BASE = new Cluster("7", new ClusterConfig(1, Map.of("ttl", 30)),
      new Leader(1, null, member("pg1", "primary", "running", 1)), Status.empty(),
      List.of(member("pg1", "primary", "running", 1), member("pg2", "replica", "running", 1)), null, null, null,
      null);

  private static Cluster with(UnaryOperator<Cluster> change) {
    return change.apply(BASE);
  }

  private static Cluster members(Cluster c, Member... ms) {
    return new Cluster(c.initialize(), c.config(), c.leader(), c.status(), List.of(ms), c.failover(), c.sync(),
        c.history(), c.failsafe());
  }

  private static Cluster failover(Cluster c, Failover f) {
    return new Cluster(c.initialize(), c.config(), c.leader(), c.status(), c.members(), f, c.sync(), c.history(),
        c.failsafe());
  }

  private static Cluster sync(Cluster c, SyncState s) {
    return new Cluster(c.initialize(), c.config(), c.leader(), c.status(), c.members(), c.failover(), s, c.history(),
        c.failsafe());
  }

  private static Cluster config(Cluster c, ClusterConfig cfg) {
    return new Cluster(c.initialize(), cfg, c.leader(), c.status(), c.members(), c.failover(), c.sync(), c.history(),
        c.failsafe());
  }

  /** Each event as "type k=v k=v" (null values shown), in order. */
  private static List<String> render(List<NewEvent> events) {
    List<String> out = new ArrayList<>();
    for (NewEvent e : events) {
      StringBuilder b = new StringBuilder(e.type().wireName());
      e.data().forEach((k, v) -> b.append(' ').append(k).append('=').append(v));
      out.add(b.toString());
    }
    return out;
  }

  static Stream<Arguments> rows() {
    Failover switchover = new Failover(5, "pg1", "pg2", null);
    return Stream.of(
        Arguments.of("first snapshot: a baseline", null, BASE, List.of()),
        Arguments.of("nothing but WAL positions changed", BASE,
            with(c -> members(c, member("pg1", "primary", "running", 9), member("pg2", "replica", "running", 8))),
            List.of()),
        Arguments.of("leader key gone", BASE, with(c -> c.withLeader(null)),
            List.of("leader_changed old=pg1 new=null")),
        Arguments.of("new leader", with(c -> c.withLeader(null)),
            with(c -> c.withLeader(new Leader(2, null, member("pg2", "primary", "running", 1)))),
            List.of("leader_changed old=null new=pg2")),
        Arguments.of("member joined and member left", BASE,
            with(c -> members(c, member("pg1", "primary", "running", 1), member("pg3", "replica", "starting", 0))),
            List.of("member_left name=pg2", "member_joined name=pg3 role=replica state=starting")),
        Arguments.of("member changed state and role", BASE,
            with(c -> members(c, member("pg1", "demoted", "stopped", 1), member("pg2", "replica", "running", 2))),
            List.of("member_changed name=pg1 role=demoted state=stopped old_role=primary old_state=running")),
        Arguments.of("config changed", BASE, with(c -> config(c, new ClusterConfig(2, Map.of("ttl", 20)))),
            List.of("config_changed version=2")),
        Arguments.of("switchover scheduled", BASE, with(c -> failover(c, switchover)),
            List.of("switchover_scheduled leader=pg1 candidate=pg2 scheduled_at=null")),
        Arguments.of("the same request rewritten is not scheduled again", with(c -> failover(c, switchover)),
            with(c -> failover(c, new Failover(6, "pg1", "pg2", null))), List.of()),
        Arguments.of("manual failover at a time", BASE,
            with(c -> failover(c, new Failover(5, null, "pg2", OffsetDateTime.parse("2026-12-04T12:00Z")))),
            List.of("failover_scheduled leader=null candidate=pg2 scheduled_at=2026-12-04T12:00Z")),
        Arguments.of("failover key cleared: no event (the loop reports the outcome)",
            with(c -> failover(c, switchover)), BASE, List.of()),
        Arguments.of("sync standby set", BASE, with(c -> sync(c, new SyncState(3, "pg1", List.of("pg2"), null))),
            List.of("sync_changed leader=pg1 sync_standbys=[pg2] quorum=null")),
        Arguments.of("sync rewritten unchanged", with(c -> sync(c, new SyncState(3, "pg1", List.of("pg2"), null))),
            with(c -> sync(c, new SyncState(4, "pg1", List.of("pg2"), null))), List.of()),
        Arguments.of("sync key deleted", with(c -> sync(c, new SyncState(3, "pg1", List.of("pg2"), null))), BASE,
            List.of("sync_changed leader=null sync_standbys=null quorum=null")),
        Arguments.of("failsafe members written", BASE,
            with(c -> c.withFailsafe(new Failsafe(new LinkedHashMap<>(Map.of("pg2", "http://b", "pg1", "http://a"))))),
            List.of("failsafe_changed members=[pg1, pg2]")),
        Arguments.of("several at once, in the documented order", BASE,
            with(c -> config(failover(members(c.withLeader(null), member("pg2", "replica", "running", 1)),
                new Failover(5, null, "pg2", null)), new ClusterConfig(2, Map.of()))),
            List.of("leader_changed old=pg1 new=null", "member_left name=pg1", "config_changed version=2",
                "failover_scheduled leader=null candidate=pg2 scheduled_at=null")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void reportsWhatChanged(String row, Cluster before, Cluster after, List<String> expected) {
    assertEquals(expected, render(ClusterChanges.between(before, after)), row);
  }
}
