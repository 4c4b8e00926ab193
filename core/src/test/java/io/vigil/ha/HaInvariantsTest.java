package io.vigil.ha;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vigil.cluster.Cluster;
import io.vigil.cluster.Failover;
import io.vigil.config.GlobalConfig;
import io.vigil.postgres.PostgresRole;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The safety rules of docs/architecture.md, checked on hand-picked situations and then on many generated ones
 * (property style, fixed seed so that a failure can be replayed).
 */
class HaInvariantsTest {
  private static final HaEngine engine = new HaEngine();
  private static final long LSN = Clusters.LSN;
  private static final int GENERATED = 10_000;

  // ---- the rules, each a check on one (inputs, decision) pair ------------------------------------------------

  private record Case(ClusterView view, LocalState local, HaMemory memory, HaSettings settings, Decision decision) {
    Cluster cluster() {
      return view.cluster();
    }

    GlobalConfig gc() {
      return settings.global();
    }

    boolean has(Class<? extends Action> kind) {
      return decision.contains(kind);
    }

    int indexOf(Predicate<Action> p) {
      List<Action> a = decision.actions();
      for (int i = 0; i < a.size(); i++) {
        if (p.test(a.get(i))) {
          return i;
        }
      }
      return -1;
    }

    boolean paused() {
      return gc().pause() || cluster() != null && cluster().isPaused();
    }

    boolean failoverNamesMe() {
      Failover f = cluster() == null ? null : cluster().failover();
      return f != null && local.name().equals(f.candidate());
    }

    String describe() {
      return "\nview=" + view + "\nlocal=" + local + "\nmemory=" + memory + "\nsettings=" + settings
          + "\ndecision=" + decision;
    }
  }

  private static void checkAll(Case c) {
    neverPromotesWithoutTheKey(c);
    neverStartsAPrimaryWithoutTheKey(c);
    nofailoverNeverPromotes(c);
    neverRacesBehindTheClusterOrTooFarBehind(c);
    inSyncModeOnlySyncMembersRace(c);
    cutOffPrimaryDemotesOfflineUnlessFailsafeConfirmed(c);
    pauseNeverStopsStartsOrDemotes(c);
    neverPromotesAndDemotesTogether(c);
    unknownStateNeverRewritesSyncReplication(c);
    quorumPromotionNeedsVotesFromHealthyVoters(c);
    standbyClusterNeverMakesAWritablePrimary(c);
  }

  /** docs/standby-cluster.md §2: while standby_cluster is set nobody is promoted, started or bootstrapped as primary. */
  private static void standbyClusterNeverMakesAWritablePrimary(Case c) {
    if (!c.gc().isStandbyCluster()) {
      return;
    }
    assertFalse(c.has(Action.Promote.class), () -> "promotes in a standby cluster" + c.describe());
    assertFalse(c.has(Action.Bootstrap.class), () -> "runs initdb in a standby cluster" + c.describe());
    assertTrue(c.indexOf(a -> a instanceof Action.StartPostgres s && s.role() == PostgresRole.PRIMARY) < 0,
        () -> "starts a primary in a standby cluster" + c.describe());
  }

  private static void neverPromotesWithoutTheKey(Case c) {
    int promote = c.indexOf(a -> a instanceof Action.Promote);
    if (promote < 0) {
      return;
    }
    int key = c.indexOf(a -> a instanceof Action.AcquireLeaderKey || a instanceof Action.RenewLeaderKey
        || a instanceof Action.TakeLeaderKey);
    assertTrue(key >= 0 && key < promote, () -> "Promote without a leader-key action before it" + c.describe());
    assertTrue(c.view().dcsReachable(), () -> "Promote while the DCS is unreachable" + c.describe());
    assertTrue(c.local().leaderKey() != LeaderKeyWrite.LOST || c.has(Action.AcquireLeaderKey.class),
        () -> "Promote after the key renewal failed" + c.describe());
  }

  private static void neverStartsAPrimaryWithoutTheKey(Case c) {
    int start = c.indexOf(a -> a instanceof Action.StartPostgres s && s.role() == PostgresRole.PRIMARY);
    if (start >= 0) {
      int renew = c.indexOf(a -> a instanceof Action.RenewLeaderKey);
      assertTrue(renew >= 0 && renew < start, () -> "primary start without renewing the key" + c.describe());
    }
  }

  private static void nofailoverNeverPromotes(Case c) {
    if (c.local().tags().failoverPriority() <= 0) {
      assertFalse(c.has(Action.Promote.class), () -> "nofailover node promotes" + c.describe());
      if (!c.local().postgres().isPrimary()) {
        assertFalse(c.has(Action.AcquireLeaderKey.class), () -> "nofailover replica races" + c.describe());
      }
    }
  }

  private static void neverRacesBehindTheClusterOrTooFarBehind(Case c) {
    if (!(c.has(Action.AcquireLeaderKey.class) && c.has(Action.Promote.class)) || c.failoverNamesMe()) {
      return;
    }
    var pg = c.local().postgres();
    long myWal = pg.walPosition() == null ? 0 : pg.walPosition();
    assertTrue(c.cluster().status().optime() - myWal <= c.gc().maximumLagOnFailover(),
        () -> "promotes beyond maximum_lag_on_failover" + c.describe());
    if (c.gc().checkTimeline()) {
      assertTrue(pg.timeline() != null && pg.timeline() >= c.cluster().timeline(),
          () -> "promotes behind the cluster timeline" + c.describe());
    }
  }

  private static void inSyncModeOnlySyncMembersRace(Case c) {
    Cluster cluster = c.cluster();
    boolean syncActive = c.gc().synchronousMode() == GlobalConfig.SynchronousMode.ON && !c.gc().isStandbyCluster()
        && cluster != null && cluster.sync() != null && cluster.sync().leader() != null;
    if (!syncActive || !c.has(Action.Promote.class) || !c.has(Action.AcquireLeaderKey.class)) {
      return;
    }
    Failover f = cluster.failover();
    boolean explicitFailoverToMe = c.failoverNamesMe() && f.leader() == null;
    String me = c.local().name();
    assertTrue(explicitFailoverToMe || cluster.sync().matches(me) || cluster.sync().isLeader(me),
        () -> "a member outside /sync promotes" + c.describe());
  }

  private static void cutOffPrimaryDemotesOfflineUnlessFailsafeConfirmed(Case c) {
    boolean cutOff = !c.view().dcsReachable() || c.local().leaderKey() == LeaderKeyWrite.UNREACHABLE
        && !c.paused() && c.local().postgres().isPrimary();
    if (!cutOff) {
      return;
    }
    for (Action a : c.decision().actions()) {
      if (a instanceof Action.AcquireLeaderKey || a instanceof Action.RenewLeaderKey || a instanceof Action.Promote
          || a instanceof Action.TouchMember || a instanceof Action.StartPostgres) {
        fail("DCS or PostgreSQL change while cut off from the DCS: " + a + c.describe());
      }
    }
    var pg = c.local().postgres();
    if (pg.isPrimary() && !c.paused() && !c.local().shutdownRequested()) {
      Cluster cluster = c.cluster();
      boolean confirmed = c.gc().failsafeMode() && cluster != null && cluster.failsafe() != null
          && cluster.failsafe().members().containsKey(c.local().name())
          && (c.view().failsafeAcks() != null && c.view().failsafeAcks().containsAll(
              cluster.failsafe().members().keySet().stream().filter(n -> !n.equals(c.local().name())).toList())
              || cluster.failsafe().members().size() == 1);
      boolean demoting = c.local().longAction() != null && c.local().longAction().kind() == LongAction.Kind.DEMOTE;
      if (demoting) {
        assertFalse(c.has(Action.Promote.class) || c.has(Action.CancelLongAction.class),
            () -> "disturbed a running demote" + c.describe());
      } else if (confirmed) {
        assertFalse(c.has(Action.Demote.class), () -> "demoted although failsafe confirmed" + c.describe());
      } else {
        assertEquals(List.of(new Action.Demote(DemoteMode.OFFLINE, null)), c.decision().actions(),
            () -> "cut-off primary must demote offline" + c.describe());
      }
    }
  }

  private static void pauseNeverStopsStartsOrDemotes(Case c) {
    if (!c.paused() || c.decision().message().equals("Failed to bootstrap cluster")) {
      return; // a failed bootstrap of our own is cleaned up whatever the pause says
    }
    Failover f = c.cluster() == null ? null : c.cluster().failover();
    for (Action a : c.decision().actions()) {
      if (a instanceof Action.Demote d && d.mode() == DemoteMode.GRACEFUL && f != null && f.candidate() != null) {
        continue; // a switchover to an explicit candidate is allowed in pause (docs/ha-rules.md §2.11)
      }
      if (a instanceof Action.Demote || a instanceof Action.StartPostgres || a instanceof Action.StopPostgres
          || a instanceof Action.CrashRecovery || a instanceof Action.Bootstrap) {
        fail("automatic " + a + " in pause" + c.describe());
      }
    }
    if (c.has(Action.Promote.class)) {
      assertTrue(c.failoverNamesMe(), () -> "promotes in pause without being the failover candidate" + c.describe());
    }
  }

  private static void neverPromotesAndDemotesTogether(Case c) {
    assertFalse(c.has(Action.Promote.class) && c.has(Action.Demote.class), () -> "promote and demote" + c.describe());
    assertTrue(c.decision().actions().stream().filter(a -> a instanceof Action.Promote).count() <= 1,
        () -> "two promotes" + c.describe());
  }

  private static void unknownStateNeverRewritesSyncReplication(Case c) {
    var pg = c.local().postgres();
    if (!pg.queryFailed() || !pg.isPrimary() || !c.gc().synchronousMode().enabled()
        || c.decision().message().equals("initialized a new cluster")) {
      return; // a new cluster's strict placeholder does not depend on pg_stat_replication
    }
    assertFalse(c.has(Action.WriteSyncState.class) || c.has(Action.ApplySynchronousStandbyNames.class),
        () -> "sync state rewritten from an unknown PostgreSQL state" + c.describe());
  }

  /**
   * Quorum mode without a failover key: a replica takes the key only with {@code quorum} votes from voters that
   * may promote, report a WAL position and are not ahead, or as the /sync leader with nobody ahead.
   */
  private static void quorumPromotionNeedsVotesFromHealthyVoters(Case c) {
    Cluster cluster = c.cluster();
    boolean quorumActive = c.gc().synchronousMode() == GlobalConfig.SynchronousMode.QUORUM
        && !c.gc().isStandbyCluster() && cluster != null && cluster.sync() != null
        && cluster.sync().leader() != null;
    var pg = c.local().postgres();
    if (!quorumActive || cluster.failover() != null || pg.isPrimary() || !c.has(Action.AcquireLeaderKey.class)) {
      return;
    }
    String me = c.local().name();
    long myWal = Math.max(pg.walPosition() == null ? 0 : pg.walPosition(),
        Math.max(pg.receiveLsn() == null ? 0 : pg.receiveLsn(), pg.replayLsn() == null ? 0 : pg.replayLsn()));
    int votes = cluster.sync().matches(me) ? 0 : -1;
    boolean anyAhead = false;
    for (PeerStatus peer : c.view().peers().values()) {
      if (peer.name().equals(me) || !peer.reachable()) {
        continue;
      }
      boolean ahead = peer.wal() > myWal;
      anyAhead |= ahead;
      if (cluster.sync().matches(peer.name()) && peer.mayPromote() && peer.walPosition() != null
          && peer.wal() > 0 && !ahead) {
        votes++;
      }
    }
    int needed = cluster.sync().quorum() == null ? 0 : cluster.sync().quorum();
    boolean enough = votes >= needed || !anyAhead && cluster.sync().isLeader(me);
    assertTrue(enough, () -> "took the key without a quorum of healthy voters" + c.describe());
  }

  @Test
  void quorumVotesComeOnlyFromVotersThatMayPromoteAndReportAPosition() {
    HaSettings quorum = Configs.defaults().quorum(1).settings();
    for (PeerStatus voter : List.of(Peers.nofailover("pg3", LSN), Peers.watchdogFailed("pg3", LSN),
        new PeerStatus("pg3", true, false, null, 1, false, 1, false), Peers.unreachable("pg3"))) {
      Case c = run(Clusters.initializedWithoutLeader().withQuorum(1, "pg1", "pg2", "pg3").withPeer(voter).view(),
          Locals.runningReplica("pg2").build(), HaMemory.initial(), quorum);
      assertFalse(c.has(Action.AcquireLeaderKey.class), voter::toString);
      quorumPromotionNeedsVotesFromHealthyVoters(c);
    }
  }

  private static Case run(ClusterView view, LocalState local, HaMemory memory, HaSettings settings) {
    Decision d = engine.decide(view, local, memory, settings);
    assertEquals(d, engine.decide(view, local, memory, settings), "not deterministic");
    assertFalse(d.message().isBlank(), "empty message");
    return new Case(view, local, memory, settings, d);
  }

  // ---- hand-picked situations, one test per rule ------------------------------------------------------------

  @Test
  void promotesOnlyWhileHoldingOrTakingTheKey() {
    Case c = run(Clusters.initializedWithoutLeader().view(), Locals.runningReplica("pg2").build(),
        HaMemory.initial(), Configs.defaults().settings());
    assertTrue(c.has(Action.Promote.class));
    neverPromotesWithoutTheKey(c);
    Case lost = run(Clusters.initializedWithLeader().withLeader("pg2").view(),
        Locals.runningReplica("pg2").withLeaderKey(LeaderKeyWrite.LOST).build(), HaMemory.initial(),
        Configs.defaults().settings());
    assertFalse(lost.has(Action.Promote.class));
  }

  @Test
  void neverPromotesBehindTheClusterTimeline() {
    Case c = run(Clusters.initializedWithoutLeader().withTimeline(4).view(),
        Locals.runningReplica("pg2").withTimeline(3).build(), HaMemory.initial(),
        Configs.defaults().checkTimeline().settings());
    assertFalse(c.has(Action.Promote.class));
    Case unknown = run(Clusters.initializedWithoutLeader().withTimeline(4).view(),
        Locals.runningReplica("pg2").withTimeline(null).build(), HaMemory.initial(),
        Configs.defaults().checkTimeline().settings());
    assertFalse(unknown.has(Action.Promote.class));
  }

  @Test
  void neverPromotesBeyondMaximumLagOnFailover() {
    Case c = run(Clusters.initializedWithoutLeader().withOptime(LSN + 1048577).withPeer(Peers.unreachable("pg3"))
        .view(), Locals.runningReplica("pg2").build(), HaMemory.initial(), Configs.defaults().settings());
    assertFalse(c.has(Action.Promote.class));
  }

  @Test
  void inSyncModeOnlySyncMembersPromote() {
    for (String me : List.of("pg2", "pg3")) {
      Case c = run(Clusters.initializedWithoutLeader().withSync("pg1", "pg2").withPeer(Peers.unreachable("pg2"))
          .withPeer(Peers.unreachable("pg3")).view(), Locals.runningReplica(me).build(), HaMemory.initial(),
          Configs.defaults().synchronous().settings());
      assertEquals(me.equals("pg2"), c.has(Action.Promote.class), me);
      inSyncModeOnlySyncMembersRace(c);
    }
  }

  @Test
  void nofailoverNeverPromotesEvenAsCandidateOrKeyHolder() {
    HaSettings settings = Configs.defaults().settings();
    List<Case> cases = List.of(
        run(Clusters.initializedWithoutLeader().withPeer(Peers.unreachable("pg3")).view(),
            Locals.runningReplica("pg2").nofailover().build(), HaMemory.initial(), settings),
        run(Clusters.initializedWithoutLeader().withFailover(null, "pg2").view(),
            Locals.runningReplica("pg2").nofailover().build(), HaMemory.initial(), settings),
        run(Clusters.initializedWithLeader().withLeader("pg2").view(),
            Locals.runningReplica("pg2").nofailover().build(), HaMemory.initial(), settings));
    cases.forEach(HaInvariantsTest::nofailoverNeverPromotes);
  }

  @Test
  void cutOffPrimaryDemotesOfflineUnlessEveryMemberAcknowledged() {
    HaSettings failsafe = Configs.defaults().failsafe().settings();
    Case acked = run(Clusters.initializedWithLeader().withFailsafe("pg1", "pg2", "pg3").withFailsafeAcks("pg2", "pg3")
        .unreachable().view(), Locals.runningPrimary("pg1").build(), HaMemory.initial(), failsafe);
    assertFalse(acked.has(Action.Demote.class));
    Case partial = run(Clusters.initializedWithLeader().withFailsafe("pg1", "pg2", "pg3").withFailsafeAcks("pg3")
        .unreachable().view(), Locals.runningPrimary("pg1").build(), HaMemory.initial(), failsafe);
    assertEquals(List.of(new Action.Demote(DemoteMode.OFFLINE, null)), partial.decision().actions());
    Case notProbed = run(Clusters.initializedWithLeader().withFailsafe("pg1", "pg2").unreachable().view(),
        Locals.runningPrimary("pg1").build(), HaMemory.initial(), failsafe);
    assertEquals(List.of(new Action.Demote(DemoteMode.OFFLINE, null)), notProbed.decision().actions());
  }

  /**
   * A stopped node never asks for single-user crash recovery twice before PostgreSQL runs again, whatever
   * pg_control says and however the divergence check answers, even when the crash recovery changes nothing on
   * disk (declined, or failed): asking again every cycle kept a former primary down forever. A crash recovery
   * that ends a replica's recovery is only asked for when pg_rewind follows.
   */
  @Test
  void aStoppedNodeTriesCrashRecoveryAtMostOnce() {
    List<String> controlStates = List.of("in production", "in crash recovery", "shutting down", "in archive recovery",
        "shut down", "shut down in recovery");
    List<Configs> settings = List.of(Configs.defaults(), Configs.defaults().noRewind(),
        Configs.defaults().noRewind().removeDataDirectoryOnDivergedTimelines(), Configs.defaults().standbyCluster());
    List<Clusters> clusters = List.of(Clusters.initializedWithLeader(), Clusters.initializedWithoutLeader());
    int cases = 0;
    for (String controlState : controlStates) {
      for (Configs configs : settings) {
        for (int view = 0; view < clusters.size(); view++) {
          for (RewindState rewind : RewindState.values()) {
            for (LocalState.Divergence verdict : new LocalState.Divergence[] {null, LocalState.Divergence.DIVERGED,
                LocalState.Divergence.NOT_DIVERGED}) {
              for (boolean formerPrimary : new boolean[] {true, false}) {
                cases++;
                walkStoppedNode(controlState, configs.settings(),
                    view == 0 ? Clusters.initializedWithLeader().view() : Clusters.initializedWithoutLeader().view(),
                    rewind, verdict, formerPrimary);
              }
            }
          }
        }
      }
    }
    assertEquals(controlStates.size() * settings.size() * clusters.size() * RewindState.values().length * 3 * 2,
        cases);
  }

  private static void walkStoppedNode(String controlState, HaSettings settings, ClusterView view, RewindState rewind,
      LocalState.Divergence verdict, boolean formerPrimary) {
    HaMemory memory = HaMemory.initial().withStartupDone(true).withRewind(rewind)
        .withLastRole(formerPrimary ? PostgresRole.PRIMARY : PostgresRole.REPLICA);
    LongAction.Completed completed = null;
    int crashRecoveries = 0;
    StringBuilder trail = new StringBuilder();
    for (int cycle = 0; cycle < 6; cycle++) {
      Locals l = (formerPrimary ? Locals.crashedPrimary("pg2").withRole(null) : Locals.stoppedReplica("pg2"))
          .withLeaderKey(LeaderKeyWrite.NONE).withControlData(controlState, !formerPrimary, false);
      if (verdict != null) {
        l.diverged(verdict == LocalState.Divergence.DIVERGED);
      }
      LocalState local = l.build();
      local = new LocalState(local.name(), local.tags(), local.postgres(), local.dataDirectory(), null, completed,
          local.leaderKey(), local.nowMillis(), local.now(), false, local.requests(), local.synchronousStandbyNames(),
          local.rewindPossible(), local.divergence(), local.watchdog());
      Decision d = engine.decide(view, local, memory, settings);
      trail.append("\n  ").append(d.message()).append(' ').append(d.actions());
      completed = null;
      for (Action a : d.actions()) {
        if (a instanceof Action.CrashRecovery cr) {
          crashRecoveries++;
          // pg_control unchanged: the worst case, a run that declined or failed
          completed = new LongAction.Completed(new LongAction("doing crash recovery in a single user mode",
              LongAction.Kind.CRASH_RECOVERY, 0), true);
          if (cr.beforeRewind()) {
            assertEquals(RewindState.NEED, d.memory().rewind(), "a replica's recovery ended without a rewind" + trail);
            assertTrue(settings.usePgRewind(), "a replica's recovery ended without pg_rewind" + trail);
          }
        }
      }
      memory = d.memory();
    }
    assertTrue(crashRecoveries <= 1, "crash recovery asked for " + crashRecoveries + " times for '" + controlState
        + "', rewind " + rewind + ", verdict " + verdict + ", former primary " + formerPrimary + trail);
  }

  // ---- property style: many generated situations ------------------------------------------------------------

  @Test
  void holdAcrossGeneratedSituations() {
    Random random = new Random(20261121L);
    // draws added later come from their own stream, so the situations generated before stay the same
    Random extra = new Random(20261203L);
    int promotions = 0;
    int demotions = 0;
    for (int i = 0; i < GENERATED; i++) {
      Case c = run(randomView(random, extra), randomLocal(random, extra), randomMemory(random),
          randomSettings(random));
      checkAll(c);
      promotions += c.has(Action.Promote.class) ? 1 : 0;
      demotions += c.has(Action.Demote.class) ? 1 : 0;
    }
    // the generator must reach the interesting branches, or the invariants prove nothing
    assertTrue(promotions > GENERATED / 100, "promotions: " + promotions);
    assertTrue(demotions > GENERATED / 100, "demotions: " + demotions);
  }

  private static <T> T pick(Random r, List<T> choices) {
    return choices.get(r.nextInt(choices.size()));
  }

  private static ClusterView randomView(Random r, Random extra) {
    Clusters c = r.nextInt(8) == 0 ? Clusters.initializedWithLeader().withoutLeader()
        : pick(r, List.of(Clusters.initializedWithLeader(), Clusters.initializedWithoutLeader(),
            Clusters.initializedWithLeader().withLeader("pg2")));
    if (r.nextInt(4) == 0) {
      c.withMember(Members.replica("pg3", Map.of("nofailover", true)));
    }
    c.withOptime(LSN + pick(r, List.of(0L, 100L, -100L, 2_000_000L)));
    c.withTimeline(1 + r.nextInt(3));
    switch (r.nextInt(6)) {
      case 0 -> c.withFailover(null, pick(r, List.of("pg2", "pg3")));
      case 1 -> c.withFailover("pg1", pick(r, List.of("pg2", "pg3")));
      case 2 -> c.withFailover("pg2", null);
      default -> { }
    }
    switch (r.nextInt(4)) {
      case 0 -> c.withSync("pg1", "pg3");
      case 1 -> c.withSync("pg1", "pg2");
      case 2 -> c.withQuorum(1, "pg1", "pg2", "pg3");
      default -> { }
    }
    if (r.nextInt(5) == 0) {
      c.paused();
    }
    if (r.nextInt(3) == 0) {
      c.withFailsafe(r.nextBoolean() ? new String[] {"pg1", "pg2", "pg3"} : new String[] {"pg1", "pg3"});
      if (r.nextBoolean()) {
        c.withFailsafeAcks(r.nextBoolean() ? new String[] {"pg1", "pg3"} : new String[] {"pg3"});
      }
    }
    for (String peer : List.of("pg1", "pg3")) {
      long lsn = LSN + pick(r, List.of(0L, 50L, -50L, -3_000_000L));
      PeerStatus answer = switch (r.nextInt(6)) {
        case 0 -> Peers.unreachable(peer);
        case 1 -> Peers.primary(peer, lsn);
        case 2 -> Peers.nofailover(peer, lsn);
        case 3 -> Peers.replicaWithPriority(peer, lsn, 1 + r.nextInt(3));
        case 4 -> Peers.onTimeline(peer, lsn, 1 + r.nextInt(3));
        default -> Peers.replica(peer, lsn);
      };
      // postgres not running there: the answer has no WAL position
      c.withPeer(extra.nextInt(8) == 0 ? new PeerStatus(peer, true, false, null, 1, false, 1, false) : answer);
    }
    if (r.nextInt(6) == 0) {
      c.unreachable();
    }
    return c.view();
  }

  private static LocalState randomLocal(Random r, Random extra) {
    Locals l = switch (r.nextInt(8)) {
      case 0 -> Locals.runningPrimary("pg2");
      case 1 -> Locals.crashedPrimary("pg2");
      case 2 -> Locals.stoppedReplica("pg2");
      case 3 -> Locals.startingPrimary("pg2");
      case 4 -> Locals.emptyDataDirectory("pg2");
      default -> Locals.runningReplica("pg2");
    };
    if (!"stopped".equals(l.build().postgres().state()) || l.build().postgres().systemId() != null) {
      l.withLsn(LSN + pick(r, List.of(0L, 50L, -50L, -2_000_000L)));
      l.withTimeline(pick(r, new ArrayList<>(java.util.Arrays.asList(1, 2, 3, null))));
    }
    if (r.nextInt(4) == 0) {
      l.withTags(pick(r, List.of(Map.of("nofailover", true), Map.of("failover_priority", 0),
          Map.of("failover_priority", 3), Map.of("replicatefrom", "pg3"))));
    }
    l.withLeaderKey(pick(r, List.of(LeaderKeyWrite.values())));
    l.withWatchdog(r.nextInt(5) != 0, r.nextBoolean(), r.nextInt(8) == 0);
    if (r.nextInt(6) == 0) {
      LongAction.Kind kind = pick(r, List.of(LongAction.Kind.values()));
      l.running(kind.name().toLowerCase(), kind, Locals.NOW_MILLIS - r.nextInt(400_000));
    }
    if (r.nextInt(6) == 0) {
      LongAction.Kind kind = pick(r, List.of(LongAction.Kind.values()));
      l.finished(kind.name().toLowerCase(), kind, r.nextBoolean());
    }
    if (r.nextInt(10) == 0) {
      l.shuttingDown();
    }
    if (extra.nextInt(8) == 0 && l.build().postgres().running()) {
      l.stateQueryFailed();
    }
    if (r.nextInt(5) == 0) {
      l.diverged(r.nextBoolean());
    }
    return l.build();
  }

  private static HaMemory randomMemory(Random r) {
    HaMemory m = r.nextBoolean() ? HaMemory.initial() : HaMemory.initial().withStartupDone(true);
    if (r.nextInt(4) == 0) {
      m = m.withRewind(pick(r, List.of(RewindState.values())));
    }
    if (r.nextInt(5) == 0) {
      m = m.withRecovering(true);
    }
    if (r.nextInt(5) == 0) {
      m = m.withStartingSince(Locals.NOW_MILLIS - r.nextInt(400_000));
    }
    if (r.nextInt(6) == 0) {
      m = m.withBootstrap(pick(r, List.of(HaMemory.BootstrapPhase.values())));
    }
    if (r.nextInt(6) == 0) {
      m = m.withRaceBackoffStart(Locals.NOW_MILLIS - r.nextInt(40_000)).withLastWalPosition(LSN);
    }
    return m;
  }

  private static HaSettings randomSettings(Random r) {
    Configs c = Configs.defaults();
    switch (r.nextInt(5)) {
      case 0 -> c.synchronous();
      case 1 -> c.synchronousStrict();
      case 2 -> c.quorum(1 + r.nextInt(2));
      default -> { }
    }
    if (r.nextInt(3) == 0) {
      c.failsafe();
    }
    if (r.nextBoolean()) {
      c.checkTimeline();
    }
    if (r.nextInt(4) == 0) {
      c.primaryStartTimeout(0);
    }
    if (r.nextInt(6) == 0) {
      c.paused();
    }
    if (r.nextInt(8) == 0) {
      c.standbyCluster();
    }
    if (r.nextInt(4) == 0) {
      c.watchdogRequired();
    }
    if (r.nextInt(5) == 0) {
      c.primaryRaceBackoff(30);
    }
    return c.settings();
  }
}
