package io.vigil.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.cluster.Cluster;
import io.vigil.cluster.ClusterConfig;
import io.vigil.cluster.Failsafe;
import io.vigil.cluster.Leader;
import io.vigil.cluster.Member;
import io.vigil.ha.ClusterView;
import io.vigil.ha.LocalState;
import io.vigil.ha.LongAction;
import io.vigil.postgres.PostgresRole;
import io.vigil.postgres.PostgresState;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The loop's pure pieces: the cycle deadline, who is asked before a leader race, when the lease guard stands down. */
class HaLoopVerticleTest {

  @Test
  void cycleDeadlineIsLoopWaitPlusTwoRetryTimeouts() {
    assertEquals(10_000, HaLoopVerticle.cycleDeadlineMillis(2, 4));
    assertEquals(30_000, HaLoopVerticle.cycleDeadlineMillis(10, 10));
    assertEquals(1_000, HaLoopVerticle.cycleDeadlineMillis(1, 0));
  }

  @Test
  void cycleDeadlineFitsPatronisTimingRule() {
    // loop_wait + 2*retry_timeout <= ttl is what Patroni asks of a configuration; then an abandoned cycle is
    // noticed before the key can have expired
    int[][] valid = {{10, 10, 30}, {2, 4, 10}, {2, 4, 20}, {5, 5, 15}};
    for (int[] t : valid) {
      assertTrue(HaLoopVerticle.cycleDeadlineMillis(t[0], t[1]) <= t[2] * 1000L, () -> List.of(t[0], t[1], t[2]).toString());
    }
  }

  private static Member member(String name, String apiUrl) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("conn_url", "postgres://127.0.0.1:5432/postgres");
    if (apiUrl != null) {
      data.put("api_url", apiUrl);
    }
    data.put("state", "running");
    return new Member(name, 1, null, data);
  }

  private static Cluster cluster(String leader, Failsafe failsafe, Member... members) {
    Leader l = leader == null ? null : new Leader(1, null, member(leader, null));
    return new Cluster("7000000000000000001", null, l, null, List.of(members), null, null, null, failsafe);
  }

  private static List<String> names(List<Member> members) {
    return members.stream().map(Member::name).toList();
  }

  @Test
  void theOldLeaderKnownOnlyFromTheLastClusterWithALeaderIsAsked() {
    // pg1 led, then its member key expired with its lease: the current view no longer has it, but it may still
    // run a primary and must be asked before anyone races
    Cluster old = cluster("pg1", null, member("pg1", "http://10.0.0.1:8008/patroni"),
        member("pg2", "http://10.0.0.2:8008/patroni"), member("pg3", "http://10.0.0.3:8008/patroni"));
    Cluster now = cluster(null, null, member("pg2", "http://10.0.0.2:8008/patroni"),
        member("pg3", "http://10.0.0.3:8008/patroni"));
    List<Member> asked = HaLoopVerticle.raceCandidates(now, old, "pg2");
    assertEquals(List.of("pg1", "pg3"), names(asked));
    assertEquals("http://10.0.0.1:8008/patroni", asked.get(0).apiUrl());
  }

  @Test
  void aCurrentMemberKeyWinsOverItsOldCopy() {
    Cluster old = cluster("pg1", null, member("pg1", "http://10.0.0.1:8008/patroni"));
    Cluster now = cluster(null, null, member("pg1", "http://10.0.0.9:8008/patroni"));
    List<Member> asked = HaLoopVerticle.raceCandidates(now, old, "pg2");
    assertEquals(List.of("pg1"), names(asked));
    assertEquals("http://10.0.0.9:8008/patroni", asked.get(0).apiUrl());
  }

  @Test
  void membersOnlyInFailsafeAreAsked() {
    Map<String, String> fs = new LinkedHashMap<>();
    fs.put("pg1", "http://10.0.0.1:8008/patroni");
    fs.put("pg2", "http://10.0.0.2:8008/patroni");
    fs.put("pg4", "http://10.0.0.4:8008/patroni");
    Cluster now = cluster(null, new Failsafe(fs), member("pg2", "http://10.0.0.2:8008/patroni"),
        member("pg3", "http://10.0.0.3:8008/patroni"));
    List<Member> asked = HaLoopVerticle.raceCandidates(now, null, "pg2");
    assertEquals(List.of("pg3", "pg1", "pg4"), names(asked));
    assertEquals("http://10.0.0.4:8008/patroni", asked.get(2).apiUrl());
  }

  @Test
  void failsafeDoesNotReplaceAKnownMemberKey() {
    Cluster now = cluster(null, new Failsafe(Map.of("pg3", "http://old:8008/patroni")),
        member("pg3", "http://10.0.0.3:8008/patroni"));
    List<Member> asked = HaLoopVerticle.raceCandidates(now, null, "pg2");
    assertEquals(1, asked.size());
    assertEquals("http://10.0.0.3:8008/patroni", asked.get(0).apiUrl());
  }

  @Test
  void selfIsNeverAskedWhereverItIsListed() {
    Cluster old = cluster("pg2", null, member("pg2", "http://10.0.0.2:8008/patroni"));
    Cluster now = cluster(null, new Failsafe(Map.of("pg2", "http://10.0.0.2:8008/patroni")),
        member("pg2", "http://10.0.0.2:8008/patroni"));
    assertEquals(List.of(), HaLoopVerticle.raceCandidates(now, old, "pg2"));
  }

  @Test
  void membersWithoutApiUrlAreLeftOut() {
    Cluster old = cluster("pg1", null, member("pg1", null));
    Cluster now = cluster(null, null, member("pg3", null), member("pg4", "http://10.0.0.4:8008/patroni"));
    assertEquals(List.of("pg4"), names(HaLoopVerticle.raceCandidates(now, old, "pg2")));
  }

  // --- the view of a cycle that could not read the DCS ---

  @Test
  void aFailsafeTopologyWrittenAfterTheLastLoadIsTheOneACutOffPrimaryChecks() {
    Cluster loadedBeforeTheWrite = cluster("pg1", null, member("pg1", "http://10.0.0.1:8008/patroni"));
    Failsafe written = new Failsafe(Map.of("pg1", "http://10.0.0.1:8008/patroni", "pg2", "http://10.0.0.2:8008/patroni"));
    ClusterView view = HaLoopVerticle.unreachableView(loadedBeforeTheWrite, written);
    assertFalse(view.dcsReachable());
    assertEquals(written, view.cluster().failsafe());
    assertEquals("pg1", view.cluster().leaderName());
  }

  @Test
  void aFailsafeKeyTheLastLoadFoundGoneIsGoneFromTheView() {
    Failsafe stale = new Failsafe(Map.of("pg1", "http://10.0.0.1:8008/patroni"));
    Cluster loaded = cluster("pg1", stale, member("pg1", "http://10.0.0.1:8008/patroni"));
    assertNull(HaLoopVerticle.unreachableView(loaded, null).cluster().failsafe());
  }

  @Test
  void nothingLoadedYetGivesAnEmptyUnreachableView() {
    assertNull(HaLoopVerticle.unreachableView(null, null).cluster());
  }

  // --- when /config counts as changed ---

  @Test
  void aConfigRecreatedAtTheSameVersionWithOtherContentIsAChange() {
    ClusterConfig applied = new ClusterConfig(0, Map.of("ttl", 30));
    assertTrue(HaLoopVerticle.configChanged(applied, new ClusterConfig(0, Map.of("ttl", 20))));
    assertTrue(HaLoopVerticle.configChanged(applied, new ClusterConfig(1, Map.of("ttl", 30))));
    assertFalse(HaLoopVerticle.configChanged(applied, new ClusterConfig(0, Map.of("ttl", 30))));
    assertTrue(HaLoopVerticle.configChanged(null, new ClusterConfig(0, Map.of())), "the first one read");
    assertFalse(HaLoopVerticle.configChanged(applied, null), "no config key: keep what was applied");
  }

  private static LocalState local(boolean running, LongAction longAction) {
    PostgresState pg = new PostgresState(running ? "running" : "crashed", PostgresRole.PRIMARY, false, running, false,
        "7000000000000000001", 1, running ? 100L : null, null, null, null, null, false, null, List.of(), null, 150018,
        null, false, Map.of(), 1_000_000);
    return new LocalState("pg1", null, pg, null, longAction, null, null, 1_000_000, Instant.EPOCH, false, null, null,
        true, null, null);
  }

  /**
   * A leader frozen past ttl whose postmaster the watchdog killed: once the DCS shows another leader and nothing
   * of ours runs or starts, its old lease is gone; kept, the guard stopped the replica it started after pg_rewind.
   */
  @Test
  void theLeaseGuardStandsDownOnlyWhenTheKeyIsAnothersAndNothingOfOursRuns() {
    ClusterView otherLeads = ClusterView.of(cluster("pg2", null, member("pg1", null), member("pg2", null)));
    ClusterView nobodyLeads = ClusterView.of(cluster(null, null, member("pg1", null), member("pg2", null)));
    ClusterView iLead = ClusterView.of(cluster("pg1", null, member("pg1", null), member("pg2", null)));
    LongAction start = new LongAction("restarting after failure", LongAction.Kind.START, 1_000_000);
    assertTrue(HaLoopVerticle.leaseGone(otherLeads, local(false, null)));
    assertTrue(HaLoopVerticle.leaseGone(nobodyLeads, local(false, null)));
    // still the key holder: a crashed primary restarts in place on its lease
    assertFalse(HaLoopVerticle.leaseGone(iLead, local(false, null)));
    // a primary still running without the key: the guard stays until it is stopped
    assertFalse(HaLoopVerticle.leaseGone(otherLeads, local(true, null)));
    // a start decided while the key was ours may still bring up a primary
    assertFalse(HaLoopVerticle.leaseGone(otherLeads, local(false, start)));
    // the DCS did not answer: who holds the key is unknown
    assertFalse(HaLoopVerticle.leaseGone(ClusterView.unreachable(otherLeads.cluster()), local(false, null)));
  }
}
