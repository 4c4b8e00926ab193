package io.vigil.ha;

import static io.vigil.ha.Locals.NOW;
import static io.vigil.ha.Locals.NOW_MILLIS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vigil.ha.Action.AcquireLeaderKey;
import io.vigil.ha.Action.ActivateWatchdog;
import io.vigil.ha.Action.ApplySynchronousStandbyNames;
import io.vigil.ha.Action.CancelInitialization;
import io.vigil.ha.Action.CancelLongAction;
import io.vigil.ha.Action.ClearFailoverKey;
import io.vigil.ha.Action.Clone;
import io.vigil.ha.Action.CrashRecovery;
import io.vigil.ha.Action.DeleteSyncState;
import io.vigil.ha.Action.Demote;
import io.vigil.ha.Action.DisableWatchdog;
import io.vigil.ha.Action.Exit;
import io.vigil.ha.Action.Follow;
import io.vigil.ha.Action.InitializeCluster;
import io.vigil.ha.Action.MoveDataDirectoryAside;
import io.vigil.ha.Action.PetWatchdog;
import io.vigil.ha.Action.PostBootstrap;
import io.vigil.ha.Action.Promote;
import io.vigil.ha.Action.Reinitialize;
import io.vigil.ha.Action.ReleaseLeaderKey;
import io.vigil.ha.Action.RenewLeaderKey;
import io.vigil.ha.Action.Restart;
import io.vigil.ha.Action.Rewind;
import io.vigil.ha.Action.StartPostgres;
import io.vigil.ha.Action.StopPostgres;
import io.vigil.ha.Action.TakeLeaderKey;
import io.vigil.ha.Action.TouchMember;
import io.vigil.ha.Action.UpdateFailsafe;
import io.vigil.ha.Action.WriteDynamicConfig;
import io.vigil.ha.Action.WriteHistory;
import io.vigil.ha.Action.WriteSyncState;
import io.vigil.ha.HaEngine.DivergenceCheck;
import io.vigil.postgres.PostgresRole;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The decision rules of docs/ha-rules.md, one named situation per row. Node names: pg1 is (or was) the leader, pg2 is
 * usually this node, pg3 another replica.
 */
class HaEngineTest {
  private static final HaEngine engine = new HaEngine();
  private static final HaSettings SETTINGS = Configs.defaults().settings();
  private static final long LSN = Clusters.LSN;

  private static final Action ACQUIRE = new AcquireLeaderKey();
  private static final Action RENEW = new RenewLeaderKey();
  private static final Action RELEASE = new ReleaseLeaderKey();
  private static final Action PROMOTE = new Promote();
  private static final Action TOUCH = new TouchMember();
  private static final Action ACTIVATE_WATCHDOG = new ActivateWatchdog();
  private static final Action DISABLE_WATCHDOG = new DisableWatchdog();
  private static final Action CLEAR_FAILOVER = new ClearFailoverKey(7);

  private static Action follow(String member) {
    return new Follow(member, false, PostgresRole.REPLICA, true);
  }

  private static Arguments row(String situation, Object... rest) {
    Object[] all = new Object[rest.length + 1];
    all[0] = situation;
    System.arraycopy(rest, 0, all, 1, rest.length);
    return Arguments.of(all);
  }

  // ---- default settings, first cycle of a fresh agent ---------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void decides(String situation, ClusterView view, LocalState local, List<Action> actions, String message) {
    Decision d = engine.decide(view, local, HaMemory.initial(), SETTINGS);
    assertEquals(actions, d.actions());
    assertEquals(message, d.message());
  }

  static Stream<Arguments> scenarios() {
    return Stream.of(
        // §2.1 step 5/6: lock holder housekeeping
        row("§2.1.5 lock holder writes a missing initialize key",
            Clusters.initializedWithLeader().withInitialize(null).view(),
            Locals.runningPrimary("pg1").build(),
            List.of(new InitializeCluster(Clusters.SYSID, false), RENEW, TOUCH),
            "no action. I am (pg1), the leader with the lock"),
        row("§2.1.6 lock holder writes a missing /config",
            Clusters.initializedWithLeader().withoutConfig().view(),
            Locals.runningPrimary("pg1").build(),
            List.of(new WriteDynamicConfig(Map.of("ttl", 30, "loop_wait", 10)), RENEW, TOUCH),
            "no action. I am (pg1), the leader with the lock"),

        // §2.1 step 7: async action running
        row("§2.1.7 bootstrap in progress",
            Clusters.bootstrapping().view(),
            Locals.emptyDataDirectory("pg2").running("bootstrap", LongAction.Kind.BOOTSTRAP, 0).build(),
            List.of(TOUCH),
            "bootstrap in progress"),
        row("§2.1.7 lock holder renews the key during promote",
            Clusters.initializedWithLeader().withLeader("pg2").view(),
            Locals.runningReplica("pg2").running("promote", LongAction.Kind.PROMOTE, NOW_MILLIS).build(),
            List.of(RENEW, TOUCH),
            "updated leader lock during promote"),
        row("§2.1.7 lost the leader key before promote",
            Clusters.initializedWithLeader().view(),
            Locals.runningReplica("pg2").running("promote", LongAction.Kind.PROMOTE, NOW_MILLIS).build(),
            List.of(new CancelLongAction(), TOUCH),
            "lost leader before promote"),
        row("§2.1.7 primary that lost the key during a restart demotes",
            Clusters.initializedWithLeader().view(),
            Locals.runningPrimary("pg2").withLeaderKey(LeaderKeyWrite.NONE)
                .running("restart", LongAction.Kind.RESTART, NOW_MILLIS).build(),
            List.of(new CancelLongAction(), new Demote(DemoteMode.IMMEDIATE_NOLOCK, null), TOUCH),
            "lost leader lock during restart"),
        row("§2.1.7 crash recovery past primary_start_timeout fails over",
            Clusters.initializedWithLeader().withPeer(Peers.replica("pg2", LSN)).view(),
            Locals.crashedPrimary("pg1").running("doing crash recovery in a single user mode",
                LongAction.Kind.CRASH_RECOVERY, NOW_MILLIS - 301_000).build(),
            List.of(RENEW, new CancelLongAction(), new Demote(DemoteMode.IMMEDIATE, null), TOUCH),
            "terminated crash recovery because of startup timeout"),

        // §2.1 step 8: starting
        row("§2.1.8 primary still starting up",
            Clusters.initializedWithLeader().view(),
            Locals.startingPrimary("pg1").build(),
            List.of(RENEW, TOUCH),
            "PostgreSQL is still starting up, 300 seconds until timeout"),
        row("§2.1.8 lock lost while starting up",
            Clusters.initializedWithLeader().view(),
            Locals.startingPrimary("pg1").withLeaderKey(LeaderKeyWrite.LOST).build(),
            List.of(new Demote(DemoteMode.IMMEDIATE_NOLOCK, null), TOUCH),
            "stopped PostgreSQL while starting up because leader key was lost"),

        // §2.1 step 9: post bootstrap
        row("§2.1.9 bootstrap finished: run post_bootstrap",
            Clusters.bootstrapping().view(),
            Locals.runningPrimary("pg2").withLeaderKey(LeaderKeyWrite.NONE)
                .finished("bootstrap", LongAction.Kind.BOOTSTRAP, true).build(),
            List.of(new PostBootstrap(), TOUCH),
            "running post_bootstrap"),
        row("§2.1.9 custom bootstrap still recovering",
            Clusters.bootstrapping().view(),
            Locals.runningReplica("pg2").finished("bootstrap", LongAction.Kind.BOOTSTRAP, true).build(),
            List.of(TOUCH),
            "waiting for end of recovery after bootstrap"),
        row("§2.1.9 failed bootstrap cancels the initialization and exits",
            Clusters.bootstrapping().view(),
            Locals.stoppedReplica("pg2").finished("bootstrap", LongAction.Kind.BOOTSTRAP, false).build(),
            List.of(new CancelInitialization(), new MoveDataDirectoryAside(),
                new Exit("Failed to bootstrap cluster", 1)),
            "Failed to bootstrap cluster"),

        // §2.1 step 11 + §2.10: empty data directory
        row("§2.1.11 lock holder with an empty data directory releases the key",
            Clusters.initializedWithLeader().view(),
            Locals.emptyDataDirectory("pg1").build(),
            List.of(RELEASE, TOUCH),
            "released leader key voluntarily as data dir empty and currently leader"),
        row("§2.10.1 empty cluster: race for initialize and bootstrap",
            Clusters.empty().view(),
            Locals.emptyDataDirectory("pg2").build(),
            List.of(new InitializeCluster("", true), new Action.Bootstrap(), TOUCH),
            "trying to bootstrap a new cluster"),
        row("§2.10.1 nofailover node does not bootstrap a new cluster",
            Clusters.empty().view(),
            Locals.emptyDataDirectory("pg2").nofailover().build(),
            List.of(TOUCH),
            "waiting for leader to bootstrap"),
        row("§2.10.2 leader exists: clone from the leader",
            Clusters.initializedWithLeader().view(),
            Locals.emptyDataDirectory("pg2").build(),
            List.of(new Clone("pg1", false, false, "bootstrap from leader 'pg1'"), TOUCH),
            "trying to bootstrap from leader 'pg1'"),
        row("§2.10.2 a running clonefrom replica is the clone source",
            Clusters.initializedWithLeader().withMember(Members.replica("pg3", Map.of("clonefrom", true))).view(),
            Locals.emptyDataDirectory("pg2").build(),
            List.of(new Clone("pg3", false, false, "bootstrap from replica 'pg3'"), TOUCH),
            "trying to bootstrap from replica 'pg3'"),
        row("§2.10.4 another node is bootstrapping: wait",
            Clusters.bootstrapping().view(),
            Locals.emptyDataDirectory("pg2").build(),
            List.of(TOUCH),
            "waiting for leader to bootstrap"),

        // §2.1 step 12: data directory checks
        row("§2.1.12 system ID mismatch: exit",
            Clusters.initializedWithLeader().view(),
            Locals.runningReplica("pg2").withSystemId("7000000000000000001").build(),
            List.of(new Exit("system ID mismatch, node pg2 belongs to a different cluster: "
                + Clusters.SYSID + " != 7000000000000000001", 1)),
            "system ID mismatch, node pg2 belongs to a different cluster"),
        row("§2.1.12 no initialize key and a running replica: exit",
            Clusters.initializedWithoutLeader().withInitialize(null).view(),
            Locals.runningReplica("pg2").build(),
            List.of(new Exit("No initialize key in DCS and PostgreSQL is running as replica, aborting start", 1)),
            "No initialize key in DCS and PostgreSQL is running as replica, aborting start"),
        row("§2.1.12 no initialize key and a running primary: take the cluster over",
            Clusters.initializedWithoutLeader().withInitialize(null).view(),
            Locals.runningPrimary("pg2").withLeaderKey(LeaderKeyWrite.NONE).build(),
            List.of(new InitializeCluster(Clusters.SYSID, true), ACQUIRE, TOUCH),
            "acquired session lock as a leader"),

        // §2.1 step 13 + §2.7 recover
        row("§2.7 crashed primary with the key restarts in place",
            Clusters.initializedWithLeader().view(),
            Locals.crashedPrimary("pg1").build(),
            List.of(RENEW, new StartPostgres(PostgresRole.PRIMARY, null, false, 300, "restarting after failure"),
                TOUCH),
            "starting primary after failure"),
        row("§2.7 stopped replica starts as a secondary following the leader",
            Clusters.initializedWithLeader().view(),
            Locals.stoppedReplica("pg2").build(),
            List.of(new StartPostgres(PostgresRole.REPLICA, "pg1", false, null, "restarting after failure"), TOUCH),
            "starting as a secondary"),
        row("§2.7 crashed former primary without the key runs crash recovery first",
            Clusters.initializedWithLeader().view(),
            Locals.crashedPrimary("pg2").withLeaderKey(LeaderKeyWrite.NONE).build(),
            List.of(DISABLE_WATCHDOG, new CrashRecovery(false), TOUCH),
            "doing crash recovery in a single user mode"),
        row("§2.7 lock holder whose pg_control shows a standby starts read-only",
            Clusters.initializedWithLeader().withLeader("pg2").view(),
            Locals.stoppedReplica("pg2").build(),
            List.of(new StartPostgres(PostgresRole.REPLICA, null, false, null, "restarting after failure"), TOUCH),
            "starting as readonly because i had the session lock"),

        // §2.2 who follows whom
        row("§2.2 replica follows the leader",
            Clusters.initializedWithLeader().view(),
            Locals.runningReplica("pg2").build(),
            List.of(follow("pg1"), TOUCH),
            "no action. I am (pg2), a secondary, and following a leader (pg1)"),
        row("§2.2 replicatefrom makes the replica follow that member",
            Clusters.initializedWithLeader().view(),
            Locals.runningReplica("pg2").withTags(Map.of("replicatefrom", "pg3")).build(),
            List.of(follow("pg3"), TOUCH),
            "no action. I am (pg2), a secondary, and following a leader (pg1)"),
        row("§2.2 replicatefrom naming an unknown member falls back to the leader",
            Clusters.initializedWithLeader().view(),
            Locals.runningReplica("pg2").withTags(Map.of("replicatefrom", "pg9")).build(),
            List.of(follow("pg1"), TOUCH),
            "no action. I am (pg2), a secondary, and following a leader (pg1)"),
        row("§2.2 nostream follows nobody",
            Clusters.initializedWithLeader().view(),
            Locals.runningReplica("pg2").withTags(Map.of("nostream", true)).build(),
            List.of(follow(null), TOUCH),
            "no action. I am (pg2), a secondary, and following a leader (pg1)"),

        // §2.3 / §2.4 leader race
        row("§2.3 healthiest replica acquires the key and promotes",
            Clusters.initializedWithoutLeader().view(),
            Locals.runningReplica("pg2").build(),
            List.of(ACQUIRE, ACTIVATE_WATCHDOG, PROMOTE, TOUCH),
            "promoted self to leader by acquiring session lock"),
        row("§2.3 primary without a leader key acquires it",
            Clusters.initializedWithoutLeader().view(),
            Locals.runningPrimary("pg2").withLeaderKey(LeaderKeyWrite.NONE).build(),
            List.of(ACQUIRE, TOUCH),
            "acquired session lock as a leader"),
        row("§2.3 not the healthiest: follow",
            Clusters.initializedWithoutLeader().withPeer(Peers.replica("pg3", LSN + 1)).view(),
            Locals.runningReplica("pg2").build(),
            List.of(follow(null), TOUCH),
            "following a different leader because i am not the healthiest node"),
        row("§2.3 nofailover replica never races",
            Clusters.initializedWithoutLeader().withPeer(Peers.unreachable("pg3")).view(),
            Locals.runningReplica("pg2").nofailover().build(),
            List.of(follow(null), TOUCH),
            "following a different leader because I am not allowed to promote"),
        row("§2.3 failover_priority 0 is nofailover",
            Clusters.initializedWithoutLeader().withPeer(Peers.unreachable("pg3")).view(),
            Locals.runningReplica("pg2").withTags(Map.of("failover_priority", 0)).build(),
            List.of(follow(null), TOUCH),
            "following a different leader because I am not allowed to promote"),
        row("§2.3 failover key is cleared after acquiring the key",
            Clusters.initializedWithoutLeader().withFailover(null, "pg2").view(),
            Locals.runningReplica("pg2").build(),
            List.of(ACQUIRE, CLEAR_FAILOVER, ACTIVATE_WATCHDOG, PROMOTE, TOUCH),
            "promoted self to leader by acquiring session lock"),
        row("§2.4.4 frozen old primary on an older timeline does not grab the key back",
            Clusters.initializedWithoutLeader().withTimeline(3).view(),
            Locals.runningPrimary("pg2").withLeaderKey(LeaderKeyWrite.NONE).withTimeline(2).build(),
            List.of(new Demote(DemoteMode.IMMEDIATE_NOLOCK, null), TOUCH),
            "demoting self because i am not the healthiest node"),
        row("§2.4.10 lagging beyond maximum_lag_on_failover: no race",
            Clusters.initializedWithoutLeader().withOptime(LSN + 2 * 1048576).view(),
            Locals.runningReplica("pg2").build(),
            List.of(follow(null), TOUCH),
            "following a different leader because i am not the healthiest node"),
        row("§2.4.10 lag within maximum_lag_on_failover: race",
            Clusters.initializedWithoutLeader().withOptime(LSN + 1048576).view(),
            Locals.runningReplica("pg2").build(),
            List.of(ACQUIRE, ACTIVATE_WATCHDOG, PROMOTE, TOUCH),
            "promoted self to leader by acquiring session lock"),
        row("§2.4.10 the old primary still answers as primary",
            Clusters.initializedWithoutLeader().withPeer(Peers.primary("pg3", LSN)).view(),
            Locals.runningReplica("pg2").build(),
            List.of(follow(null), TOUCH),
            "following a different leader because i am not the healthiest node"),
        row("§2.4.10 unreachable peers do not block the race",
            Clusters.initializedWithoutLeader().withPeer(Peers.unreachable("pg3")).view(),
            Locals.runningReplica("pg2").build(),
            List.of(ACQUIRE, ACTIVATE_WATCHDOG, PROMOTE, TOUCH),
            "promoted self to leader by acquiring session lock"),
        row("§2.4.10 equal position, higher failover_priority elsewhere: no race",
            Clusters.initializedWithoutLeader().withPeer(Peers.replicaWithPriority("pg3", LSN, 5)).view(),
            Locals.runningReplica("pg2").build(),
            List.of(follow(null), TOUCH),
            "following a different leader because i am not the healthiest node"),
        row("§2.4.10 nofailover peer ahead does not block",
            Clusters.initializedWithoutLeader().withMember(Members.replica("pg3", Map.of("nofailover", true)))
                .withPeer(Peers.nofailover("pg3", LSN + 100)).view(),
            Locals.runningReplica("pg2").build(),
            List.of(ACQUIRE, ACTIVATE_WATCHDOG, PROMOTE, TOUCH),
            "promoted self to leader by acquiring session lock"),
        row("§2.4.10 peer with a failed watchdog ahead does not block",
            Clusters.initializedWithoutLeader().withPeer(Peers.watchdogFailed("pg3", LSN + 100)).view(),
            Locals.runningReplica("pg2").build(),
            List.of(ACQUIRE, ACTIVATE_WATCHDOG, PROMOTE, TOUCH),
            "promoted self to leader by acquiring session lock"),
        row("§2.4.8 a member of the last leader's cluster is asked too",
            Clusters.initializedWithoutLeader().previouslyLedBy("pg1").withoutMember("pg3")
                .withPeer(Peers.replica("pg3", LSN + 5)).view(),
            Locals.runningReplica("pg2").build(),
            List.of(follow(null), TOUCH),
            "following a different leader because i am not the healthiest node"),
        row("§2.4 manual failover: a healthy candidate wins",
            Clusters.initializedWithoutLeader().withFailover(null, "pg3").view(),
            Locals.runningReplica("pg2").build(),
            List.of(follow(null), TOUCH),
            "following a different leader because i am not the healthiest node"),
        row("§2.4 manual failover: unreachable candidate, the healthiest other node takes over",
            Clusters.initializedWithoutLeader().withFailover(null, "pg3").withPeer(Peers.unreachable("pg3")).view(),
            Locals.runningReplica("pg2").build(),
            List.of(ACQUIRE, CLEAR_FAILOVER, ACTIVATE_WATCHDOG, PROMOTE, TOUCH),
            "promoted self to leader by acquiring session lock"),
        row("§2.4 switchover source races only when nobody else can take over",
            Clusters.initializedWithoutLeader().withMember(Members.replica("pg1")).withFailover("pg1", "pg3")
                .withPeer(Peers.replica("pg3", LSN)).view(),
            Locals.runningReplica("pg1").build(),
            List.of(follow(null), TOUCH),
            "following a different leader because i am not the healthiest node"),

        // §2.5 a leader exists
        row("§2.5 leader renews its key and stays primary",
            Clusters.initializedWithLeader().view(),
            Locals.runningPrimary("pg1").build(),
            List.of(RENEW, TOUCH),
            "no action. I am (pg1), the leader with the lock"),
        row("§2.5 primary without the key demotes",
            Clusters.initializedWithLeader().view(),
            Locals.runningPrimary("pg2").withLeaderKey(LeaderKeyWrite.NONE).build(),
            List.of(new Demote(DemoteMode.IMMEDIATE_NOLOCK, "pg1"), TOUCH),
            "demoting self because I do not have the lock and I was a leader"),
        row("§2.5 failed renewal: primary demotes immediate-nolock",
            Clusters.initializedWithLeader().view(),
            Locals.runningPrimary("pg1").withLeaderKey(LeaderKeyWrite.LOST).build(),
            List.of(new Demote(DemoteMode.IMMEDIATE_NOLOCK, null), TOUCH),
            "demoted self because failed to update leader lock in DCS"),
        row("§2.5 failed renewal: a replica holding the key does not promote",
            Clusters.initializedWithLeader().withLeader("pg2").view(),
            Locals.runningReplica("pg2").withLeaderKey(LeaderKeyWrite.LOST).build(),
            List.of(RENEW, TOUCH),
            "not promoting because failed to update leader lock in DCS"),
        row("§2.5 replica holding the key promotes after renewing it",
            Clusters.initializedWithLeader().withLeader("pg2").view(),
            Locals.runningReplica("pg2").build(),
            List.of(RENEW, ACTIVATE_WATCHDOG, PROMOTE, TOUCH),
            "promoted self to leader because I had the session lock"),
        row("§2.5 switchover: the leader demotes gracefully",
            Clusters.initializedWithLeader().withFailover("pg1", "pg2").withPeer(Peers.replica("pg2", LSN)).view(),
            Locals.runningPrimary("pg1").build(),
            List.of(RENEW, new Demote(DemoteMode.GRACEFUL, "pg2"), TOUCH),
            "switchover: demoting myself"),
        row("§2.5 manual failover from the leader",
            Clusters.initializedWithLeader().withFailover(null, "pg2").withPeer(Peers.replica("pg2", LSN)).view(),
            Locals.runningPrimary("pg1").build(),
            List.of(RENEW, new Demote(DemoteMode.GRACEFUL, "pg2"), TOUCH),
            "manual failover: demoting myself"),
        row("§2.5 switchover without a candidate picks any healthy member",
            Clusters.initializedWithLeader().withFailover("pg1", null).withPeer(Peers.replica("pg3", LSN)).view(),
            Locals.runningPrimary("pg1").build(),
            List.of(RENEW, new Demote(DemoteMode.GRACEFUL, null), TOUCH),
            "switchover: demoting myself"),
        row("§2.5 switchover to an unhealthy candidate is cancelled",
            Clusters.initializedWithLeader().withFailover("pg1", "pg2").withPeer(Peers.unreachable("pg2")).view(),
            Locals.runningPrimary("pg1").build(),
            List.of(RENEW, CLEAR_FAILOVER, TOUCH),
            "no action. I am (pg1), the leader with the lock"),
        row("§2.5 switchover to a lagging candidate is cancelled",
            Clusters.initializedWithLeader().withFailover("pg1", "pg2")
                .withPeer(Peers.replica("pg2", LSN - 2 * 1048576)).view(),
            Locals.runningPrimary("pg1").build(),
            List.of(RENEW, CLEAR_FAILOVER, TOUCH),
            "no action. I am (pg1), the leader with the lock"),
        row("§2.5 failover key naming the leader as candidate is cleared",
            Clusters.initializedWithLeader().withFailover(null, "pg1").view(),
            Locals.runningPrimary("pg1").build(),
            List.of(RENEW, CLEAR_FAILOVER, TOUCH),
            "no action. I am (pg1), the leader with the lock"),
        row("§2.5 switchover from another leader name is cleared",
            Clusters.initializedWithLeader().withFailover("pg3", "pg2").withPeer(Peers.replica("pg2", LSN)).view(),
            Locals.runningPrimary("pg1").build(),
            List.of(RENEW, CLEAR_FAILOVER, TOUCH),
            "no action. I am (pg1), the leader with the lock"),
        row("§2.5 scheduled switchover in an hour: wait",
            Clusters.initializedWithLeader()
                .withScheduledSwitchover("pg1", "pg2", NOW.plusSeconds(3600).atOffset(ZoneOffset.UTC))
                .withPeer(Peers.replica("pg2", LSN)).view(),
            Locals.runningPrimary("pg1").build(),
            List.of(RENEW, TOUCH),
            "no action. I am (pg1), the leader with the lock"),
        row("§2.5 scheduled switchover that is due: demote",
            Clusters.initializedWithLeader()
                .withScheduledSwitchover("pg1", "pg2", NOW.atOffset(ZoneOffset.UTC))
                .withPeer(Peers.replica("pg2", LSN)).view(),
            Locals.runningPrimary("pg1").build(),
            List.of(RENEW, new Demote(DemoteMode.GRACEFUL, "pg2"), TOUCH),
            "switchover: demoting myself"),
        row("§2.5 stale scheduled switchover is cleared",
            Clusters.initializedWithLeader()
                .withScheduledSwitchover("pg1", "pg2", NOW.minusSeconds(3600).atOffset(ZoneOffset.UTC))
                .withPeer(Peers.replica("pg2", LSN)).view(),
            Locals.runningPrimary("pg1").build(),
            List.of(RENEW, CLEAR_FAILOVER, TOUCH),
            "no action. I am (pg1), the leader with the lock"),

        // §2.6 enforce_primary_role
        row("§2.6 a new timeline is written to /history",
            Clusters.initializedWithLeader().view(),
            Locals.runningPrimary("pg1").withTimeline(2).build(),
            List.of(RENEW, new WriteHistory(0), TOUCH),
            "no action. I am (pg1), the leader with the lock"),
        row("§2.6 watchdog could not be activated: a replica holding the key releases it",
            Clusters.initializedWithLeader().withLeader("pg2").view(),
            Locals.runningReplica("pg2").withWatchdog(true, false, true).build(),
            List.of(RENEW, RELEASE, TOUCH),
            "Not promoting self because watchdog could not be activated"),
        row("§2.6 watchdog could not be activated: a primary demotes",
            Clusters.initializedWithLeader().view(),
            Locals.runningPrimary("pg1").withWatchdog(true, false, true).build(),
            List.of(RENEW, new Demote(DemoteMode.IMMEDIATE, null), TOUCH),
            "Demoting self because watchdog could not be activated"),
        row("§2.6 the pre_promote script refused: release the key",
            Clusters.initializedWithLeader().withLeader("pg2").view(),
            Locals.runningReplica("pg2").finished("promote", LongAction.Kind.PROMOTE, false).build(),
            List.of(RENEW, RELEASE, TOUCH),
            "Promotion cancelled because the pre-promote script failed"),
        row("§2.6 a promotion under way is not repeated",
            Clusters.initializedWithLeader().withLeader("pg2").view(),
            Locals.runningReplica("pg2").promoted().withWatchdog(true, true, false).build(),
            List.of(RENEW, TOUCH),
            "no action. I am (pg2), the leader with the lock"),
        row("§2.6 a nofailover node holding the key hands it on instead of promoting",
            Clusters.initializedWithLeader().withLeader("pg2").view(),
            Locals.runningReplica("pg2").nofailover().build(),
            List.of(RENEW, ACTIVATE_WATCHDOG, RELEASE, TOUCH),
            "released leader key because I am not allowed to promote"),

        // §2.8 DCS unreachable
        row("§2.8 primary cut off from the DCS demotes offline",
            Clusters.initializedWithLeader().unreachable().view(),
            Locals.runningPrimary("pg1").build(),
            List.of(new Demote(DemoteMode.OFFLINE, null)),
            "demoting self because DCS is not accessible and I was a leader"),
        row("§2.8 primary that never read the DCS demotes offline",
            ClusterView.unreachable(null),
            Locals.runningPrimary("pg1").build(),
            List.of(new Demote(DemoteMode.OFFLINE, null)),
            "demoting self because DCS is not accessible and I was a leader"),
        row("§2.8 renewal hit an unreachable DCS: demote offline",
            Clusters.initializedWithLeader().view(),
            Locals.runningPrimary("pg1").withLeaderKey(LeaderKeyWrite.UNREACHABLE).build(),
            List.of(new Demote(DemoteMode.OFFLINE, null)),
            "demoting self because DCS is not accessible and I was a leader"),
        row("§2.8 a demoted node whose last renewal hit an unreachable DCS tries the key again",
            Clusters.initializedWithLeader().view(),
            Locals.runningReplica("pg1").withLeaderKey(LeaderKeyWrite.UNREACHABLE).build(),
            List.of(RENEW, ACTIVATE_WATCHDOG, PROMOTE, TOUCH),
            "promoted self to leader because I had the session lock"),
        row("§2.8 paused primary whose renewal hit an unreachable DCS renews again",
            Clusters.initializedWithLeader().paused().view(),
            Locals.runningPrimary("pg1").withLeaderKey(LeaderKeyWrite.UNREACHABLE).build(),
            List.of(DISABLE_WATCHDOG, RENEW, TOUCH),
            "no action. I am (pg1), the leader with the lock"),
        row("§2.8 primary cut off from the DCS while already demoting: wait for it",
            Clusters.initializedWithLeader().unreachable().view(),
            Locals.runningPrimary("pg1").running("demote", LongAction.Kind.DEMOTE, NOW_MILLIS).build(),
            List.of(),
            "demote in progress"),
        row("§2.1.7 a graceful demote that released the key is left to finish",
            Clusters.initializedWithLeader().withLeader("pg2").view(),
            Locals.runningPrimary("pg1").withLeaderKey(LeaderKeyWrite.NONE)
                .running("manual failover: demote", LongAction.Kind.DEMOTE, NOW_MILLIS).build(),
            List.of(TOUCH),
            "manual failover: demote in progress"),
        row("§2.8 replica cut off from the DCS waits",
            Clusters.initializedWithLeader().unreachable().view(),
            Locals.runningReplica("pg2").build(),
            List.of(),
            "DCS is not accessible"),
        row("§2.8 paused primary cut off from the DCS changes nothing",
            Clusters.initializedWithLeader().paused().unreachable().view(),
            Locals.runningPrimary("pg1").build(),
            List.of(),
            "DCS is not accessible"),

        // §2.9 shutdown
        row("§2.9 leader shuts down: stop, release the key, exit",
            Clusters.initializedWithLeader().view(),
            Locals.runningPrimary("pg1").shuttingDown().build(),
            List.of(new StopPostgres("fast", true), DISABLE_WATCHDOG, RELEASE, TOUCH,
                new Exit("stopped PostgreSQL and released the leader key on shutdown", 0)),
            "stopped PostgreSQL and released the leader key on shutdown"),
        row("§2.9 replica shuts down",
            Clusters.initializedWithLeader().view(),
            Locals.runningReplica("pg2").shuttingDown().build(),
            List.of(new StopPostgres("fast", false), DISABLE_WATCHDOG, TOUCH,
                new Exit("stopped PostgreSQL on shutdown", 0)),
            "stopped PostgreSQL on shutdown"),
        row("§2.9 paused shutdown leaves PostgreSQL and the key alone",
            Clusters.initializedWithLeader().paused().view(),
            Locals.runningPrimary("pg1").shuttingDown().build(),
            List.of(DISABLE_WATCHDOG,
                new Exit("Leader key is not deleted and Postgresql is not stopped due paused state", 0)),
            "Leader key is not deleted and Postgresql is not stopped due paused state"),

        // §2.11 pause
        row("§2.11 paused: replicas never race",
            Clusters.initializedWithoutLeader().paused().view(),
            Locals.runningReplica("pg2").build(),
            List.of(TOUCH),
            "no action. I am (pg2)"),
        row("§2.11 paused: a running primary takes the free key",
            Clusters.initializedWithoutLeader().paused().view(),
            Locals.runningPrimary("pg2").withLeaderKey(LeaderKeyWrite.NONE).build(),
            List.of(DISABLE_WATCHDOG, ACQUIRE, TOUCH),
            "acquired session lock as a leader"),
        row("§2.11 paused: the leader still renews its key",
            Clusters.initializedWithLeader().paused().view(),
            Locals.runningPrimary("pg1").build(),
            List.of(DISABLE_WATCHDOG, RENEW, TOUCH),
            "no action. I am (pg1), the leader with the lock"),
        row("§2.11 paused: a lock holder that is no longer primary releases the key",
            Clusters.initializedWithLeader().paused().view(),
            Locals.runningReplica("pg1").build(),
            List.of(RELEASE, TOUCH),
            "removed leader lock because postgres is not running as primary"),
        row("§2.11 paused: a primary without the key keeps running",
            Clusters.initializedWithLeader().paused().view(),
            Locals.runningPrimary("pg2").withLeaderKey(LeaderKeyWrite.NONE).build(),
            List.of(DISABLE_WATCHDOG, TOUCH),
            "continue to run as primary without lock"),
        row("§2.11 paused: a replica keeps following without restarts",
            Clusters.initializedWithLeader().paused().view(),
            Locals.runningReplica("pg2").build(),
            List.of(new Follow("pg1", false, PostgresRole.REPLICA, false), TOUCH),
            "no action. I am (pg2), a secondary, and following a leader (pg1)"),
        row("§2.11 paused: a stopped lock holder releases the key",
            Clusters.initializedWithLeader().paused().view(),
            Locals.crashedPrimary("pg1").build(),
            List.of(DISABLE_WATCHDOG, RELEASE, TOUCH),
            "removed leader lock because postgres is not running"),
        row("§2.11 paused: a stopped replica stays stopped",
            Clusters.initializedWithLeader().paused().view(),
            Locals.stoppedReplica("pg2").build(),
            List.of(TOUCH),
            "postgres is not running"),
        row("§2.11 paused: empty data directory is left alone",
            Clusters.initializedWithLeader().paused().view(),
            Locals.emptyDataDirectory("pg2").build(),
            List.of(TOUCH),
            "running with empty data directory"),
        row("§2.11 paused: manual failover to an explicit candidate promotes it",
            Clusters.initializedWithoutLeader().paused().withFailover(null, "pg2").view(),
            Locals.runningReplica("pg2").build(),
            List.of(ACQUIRE, CLEAR_FAILOVER, PROMOTE, TOUCH),
            "promoted self to leader by acquiring session lock"),
        row("§2.11 paused: switchover candidate not running, the primary takes the key",
            Clusters.initializedWithoutLeader().paused().withFailover("pg1", "pg9").view(),
            Locals.runningPrimary("pg2").withLeaderKey(LeaderKeyWrite.NONE).build(),
            List.of(DISABLE_WATCHDOG, CLEAR_FAILOVER, ACQUIRE, TOUCH),
            "acquired session lock as a leader"),
        row("§2.11 paused: a switchover candidate keeps the key naming it until promoted",
            Clusters.initializedWithoutLeader().paused().withFailover("pg1", "pg2").view(),
            Locals.runningReplica("pg2").build(),
            List.of(ACQUIRE, new Action.WriteFailoverCandidate("pg2", 7), PROMOTE, TOUCH),
            "promoted self to leader by acquiring session lock"),
        row("§2.11 paused: manual failover to another candidate is not raced",
            Clusters.initializedWithoutLeader().paused().withFailover(null, "pg3").view(),
            Locals.runningReplica("pg2").build(),
            List.of(TOUCH),
            "no action. I am (pg2)"),
        row("§2.11 paused: the key holder waits for the promotion it was asked for",
            Clusters.initializedWithLeader().withLeader("pg2").paused().withFailover(null, "pg2").view(),
            Locals.runningReplica("pg2").build(),
            List.of(TOUCH),
            "waiting to become primary after promote..."),

        // REST requests
        row("§2.7 reinitialize request on a replica",
            Clusters.initializedWithLeader().view(),
            Locals.runningReplica("pg2").withReinitializeRequest(false).build(),
            List.of(new Reinitialize(null, false), TOUCH),
            "reinitialize started"),
        row("§2.7 forced reinitialize cancels the running action",
            Clusters.initializedWithLeader().view(),
            Locals.runningReplica("pg2").withReinitializeRequest(true)
                .running("restart", LongAction.Kind.RESTART, NOW_MILLIS).build(),
            List.of(new CancelLongAction(), new Reinitialize(null, false), TOUCH),
            "reinitialize started"),
        row("§6.10 scheduled restart that is due",
            Clusters.initializedWithLeader().view(),
            Locals.runningReplica("pg2").withRestartRequest(
                new LocalState.RestartRequest(NOW, null, null, false, "2026-11-21 05:00:00.000+00")).build(),
            List.of(follow("pg1"), new Restart(null), TOUCH),
            "restarting after request"),
        row("§6.10 scheduled restart after PostgreSQL restarted meanwhile is dropped",
            Clusters.initializedWithLeader().view(),
            Locals.runningReplica("pg2").withRestartRequest(
                new LocalState.RestartRequest(NOW, null, null, false, "2026-11-20 01:00:00.000+00")).build(),
            List.of(follow("pg1"), new Action.DropRestartRequest(), TOUCH),
            "no action. I am (pg2), a secondary, and following a leader (pg1)"),
        row("§6.10 scheduled restart only if a restart is pending",
            Clusters.initializedWithLeader().view(),
            Locals.runningReplica("pg2").withRestartRequest(
                new LocalState.RestartRequest(NOW, 60, null, true, null)).withPendingRestart().build(),
            List.of(follow("pg1"), new Restart(60), TOUCH),
            "restarting after request"));
  }

  // ---- situations that need other settings ---------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource("configured")
  void decidesWithSettings(String situation, Configs configs, ClusterView view, LocalState local,
      List<Action> actions, String message) {
    Decision d = engine.decide(view, local, HaMemory.initial(), configs.settings());
    assertEquals(actions, d.actions());
    assertEquals(message, d.message());
  }

  static Stream<Arguments> configured() {
    return Stream.of(
        // §6.6 / §2.4.9 synchronous mode
        row("§2.4.9 sync standby promotes after writing /sync with itself as leader",
            Configs.defaults().synchronous(),
            Clusters.initializedWithoutLeader().withSync("pg1", "pg2").view(),
            Locals.runningReplica("pg2").build(),
            List.of(ACQUIRE, ACTIVATE_WATCHDOG, new WriteSyncState("pg2", List.of(), null, 3L),
                new ApplySynchronousStandbyNames(""), PROMOTE, TOUCH),
            "promoted self to leader by acquiring session lock"),
        row("§2.4.9 async replica does not race in sync mode",
            Configs.defaults().synchronous(),
            Clusters.initializedWithoutLeader().withSync("pg1", "pg2").withPeer(Peers.unreachable("pg2")).view(),
            Locals.runningReplica("pg3").build(),
            List.of(follow(null), TOUCH),
            "following a different leader because i am not the healthiest node"),
        row("§2.4.9 async peer ahead does not stop the sync standby",
            Configs.defaults().synchronous(),
            Clusters.initializedWithoutLeader().withSync("pg1", "pg2").withPeer(Peers.replica("pg3", LSN + 100))
                .view(),
            Locals.runningReplica("pg2").build(),
            List.of(ACQUIRE, ACTIVATE_WATCHDOG, new WriteSyncState("pg2", List.of(), null, 3L),
                new ApplySynchronousStandbyNames(""), PROMOTE, TOUCH),
            "promoted self to leader by acquiring session lock"),
        row("§6.6 strict mode keeps waiting for the old sync members while promoting",
            Configs.defaults().synchronousStrict(),
            Clusters.initializedWithoutLeader().withSync("pg1", "pg2").view(),
            Locals.runningReplica("pg2").build(),
            List.of(ACQUIRE, ACTIVATE_WATCHDOG, new WriteSyncState("pg2", List.of(), null, 3L),
                new ApplySynchronousStandbyNames("pg1"), PROMOTE, TOUCH),
            "promoted self to leader by acquiring session lock"),
        row("§2.4.10 quorum: a voter with enough votes promotes",
            Configs.defaults().quorum(1),
            Clusters.initializedWithoutLeader().withQuorum(1, "pg1", "pg2", "pg3").view(),
            Locals.runningReplica("pg2").build(),
            List.of(ACQUIRE, ACTIVATE_WATCHDOG, new WriteSyncState("pg2", List.of("pg1", "pg3"), 1, 3L),
                new ApplySynchronousStandbyNames("ANY 1 (pg1,pg3)"), PROMOTE, TOUCH),
            "promoted self to leader by acquiring session lock"),
        row("§2.4.10 quorum: too few votes, no race",
            Configs.defaults().quorum(1),
            Clusters.initializedWithoutLeader().withQuorum(1, "pg1", "pg2", "pg3")
                .withPeer(Peers.unreachable("pg3")).view(),
            Locals.runningReplica("pg2").build(),
            List.of(follow(null), TOUCH),
            "following a different leader because i am not the healthiest node"),
        row("§6.6 sync primary picks a synchronous standby",
            Configs.defaults().synchronous(),
            Clusters.initializedWithLeader().view(),
            Locals.runningPrimary("pg1").withReplication("pg2", "async", LSN).withReplication("pg3", "async", LSN)
                .build(),
            List.of(RENEW, new WriteSyncState("pg1", List.of(), null, null), new ApplySynchronousStandbyNames("pg2"),
                TOUCH),
            "no action. I am (pg1), the leader with the lock"),
        row("§6.6 sync primary records the confirmed standby in /sync",
            Configs.defaults().synchronous(),
            Clusters.initializedWithLeader().withSync("pg1").view(),
            Locals.runningPrimary("pg1").withSynchronousStandbyNames("pg2")
                .withReplication("pg2", "sync", LSN).withReplication("pg3", "async", LSN).build(),
            List.of(RENEW, new WriteSyncState("pg1", List.of("pg2"), null, 3L), TOUCH),
            "no action. I am (pg1), the leader with the lock"),
        row("§6.6 synchronous mode switched off: delete /sync and restore the user's value",
            Configs.defaults(),
            Clusters.initializedWithLeader().withSync("pg1", "pg2").view(),
            Locals.runningPrimary("pg1").build(),
            List.of(RENEW, new DeleteSyncState(3L), new ApplySynchronousStandbyNames(null), TOUCH),
            "no action. I am (pg1), the leader with the lock"),

        row("§2.5 sync mode: a manual failover may go to an asynchronous candidate",
            Configs.defaults().synchronous(),
            Clusters.initializedWithLeader().withSync("pg1", "pg3").withFailover(null, "pg2")
                .withPeer(Peers.replica("pg2", LSN)).view(),
            Locals.runningPrimary("pg1").build(),
            List.of(RENEW, new Demote(DemoteMode.GRACEFUL, "pg2"), TOUCH),
            "manual failover: demoting myself"),
        row("§2.5 sync mode: a switchover to an asynchronous candidate is cleared",
            Configs.defaults().synchronous(),
            Clusters.initializedWithLeader().withSync("pg1", "pg3").withFailover("pg1", "pg2")
                .withPeer(Peers.replica("pg2", LSN)).view(),
            Locals.runningPrimary("pg1").withSynchronousStandbyNames("pg3").withReplication("pg3", "sync", LSN)
                .build(),
            List.of(RENEW, CLEAR_FAILOVER, TOUCH),
            "no action. I am (pg1), the leader with the lock"),
        row("§2.4 sync mode: a manual failover to me promotes me although I am not in /sync",
            Configs.defaults().synchronous(),
            Clusters.initializedWithoutLeader().withSync("pg1", "pg3").withFailover(null, "pg2").view(),
            Locals.runningReplica("pg2").build(),
            List.of(ACQUIRE, CLEAR_FAILOVER, ACTIVATE_WATCHDOG, new WriteSyncState("pg2", List.of(), null, 3L),
                new ApplySynchronousStandbyNames(""), PROMOTE, TOUCH),
            "promoted self to leader by acquiring session lock"),
        row("§2.4 sync mode: a switchover to me is refused when I am not in /sync",
            Configs.defaults().synchronous(),
            Clusters.initializedWithoutLeader().withSync("pg1", "pg3").withFailover("pg1", "pg2").view(),
            Locals.runningReplica("pg2").build(),
            List.of(follow(null), TOUCH),
            "following a different leader because i am not the healthiest node"),

        // issue 10 item 5: an unknown PostgreSQL state never rewrites synchronous replication
        row("§6.6 sync primary whose state query failed leaves /sync and synchronous_standby_names alone",
            Configs.defaults().synchronous(),
            Clusters.initializedWithLeader().withSync("pg1", "pg2").view(),
            Locals.runningPrimary("pg1").withSynchronousStandbyNames("pg2").stateQueryFailed().build(),
            List.of(RENEW, TOUCH),
            "Error communicating with PostgreSQL. Will try again later"),
        row("§6.6 quorum primary whose state query failed leaves /sync and synchronous_standby_names alone",
            Configs.defaults().quorum(1),
            Clusters.initializedWithLeader().withQuorum(1, "pg1", "pg2", "pg3").view(),
            Locals.runningPrimary("pg1").withSynchronousStandbyNames("ANY 1 (pg2,pg3)").stateQueryFailed().build(),
            List.of(RENEW, TOUCH),
            "Error communicating with PostgreSQL. Will try again later"),
        // issue 10: a state query that failed is never a reason to promote, rewind or follow on guesses
        row("state unknown: a replica holding the lock renews it and does not promote",
            Configs.defaults(),
            Clusters.initializedWithLeader().view(),
            Locals.runningReplica("pg1").withLeaderKey(LeaderKeyWrite.HELD).stateQueryFailed().build(),
            List.of(RENEW, TOUCH),
            "Error communicating with PostgreSQL. Will try again later"),
        row("state unknown: a replica without the lock does nothing",
            Configs.defaults(),
            Clusters.initializedWithLeader().view(),
            Locals.runningReplica("pg2").stateQueryFailed().build(),
            List.of(TOUCH),
            "Error communicating with PostgreSQL. Will try again later"),
        row("state unknown: a primary without the lock still demotes",
            Configs.defaults(),
            Clusters.initializedWithLeader().view(),
            Locals.runningPrimary("pg2").withLeaderKey(LeaderKeyWrite.NONE).stateQueryFailed().build(),
            List.of(new Demote(DemoteMode.IMMEDIATE_NOLOCK, "pg1"), TOUCH),
            "demoting self because I do not have the lock and I was a leader"),
        // issue 10 item 6a: /sync only names a standby that flushed the primary's LSN of the ssn change
        row("§6.6 a sync standby behind the primary's LSN at the ssn change does not enter /sync",
            Configs.defaults().synchronous(),
            Clusters.initializedWithLeader().withSync("pg1").view(),
            Locals.runningPrimary("pg1").withLsn(LSN + 100).withSynchronousStandbyNames("pg2")
                .withReplication("pg2", "sync", LSN).build(),
            List.of(RENEW, TOUCH),
            "no action. I am (pg1), the leader with the lock"),
        // issue 10 item 6c: votes come only from voters that may promote and report a WAL position
        row("§2.4.10 quorum: a nofailover voter gives no vote",
            Configs.defaults().quorum(1),
            Clusters.initializedWithoutLeader().withQuorum(1, "pg1", "pg2", "pg3")
                .withPeer(Peers.nofailover("pg3", LSN)).view(),
            Locals.runningReplica("pg2").build(),
            List.of(follow(null), TOUCH),
            "following a different leader because i am not the healthiest node"),
        row("§2.4.10 quorum: a voter with an unknown WAL position gives no vote",
            Configs.defaults().quorum(1),
            Clusters.initializedWithoutLeader().withQuorum(1, "pg1", "pg2", "pg3")
                .withPeer(new PeerStatus("pg3", true, false, null, 1, false, 1, false)).view(),
            Locals.runningReplica("pg2").build(),
            List.of(follow(null), TOUCH),
            "following a different leader because i am not the healthiest node"),
        // issue 10 item 6d: in quorum mode a failover needs quorum + 1 good members
        row("§2.5 quorum: switchover refused while only quorum healthy members remain",
            Configs.defaults().quorum(1),
            Clusters.initializedWithLeader().withQuorum(1, "pg1", "pg2", "pg3").withFailover("pg1", null)
                .withPeer(Peers.replica("pg2", LSN)).withPeer(Peers.unreachable("pg3")).view(),
            Locals.runningPrimary("pg1").withSynchronousStandbyNames("ANY 1 (pg2,pg3)")
                .withReplication("pg2", "quorum", LSN).withReplication("pg3", "quorum", LSN).build(),
            List.of(RENEW, CLEAR_FAILOVER, TOUCH),
            "no action. I am (pg1), the leader with the lock"),
        row("§2.7 quorum: no failover after a crash while only quorum healthy members remain",
            Configs.defaults().quorum(1).primaryStartTimeout(0),
            Clusters.initializedWithLeader().withQuorum(1, "pg1", "pg2", "pg3")
                .withPeer(Peers.replica("pg2", LSN)).withPeer(Peers.unreachable("pg3")).view(),
            Locals.crashedPrimary("pg1").build(),
            List.of(RENEW, new StartPostgres(PostgresRole.PRIMARY, null, false, 0, "restarting after failure"),
                TOUCH),
            "starting primary after failure"),
        // issue 10 item 6e: the /sync leader counts as a sync standby in the race after a failed switchover
        row("§2.4 sync mode: after a failed switchover the /sync leader retakes the key",
            Configs.defaults().synchronous(),
            Clusters.initializedWithoutLeader().withMember(Members.replica("pg1")).withSync("pg1", "pg2")
                .withFailover("pg1", "pg2").withPeer(Peers.unreachable("pg2")).view(),
            Locals.runningReplica("pg1").build(),
            List.of(ACQUIRE, CLEAR_FAILOVER, ACTIVATE_WATCHDOG, new WriteSyncState("pg1", List.of(), null, 3L),
                new ApplySynchronousStandbyNames(""), PROMOTE, TOUCH),
            "promoted self to leader by acquiring session lock"),

        // §2.8 failsafe mode
        row("§2.8 failsafe: every member acknowledged, stay primary",
            Configs.defaults().failsafe(),
            Clusters.initializedWithLeader().withFailsafe("pg1", "pg2", "pg3").withFailsafeAcks("pg2", "pg3")
                .unreachable().view(),
            Locals.runningPrimary("pg1").build(),
            List.of(new UpdateFailsafe(true), new PetWatchdog()),
            "continue to run as a leader because failsafe mode is enabled and all members are accessible"),
        row("§2.8 failsafe: a member did not acknowledge, demote offline",
            Configs.defaults().failsafe(),
            Clusters.initializedWithLeader().withFailsafe("pg1", "pg2", "pg3").withFailsafeAcks("pg2")
                .unreachable().view(),
            Locals.runningPrimary("pg1").build(),
            List.of(new Demote(DemoteMode.OFFLINE, null)),
            "demoting self because DCS is not accessible and I was a leader"),
        row("§2.8 failsafe: not listed in /failsafe, demote offline",
            Configs.defaults().failsafe(),
            Clusters.initializedWithLeader().withFailsafe("pg2", "pg3").withFailsafeAcks("pg2", "pg3")
                .unreachable().view(),
            Locals.runningPrimary("pg1").build(),
            List.of(new Demote(DemoteMode.OFFLINE, null)),
            "demoting self because DCS is not accessible and I was a leader"),
        row("§2.8 failsafe: a single-node topology stays primary",
            Configs.defaults().failsafe(),
            Clusters.initializedWithLeader().withFailsafe("pg1").unreachable().view(),
            Locals.runningPrimary("pg1").build(),
            List.of(new UpdateFailsafe(true), new PetWatchdog()),
            "continue to run as a leader because failsafe mode is enabled and all members are accessible"),
        row("§2.1.16 failsafe: the leader marks failsafe inactive while the DCS answers",
            Configs.defaults().failsafe(),
            Clusters.initializedWithLeader().withFailsafe("pg1", "pg2", "pg3").view(),
            Locals.runningPrimary("pg1").build(),
            List.of(RENEW, new UpdateFailsafe(false), TOUCH),
            "no action. I am (pg1), the leader with the lock"),
        row("§2.4.8 failsafe: a node missing from /failsafe does not race",
            Configs.defaults().failsafe(),
            Clusters.initializedWithoutLeader().withFailsafe("pg1", "pg3").withPeer(Peers.unreachable("pg3")).view(),
            Locals.runningReplica("pg2").build(),
            List.of(follow(null), TOUCH),
            "following a different leader because i am not the healthiest node"),

        // §2.7 recover with primary_start_timeout 0
        row("§2.7 primary_start_timeout 0: crashed primary fails over at once",
            Configs.defaults().primaryStartTimeout(0),
            Clusters.initializedWithLeader().withPeer(Peers.replica("pg2", LSN)).view(),
            Locals.crashedPrimary("pg1").build(),
            List.of(new Demote(DemoteMode.IMMEDIATE, null), TOUCH),
            "stopped PostgreSQL to fail over after a crash"),
        row("§2.7 primary_start_timeout 0 but no healthy replica: restart in place",
            Configs.defaults().primaryStartTimeout(0),
            Clusters.initializedWithLeader().withPeer(Peers.unreachable("pg2")).withPeer(Peers.unreachable("pg3"))
                .view(),
            Locals.crashedPrimary("pg1").build(),
            List.of(RENEW, new StartPostgres(PostgresRole.PRIMARY, null, false, 0, "restarting after failure"), TOUCH),
            "starting primary after failure"),

        // §2.3.1 primary_race_backoff, §2.4.2 check_timeline, §2.4.7 watchdog
        row("§2.3.1 race backoff: WAL still arriving, postpone the race",
            Configs.defaults().primaryRaceBackoff(30),
            Clusters.initializedWithoutLeader().view(),
            Locals.runningReplica("pg2").build(),
            List.of(TOUCH),
            "My (pg2) wal position moved since last heart beat loop, 30 seconds until leader race"),
        row("§2.3.1 race backoff does not delay a named failover candidate",
            Configs.defaults().primaryRaceBackoff(30),
            Clusters.initializedWithoutLeader().withFailover(null, "pg2").view(),
            Locals.runningReplica("pg2").build(),
            List.of(ACQUIRE, CLEAR_FAILOVER, ACTIVATE_WATCHDOG, PROMOTE, TOUCH),
            "promoted self to leader by acquiring session lock"),
        row("§2.4.10 check_timeline: a replica behind the cluster timeline does not race",
            Configs.defaults().checkTimeline(),
            Clusters.initializedWithoutLeader().withTimeline(3).view(),
            Locals.runningReplica("pg2").withTimeline(2).build(),
            List.of(follow(null), TOUCH),
            "following a different leader because i am not the healthiest node"),
        row("§2.4.10 check_timeline: on the cluster timeline, race",
            Configs.defaults().checkTimeline(),
            Clusters.initializedWithoutLeader().withTimeline(3).withPeer(Peers.onTimeline("pg3", LSN, 3)).view(),
            Locals.runningReplica("pg2").withTimeline(3).build(),
            List.of(ACQUIRE, ACTIVATE_WATCHDOG, PROMOTE, TOUCH),
            "promoted self to leader by acquiring session lock"),
        row("§2.4.7 watchdog required but not usable: no race",
            Configs.defaults().watchdogRequired(),
            Clusters.initializedWithoutLeader().view(),
            Locals.runningReplica("pg2").withWatchdog(false, false, false).build(),
            List.of(follow(null), TOUCH),
            "following a different leader because i am not the healthiest node"),
        row("§2.4.7 watchdog required and usable: races, arms the watchdog before promoting",
            Configs.defaults().watchdogRequired(),
            Clusters.initializedWithoutLeader().view(),
            Locals.runningReplica("pg2").withWatchdog(true, false, false).build(),
            List.of(ACQUIRE, ACTIVATE_WATCHDOG, PROMOTE, TOUCH),
            "promoted self to leader by acquiring session lock"),
        row("§2.4.7 automatic mode without a device: races all the same",
            Configs.defaults(),
            Clusters.initializedWithoutLeader().view(),
            Locals.runningReplica("pg2").withWatchdog(true, false, false).build(),
            List.of(ACQUIRE, ACTIVATE_WATCHDOG, PROMOTE, TOUCH),
            "promoted self to leader by acquiring session lock"),
        // Patroni's is_healthiest_node answers for a running primary before it looks at the watchdog: the key is
        // taken back, and the failed activation demotes it (the §2.6 rows)
        row("§2.4.7 watchdog required, not usable, a primary without its key: takes it, activation decides",
            Configs.defaults().watchdogRequired(),
            Clusters.initializedWithoutLeader().view(),
            Locals.runningPrimary("pg2").withWatchdog(false, false, false).build(),
            List.of(ACQUIRE, ACTIVATE_WATCHDOG, TOUCH),
            "acquired session lock as a leader"),

        // §2.2 / §6.5 standby cluster
        row("§6.5 standby cluster: replicas follow the standby leader",
            Configs.defaults().standbyCluster(),
            Clusters.initializedWithLeader().view(),
            Locals.runningReplica("pg2").build(),
            List.of(follow("pg1"), TOUCH),
            "no action. I am (pg2), a secondary, and following a standby leader (pg1)"),
        row("§6.5 standby cluster: the lock holder becomes standby leader",
            Configs.defaults().standbyCluster(),
            Clusters.initializedWithLeader().withLeader("pg2").view(),
            Locals.runningReplica("pg2").build(),
            List.of(RENEW, new Follow(null, true, PostgresRole.STANDBY_LEADER, true), TOUCH),
            "promoted self to a standby leader because i had the session lock"),
        row("§6.5 standby cluster: the standby leader keeps following the remote member",
            Configs.defaults().standbyCluster(),
            Clusters.initializedWithLeader().withLeader("pg2").view(),
            Locals.runningReplica("pg2").withRole(PostgresRole.STANDBY_LEADER).build(),
            List.of(RENEW, new Follow(null, true, PostgresRole.STANDBY_LEADER, true), TOUCH),
            "no action. I am (pg2), the standby leader with the lock"),
        row("§6.5 standby cluster: a stopped lock holder starts as standby leader",
            Configs.defaults().standbyCluster(),
            Clusters.initializedWithLeader().withLeader("pg2").view(),
            Locals.stoppedReplica("pg2").build(),
            List.of(new StartPostgres(PostgresRole.STANDBY_LEADER, null, true, null, "restarting after failure"),
                TOUCH),
            "starting as a standby leader because i had the session lock"),
        row("§6.5 standby cluster without a leader: a stopped node follows the remote member",
            Configs.defaults().standbyCluster(),
            Clusters.initializedWithoutLeader().view(),
            Locals.stoppedReplica("pg2").build(),
            List.of(new StartPostgres(PostgresRole.REPLICA, null, true, null, "restarting after failure"), TOUCH),
            "trying to follow a remote member because standby cluster is unhealthy"),
        row("§2.3 standby cluster without a leader: become standby leader",
            Configs.defaults().standbyCluster(),
            Clusters.initializedWithoutLeader().view(),
            Locals.runningReplica("pg2").build(),
            List.of(ACQUIRE, new Follow(null, true, PostgresRole.STANDBY_LEADER, true), TOUCH),
            "promoted self to a standby leader by acquiring session lock"),
        row("§6.5 standby cluster: a primary without the key demotes the cluster",
            Configs.defaults().standbyCluster(),
            Clusters.initializedWithLeader().view(),
            Locals.runningPrimary("pg2").withLeaderKey(LeaderKeyWrite.NONE).build(),
            List.of(new Demote(DemoteMode.DEMOTE_CLUSTER, "pg1"), TOUCH),
            "cannot be a real primary in standby cluster"),
        row("§6.5 standby cluster: the key holder that is a writable primary demotes the cluster",
            Configs.defaults().standbyCluster(),
            Clusters.initializedWithLeader().view(),
            Locals.runningPrimary("pg1").build(),
            List.of(RENEW, new Demote(DemoteMode.DEMOTE_CLUSTER, null), TOUCH),
            "cannot be a real primary in standby cluster"),
        row("§6.5 standby cluster in pause: the writable key holder is left alone",
            Configs.defaults().standbyCluster().paused(),
            Clusters.initializedWithLeader().view(),
            Locals.runningPrimary("pg1").build(),
            List.of(DISABLE_WATCHDOG, RENEW, TOUCH),
            "continue to run as primary without lock"),
        row("§6.5 standby cluster: a writable primary that wins the race demotes, it is never kept writable",
            Configs.defaults().standbyCluster(),
            Clusters.initializedWithoutLeader().view(),
            Locals.runningPrimary("pg2").withLeaderKey(LeaderKeyWrite.NONE).build(),
            List.of(ACQUIRE, new Demote(DemoteMode.DEMOTE_CLUSTER, null), TOUCH),
            "cannot be a real primary in standby cluster"),
        row("§6.5 standby cluster: the failover candidate becomes standby leader, not primary",
            Configs.defaults().standbyCluster(),
            Clusters.initializedWithoutLeader().withFailover(null, "pg2").view(),
            Locals.runningReplica("pg2").build(),
            List.of(ACQUIRE, CLEAR_FAILOVER, new Follow(null, true, PostgresRole.STANDBY_LEADER, true), TOUCH),
            "promoted self to a standby leader by acquiring session lock"),
        row("§2.10.1 standby cluster: bootstrap a new standby leader",
            Configs.defaults().standbyCluster(),
            Clusters.empty().view(),
            Locals.emptyDataDirectory("pg2").build(),
            List.of(new InitializeCluster("", true), new Clone(null, false, true, "bootstrap_standby_leader"), TOUCH),
            "trying to bootstrap a new standby leader"),
        row("§2.10.3 no leader but a no_leader replica method: clone without leader",
            Configs.defaults().replicaMethodWithoutLeader(),
            Clusters.initializedWithoutLeader().view(),
            Locals.emptyDataDirectory("pg2").build(),
            List.of(new Clone(null, true, false, "bootstrap (without leader)"), TOUCH),
            "trying to bootstrap (without leader)"));
  }

  // ---- situations that depend on earlier cycles ------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource("remembered")
  void decidesFromMemory(String situation, Configs configs, HaMemory memory, ClusterView view, LocalState local,
      List<Action> actions, String message) {
    Decision d = engine.decide(view, local, memory, configs.settings());
    assertEquals(actions, d.actions());
    assertEquals(message, d.message());
  }

  private static HaMemory started() {
    return HaMemory.initial().withStartupDone(true);
  }

  static Stream<Arguments> remembered() {
    return Stream.of(
        row("§2.1.9 post_bootstrap finished: initialize, write config, take the key",
            Configs.defaults(), started().withBootstrap(HaMemory.BootstrapPhase.BOOTSTRAPPED),
            Clusters.bootstrapping().view(),
            Locals.runningPrimary("pg2").withLeaderKey(LeaderKeyWrite.NONE)
                .finished("post_bootstrap", LongAction.Kind.POST_BOOTSTRAP, true).build(),
            List.of(ACTIVATE_WATCHDOG, new InitializeCluster(Clusters.SYSID, false),
                new WriteDynamicConfig(Map.of("ttl", 30, "loop_wait", 10)), new TakeLeaderKey(), TOUCH),
            "initialized a new cluster"),
        row("§2.1.9 strict sync mode: a new cluster starts with the placeholder",
            Configs.defaults().synchronousStrict(), started().withBootstrap(HaMemory.BootstrapPhase.BOOTSTRAPPED),
            Clusters.bootstrapping().view(),
            Locals.runningPrimary("pg2").withLeaderKey(LeaderKeyWrite.NONE)
                .finished("post_bootstrap", LongAction.Kind.POST_BOOTSTRAP, true).build(),
            List.of(ACTIVATE_WATCHDOG, new InitializeCluster(Clusters.SYSID, false),
                new WriteDynamicConfig(Map.of("ttl", 30, "loop_wait", 10)), new TakeLeaderKey(),
                new ApplySynchronousStandbyNames(SyncStandbys.STRICT_PLACEHOLDER), TOUCH),
            "initialized a new cluster"),
        row("§2.1.9 watchdog required but not usable after post_bootstrap: cancel and exit, as Patroni",
            Configs.defaults().watchdogRequired(), started().withBootstrap(HaMemory.BootstrapPhase.BOOTSTRAPPED),
            Clusters.bootstrapping().view(),
            Locals.runningPrimary("pg2").withLeaderKey(LeaderKeyWrite.NONE).withWatchdog(false, false, false)
                .finished("post_bootstrap", LongAction.Kind.POST_BOOTSTRAP, true).build(),
            List.of(new CancelInitialization(), new StopPostgres("immediate", false), new MoveDataDirectoryAside(),
                new Exit("Failed to bootstrap cluster", 1)),
            "Failed to bootstrap cluster"),
        row("§2.1.9 post_bootstrap failed: cancel and exit",
            Configs.defaults(), started().withBootstrap(HaMemory.BootstrapPhase.BOOTSTRAPPED),
            Clusters.bootstrapping().view(),
            Locals.runningPrimary("pg2").withLeaderKey(LeaderKeyWrite.NONE)
                .finished("post_bootstrap", LongAction.Kind.POST_BOOTSTRAP, false).build(),
            List.of(new CancelInitialization(), new StopPostgres("immediate", false), new MoveDataDirectoryAside(),
                new Exit("Failed to bootstrap cluster", 1)),
            "Failed to bootstrap cluster"),
        row("§6.5 standby leader bootstrap: the clone from the remote primary counts as post_bootstrap",
            Configs.defaults().standbyCluster(), started(),
            Clusters.bootstrapping().view(),
            Locals.runningReplica("pg2").withLeaderKey(LeaderKeyWrite.NONE)
                .finished(HaEngine.BOOTSTRAP_STANDBY_LEADER, LongAction.Kind.CLONE, true).build(),
            List.of(ACTIVATE_WATCHDOG, new InitializeCluster(Clusters.SYSID, false),
                new WriteDynamicConfig(Map.of("ttl", 30, "loop_wait", 10)), new TakeLeaderKey(), TOUCH),
            "initialized a new cluster"),
        row("§6.5 standby leader bootstrap: a failed clone from the remote primary cancels the initialization",
            Configs.defaults().standbyCluster(), started(),
            Clusters.bootstrapping().view(),
            Locals.emptyDataDirectory("pg2").withLeaderKey(LeaderKeyWrite.NONE)
                .finished(HaEngine.BOOTSTRAP_STANDBY_LEADER, LongAction.Kind.CLONE, false).build(),
            List.of(new CancelInitialization(), new MoveDataDirectoryAside(),
                new Exit("Failed to bootstrap cluster", 1)),
            "Failed to bootstrap cluster"),
        row("§6.5 standby cluster: the key holder diverged from the remote primary rewinds from it",
            Configs.defaults().standbyCluster(), started().withRewind(RewindState.CHECK),
            Clusters.initializedWithLeader().withLeader("pg2").view(),
            Locals.runningReplica("pg2").diverged(true).build(),
            List.of(RENEW, Rewind.fromRemotePrimary("running pg_rewind from the remote primary"), TOUCH),
            "running pg_rewind from the remote primary"),
        row("§6.5 standby cluster: a diverged replica rewinds from the remote primary, not its standby leader",
            Configs.defaults().standbyCluster(), started().withRewind(RewindState.CHECK),
            Clusters.initializedWithLeader().view(),
            Locals.runningReplica("pg2").diverged(true).build(),
            List.of(Rewind.fromRemotePrimary("running pg_rewind from the remote primary"), TOUCH),
            "running pg_rewind from the remote primary"),
        row("§6.5 standby cluster: a stopped diverged key holder rewinds before it starts",
            Configs.defaults().standbyCluster(), started().withRewind(RewindState.CHECK),
            Clusters.initializedWithLeader().withLeader("pg2").view(),
            Locals.stoppedReplica("pg2").withControlData("shut down", true, false).diverged(true).build(),
            List.of(Rewind.fromRemotePrimary("running pg_rewind from the remote primary"), TOUCH),
            "running pg_rewind from the remote primary"),
        row("§6.5 standby cluster: diverged without pg_rewind, no reinitialize (Patroni leaves that to the operator)",
            Configs.defaults().standbyCluster().noRewind().removeDataDirectoryOnDivergedTimelines(),
            started().withRewind(RewindState.CHECK),
            Clusters.initializedWithLeader().view(),
            Locals.runningReplica("pg2").diverged(true).build(),
            List.of(follow("pg1"), TOUCH),
            "no action. I am (pg2), a secondary, and following a standby leader (pg1)"),
        row("§6.5 archive-only standby cluster: nobody to rewind from",
            Configs.defaults().standbyCluster(Map.of("restore_command", "cp /archive/%f %p")),
            started().withRewind(RewindState.NEED),
            Clusters.initializedWithLeader().view(),
            Locals.runningReplica("pg2").build(),
            List.of(follow("pg1"), TOUCH),
            "no action. I am (pg2), a secondary, and following a standby leader (pg1)"),
        row("§6.5 standby cluster: a crashed writable key holder is not restarted as primary (crash recovery first)",
            Configs.defaults().standbyCluster(), started().withLastRole(PostgresRole.PRIMARY),
            Clusters.initializedWithLeader().view(),
            Locals.crashedPrimary("pg1").build(),
            List.of(DISABLE_WATCHDOG, new CrashRecovery(false), TOUCH),
            "doing crash recovery in a single user mode"),
        row("§2.1.8 primary start timed out and a replica can take over: demote",
            Configs.defaults(), started().withStartingSince(NOW_MILLIS - 301_000),
            Clusters.initializedWithLeader().withPeer(Peers.replica("pg2", LSN)).view(),
            Locals.startingPrimary("pg1").build(),
            List.of(RENEW, new Demote(DemoteMode.IMMEDIATE, null), TOUCH),
            "stopped PostgreSQL because of startup timeout"),
        row("§2.1.8 primary start timed out and nobody can take over: keep waiting",
            Configs.defaults(), started().withStartingSince(NOW_MILLIS - 301_000),
            Clusters.initializedWithLeader().withPeer(Peers.unreachable("pg2")).view(),
            Locals.startingPrimary("pg1").build(),
            List.of(RENEW, TOUCH),
            "primary start has timed out, but continuing to wait because failover is not possible"),
        row("§2.1.8 primary start: time left is counted from the first sight",
            Configs.defaults(), started().withStartingSince(NOW_MILLIS - 100_000),
            Clusters.initializedWithLeader().view(),
            Locals.startingPrimary("pg1").build(),
            List.of(RENEW, TOUCH),
            "PostgreSQL is still starting up, 200 seconds until timeout"),
        row("§2.7 crashed primary whose snapshot lost its role restarts in place from memory",
            Configs.defaults(), started().withLastRole(PostgresRole.PRIMARY),
            Clusters.initializedWithLeader().view(),
            Locals.crashedPrimary("pg1").withRole(null).build(),
            List.of(RENEW, new StartPostgres(PostgresRole.PRIMARY, null, false, 300, "restarting after failure"),
                TOUCH),
            "starting primary after failure"),
        row("§2.1.10 the lock holder failed to start: release the key",
            Configs.defaults(), started().withRecovering(true),
            Clusters.initializedWithLeader().view(),
            Locals.crashedPrimary("pg1").build(),
            List.of(DISABLE_WATCHDOG, RELEASE, TOUCH),
            "removed leader key after trying and failing to start postgres"),
        row("§2.1.10 a replica failed to start",
            Configs.defaults(), started().withRecovering(true),
            Clusters.initializedWithLeader().view(),
            Locals.stoppedReplica("pg2").build(),
            List.of(TOUCH),
            "failed to start postgres"),
        // a crashed replica's recovery is ended only right before pg_rewind (Patroni's
        // _handle_rewind_or_reinitialize); without a verdict it restarts as a standby
        row("§2.7 crashed replica with a pending rewind check and no verdict yet: start as a secondary",
            Configs.defaults(), started().withRewind(RewindState.CHECK),
            Clusters.initializedWithLeader().view(),
            Locals.stoppedReplica("pg2").withControlData("in archive recovery", true, false).build(),
            List.of(new StartPostgres(PostgresRole.REPLICA, "pg1", false, null, "restarting after failure"), TOUCH),
            "starting as a secondary"),
        row("§2.7 crashed replica not diverged: start as a secondary, no crash recovery",
            Configs.defaults(), started().withRewind(RewindState.CHECK),
            Clusters.initializedWithLeader().view(),
            Locals.stoppedReplica("pg2").withControlData("in archive recovery", true, false).diverged(false).build(),
            List.of(new StartPostgres(PostgresRole.REPLICA, "pg1", false, null, "restarting after failure"), TOUCH),
            "starting as a secondary"),
        row("§2.7 crashed replica diverged: crash recovery before pg_rewind",
            Configs.defaults(), started().withRewind(RewindState.CHECK),
            Clusters.initializedWithLeader().view(),
            Locals.stoppedReplica("pg2").withControlData("in archive recovery", true, false).diverged(true).build(),
            List.of(new CrashRecovery(true), TOUCH),
            "doing crash recovery in a single user mode"),
        row("§2.7 crashed former primary, started as a standby once, diverged: crash recovery before pg_rewind",
            Configs.defaults(), started().withRewind(RewindState.CHECK).withLastRole(PostgresRole.PRIMARY),
            Clusters.initializedWithLeader().view(),
            Locals.crashedPrimary("pg2").withLeaderKey(LeaderKeyWrite.NONE).withRole(null)
                .withControlData("in archive recovery", true, false).diverged(true).build(),
            List.of(DISABLE_WATCHDOG, new CrashRecovery(true), TOUCH),
            "doing crash recovery in a single user mode"),
        row("§2.7 crashed replica needing a rewind, crash recovery already tried: pg_rewind (no second try)",
            Configs.defaults(), started().withRewind(RewindState.NEED).withCrashRecoveryTried(true),
            Clusters.initializedWithLeader().view(),
            Locals.stoppedReplica("pg2").withControlData("in archive recovery", true, false)
                .finished("doing crash recovery in a single user mode", LongAction.Kind.CRASH_RECOVERY, true).build(),
            List.of(new Rewind("pg1", "running pg_rewind from pg1"), TOUCH),
            "running pg_rewind from pg1"),
        row("§2.7 crashed replica cleanly shut down by crash recovery: pg_rewind",
            Configs.defaults(), started().withRewind(RewindState.NEED).withCrashRecoveryTried(true),
            Clusters.initializedWithLeader().view(),
            Locals.stoppedReplica("pg2").withControlData("shut down", true, false)
                .finished("doing crash recovery in a single user mode", LongAction.Kind.CRASH_RECOVERY, true).build(),
            List.of(new Rewind("pg1", "running pg_rewind from pg1"), TOUCH),
            "running pg_rewind from pg1"),
        row("§2.7 crashed replica diverged, pg_rewind impossible: reinitialize when allowed, no crash recovery",
            Configs.defaults().removeDataDirectoryOnDivergedTimelines(), started().withRewind(RewindState.CHECK),
            Clusters.initializedWithLeader().view(),
            Locals.stoppedReplica("pg2").withControlData("in archive recovery", true, false).diverged(true)
                .rewindImpossible().build(),
            List.of(new Reinitialize(null, false), TOUCH),
            "reinitializing due to diverged timelines"),
        row("§2.7 crashed former primary, crash recovery already tried: no second run, start as a secondary",
            Configs.defaults(), started().withRewind(RewindState.CHECK).withCrashRecoveryTried(true),
            Clusters.initializedWithLeader().view(),
            Locals.crashedPrimary("pg2").withLeaderKey(LeaderKeyWrite.NONE)
                .finished("doing crash recovery in a single user mode", LongAction.Kind.CRASH_RECOVERY, false).build(),
            List.of(DISABLE_WATCHDOG,
                new StartPostgres(PostgresRole.REPLICA, "pg1", false, null, "restarting after failure"), TOUCH),
            "starting as a secondary"),
        row("§2.7 crashed former primary, crash recovery tried, diverged: pg_rewind",
            Configs.defaults(), started().withRewind(RewindState.CHECK).withCrashRecoveryTried(true),
            Clusters.initializedWithLeader().view(),
            Locals.crashedPrimary("pg2").withLeaderKey(LeaderKeyWrite.NONE).diverged(true).build(),
            List.of(DISABLE_WATCHDOG, new Rewind("pg1", "running pg_rewind from pg1"), TOUCH),
            "running pg_rewind from pg1"),
        row("§2.7 crashed former primary, pg_rewind impossible and a leader exists: no crash recovery",
            Configs.defaults().noRewind().removeDataDirectoryOnDivergedTimelines(), started(),
            Clusters.initializedWithLeader().view(),
            Locals.crashedPrimary("pg2").withLeaderKey(LeaderKeyWrite.NONE).rewindImpossible().build(),
            List.of(DISABLE_WATCHDOG,
                new StartPostgres(PostgresRole.REPLICA, "pg1", false, null, "restarting after failure"), TOUCH),
            "starting as a secondary"),
        row("§2.7 crashed former primary, pg_rewind impossible, no leader: crash recovery for the race",
            Configs.defaults().noRewind(), started(),
            Clusters.initializedWithoutLeader().view(),
            Locals.crashedPrimary("pg2").withLeaderKey(LeaderKeyWrite.NONE).rewindImpossible().build(),
            List.of(DISABLE_WATCHDOG, new CrashRecovery(false), TOUCH),
            "doing crash recovery in a single user mode"),
        row("§2.7 crashed replica, nothing pending: start as a secondary",
            Configs.defaults(), started(),
            Clusters.initializedWithLeader().view(),
            Locals.stoppedReplica("pg2").withControlData("in archive recovery", true, false).build(),
            List.of(new StartPostgres(PostgresRole.REPLICA, "pg1", false, null, "restarting after failure"), TOUCH),
            "starting as a secondary"),
        row("§2.7 crashed replica, no leader: start as a secondary, no crash recovery",
            Configs.defaults(), started(),
            Clusters.initializedWithoutLeader().view(),
            Locals.stoppedReplica("pg2").withControlData("in archive recovery", true, false).build(),
            List.of(new StartPostgres(PostgresRole.REPLICA, null, false, null, "restarting after failure"), TOUCH),
            "starting as a secondary"),
        row("§2.7 backup_label present: no single-user crash recovery",
            Configs.defaults(), started().withRewind(RewindState.CHECK),
            Clusters.initializedWithLeader().view(),
            Locals.stoppedReplica("pg2").withControlData("in archive recovery", true, true).build(),
            List.of(new StartPostgres(PostgresRole.REPLICA, "pg1", false, null, "restarting after failure"), TOUCH),
            "starting as a secondary"),
        row("§2.7 diverged replica runs pg_rewind from the leader",
            Configs.defaults(), started().withRewind(RewindState.CHECK),
            Clusters.initializedWithLeader().view(),
            Locals.runningReplica("pg2").diverged(true).build(),
            List.of(new Rewind("pg1", "running pg_rewind from pg1"), TOUCH),
            "running pg_rewind from pg1"),
        row("§2.7 not diverged: follow as usual",
            Configs.defaults(), started().withRewind(RewindState.CHECK),
            Clusters.initializedWithLeader().view(),
            Locals.runningReplica("pg2").diverged(false).build(),
            List.of(follow("pg1"), TOUCH),
            "no action. I am (pg2), a secondary, and following a leader (pg1)"),
        row("§2.7 diverged without pg_rewind: reinitialize when allowed",
            Configs.defaults().noRewind().removeDataDirectoryOnDivergedTimelines(),
            started().withRewind(RewindState.CHECK),
            Clusters.initializedWithLeader().view(),
            Locals.runningReplica("pg2").diverged(true).build(),
            List.of(new Reinitialize(null, false), TOUCH),
            "reinitializing due to diverged timelines"),
        row("§2.7 diverged and pg_rewind impossible, no reinit allowed: keep following",
            Configs.defaults(), started().withRewind(RewindState.CHECK),
            Clusters.initializedWithLeader().view(),
            Locals.runningReplica("pg2").diverged(true).rewindImpossible().build(),
            List.of(follow("pg1"), TOUCH),
            "no action. I am (pg2), a secondary, and following a leader (pg1)"),
        row("§2.7 pg_rewind failed: reinitialize when allowed",
            Configs.defaults().removeDataDirectoryOnRewindFailure(), started().withRewind(RewindState.NEED),
            Clusters.initializedWithLeader().view(),
            Locals.stoppedReplica("pg2").finished("running pg_rewind from pg1", LongAction.Kind.REWIND, false).build(),
            List.of(new Reinitialize(null, false), TOUCH),
            "reinitializing after pg_rewind failure"),
        row("§2.3.1 race backoff window over: race",
            Configs.defaults().primaryRaceBackoff(30), started().withRaceBackoffStart(NOW_MILLIS - 31_000),
            Clusters.initializedWithoutLeader().view(),
            Locals.runningReplica("pg2").build(),
            List.of(ACQUIRE, ACTIVATE_WATCHDOG, PROMOTE, TOUCH),
            "promoted self to leader by acquiring session lock"),
        row("§2.3.1 race backoff: WAL stopped moving after loop_wait, race",
            Configs.defaults().primaryRaceBackoff(30),
            started().withRaceBackoffStart(NOW_MILLIS - 15_000).withLastWalPosition(LSN),
            Clusters.initializedWithoutLeader().view(),
            Locals.runningReplica("pg2").build(),
            List.of(ACQUIRE, ACTIVATE_WATCHDOG, PROMOTE, TOUCH),
            "promoted self to leader by acquiring session lock"),
        row("§2.3.1 race backoff: WAL moved, keep waiting",
            Configs.defaults().primaryRaceBackoff(30),
            started().withRaceBackoffStart(NOW_MILLIS - 15_000).withLastWalPosition(LSN - 10),
            Clusters.initializedWithoutLeader().view(),
            Locals.runningReplica("pg2").build(),
            List.of(TOUCH),
            "My (pg2) wal position moved since last heart beat loop, 15 seconds until leader race"),
        row("§2.4.1 pre_promote refused recently: skip the race for ttl",
            Configs.defaults(), started().withPrePromoteFailedAt(NOW_MILLIS - 5_000),
            Clusters.initializedWithoutLeader().view(),
            Locals.runningReplica("pg2").build(),
            List.of(follow(null), TOUCH),
            "following a different leader because i am not the healthiest node"),
        row("§2.4.1 pre_promote refusal older than ttl: race again",
            Configs.defaults(), started().withPrePromoteFailedAt(NOW_MILLIS - 31_000),
            Clusters.initializedWithoutLeader().view(),
            Locals.runningReplica("pg2").build(),
            List.of(ACQUIRE, ACTIVATE_WATCHDOG, PROMOTE, TOUCH),
            "promoted self to leader by acquiring session lock"),
        row("§2.3.2 lost the race: follow the winner",
            Configs.defaults(), started().afterLostRace(),
            Clusters.initializedWithLeader().withLeader("pg3").view(),
            Locals.runningReplica("pg2").build(),
            List.of(follow("pg3"), TOUCH),
            "following new leader after trying and failing to obtain lock"),
        row("§2.3.2 lost the race as a primary: demote",
            Configs.defaults(), started().afterLostRace(),
            Clusters.initializedWithLeader().withLeader("pg3").view(),
            Locals.runningPrimary("pg2").withLeaderKey(LeaderKeyWrite.NONE).build(),
            List.of(new Demote(DemoteMode.IMMEDIATE_NOLOCK, "pg3"), TOUCH),
            "demoted self after trying and failing to obtain lock"),
        row("§2.1.3 resume after pause forgets the rewind state",
            Configs.defaults(), started().withPaused(true).withRewind(RewindState.NEED),
            Clusters.initializedWithLeader().view(),
            Locals.runningReplica("pg2").build(),
            List.of(follow("pg1"), TOUCH),
            "no action. I am (pg2), a secondary, and following a leader (pg1)"));
  }

  // ---- memory and wake-up hints -------------------------------------------------------------------------

  @Test
  void remembersWhenPrePromoteRefused() {
    Decision d = engine.decide(Clusters.initializedWithLeader().withLeader("pg2").view(),
        Locals.runningReplica("pg2").finished("promote", LongAction.Kind.PROMOTE, false).build(),
        HaMemory.initial(), SETTINGS);
    assertEquals(NOW_MILLIS, d.memory().prePromoteFailedAtMillis());
  }

  @Test
  void startsTheRaceBackoffWindowWhenTheLeaderDisappears() {
    Decision d = engine.decide(Clusters.initializedWithoutLeader().view(), Locals.runningReplica("pg2").build(),
        HaMemory.initial(), Configs.defaults().primaryRaceBackoff(30).settings());
    assertEquals(NOW_MILLIS, d.memory().raceBackoffStartMillis());
    assertEquals(30_000L, d.wakeInMillis());
    assertEquals(LSN, d.memory().lastWalPosition());
  }

  @Test
  void remembersTheRoleOfARunningServer() {
    Decision d = engine.decide(Clusters.initializedWithLeader().view(), Locals.runningPrimary("pg1").build(),
        HaMemory.initial(), SETTINGS);
    assertEquals(PostgresRole.PRIMARY, d.memory().lastRole());
  }

  @Test
  void forgetsTheRaceBackoffWindowOnceALeaderExists() {
    Decision d = engine.decide(Clusters.initializedWithLeader().view(), Locals.runningReplica("pg2").build(),
        HaMemory.initial().withRaceBackoffStart(5L), SETTINGS);
    assertNull(d.memory().raceBackoffStartMillis());
  }

  @Test
  void wakesWhenAScheduledSwitchoverIsDueSoon() {
    Decision d = engine.decide(Clusters.initializedWithLeader()
            .withScheduledSwitchover("pg1", "pg2", NOW.plusSeconds(4).atOffset(ZoneOffset.UTC))
            .withPeer(Peers.replica("pg2", LSN)).view(),
        Locals.runningPrimary("pg1").build(), HaMemory.initial(), SETTINGS);
    assertEquals(List.of(RENEW, TOUCH), d.actions());
    assertEquals(4_000L, d.wakeInMillis());
  }

  @Test
  void walksThroughBootstrapPhases() {
    Decision bootstrapped = engine.decide(Clusters.bootstrapping().view(),
        Locals.runningPrimary("pg2").withLeaderKey(LeaderKeyWrite.NONE)
            .finished("bootstrap", LongAction.Kind.BOOTSTRAP, true).build(),
        HaMemory.initial(), SETTINGS);
    assertEquals(HaMemory.BootstrapPhase.BOOTSTRAPPED, bootstrapped.memory().bootstrap());
    // the next cycle, with nothing finished, still knows the bootstrap is not complete
    Decision again = engine.decide(Clusters.bootstrapping().view(),
        Locals.runningPrimary("pg2").withLeaderKey(LeaderKeyWrite.NONE).build(), bootstrapped.memory(), SETTINGS);
    assertEquals("running post_bootstrap", again.message());
    Decision done = engine.decide(Clusters.bootstrapping().view(),
        Locals.runningPrimary("pg2").withLeaderKey(LeaderKeyWrite.NONE)
            .finished("post_bootstrap", LongAction.Kind.POST_BOOTSTRAP, true).build(),
        again.memory(), SETTINGS);
    assertEquals("initialized a new cluster", done.message());
    assertEquals(HaMemory.BootstrapPhase.NONE, done.memory().bootstrap());
  }

  @Test
  void checksDivergenceAfterStartingAFormerPrimaryAsReplica() {
    Decision d = engine.decide(Clusters.initializedWithLeader().view(),
        Locals.crashedPrimary("pg2").withLeaderKey(LeaderKeyWrite.NONE)
            .withControlData("shut down", false, false).build(),
        HaMemory.initial().withStartupDone(true), SETTINGS);
    assertEquals("starting as a secondary", d.message());
    assertEquals(RewindState.CHECK, d.memory().rewind());
    assertEquals(true, d.memory().recovering());
  }

  /**
   * docs/standby-cluster.md §5: {@code demote-cluster} of a promoted cluster. The writable key holder steps down
   * and asks for the check; as the standby leader it learns it diverged from the remote primary and rewinds from
   * there; its replica, still on the old timeline, is then ahead of the standby leader and checks too.
   */
  @Test
  void aDemotedClusterRewindsEveryMemberFromTheRemotePrimary() {
    HaSettings standby = Configs.defaults().standbyCluster().settings();
    Decision demote = engine.decide(Clusters.initializedWithLeader().view(), Locals.runningPrimary("pg1").build(),
        started(), standby);
    assertEquals(List.of(RENEW, new Demote(DemoteMode.DEMOTE_CLUSTER, null), TOUCH), demote.actions());
    assertEquals(RewindState.CHECK, demote.memory().rewind());

    ClusterView afterDemote = Clusters.initializedWithLeader().view();
    Locals demoted = Locals.runningReplica("pg1").withTimeline(2);
    assertEquals(DivergenceCheck.REMOTE_PRIMARY,
        HaEngine.divergenceCheck(afterDemote, demoted.build(), demote.memory(), standby));
    Decision rewind = engine.decide(afterDemote, demoted.diverged(true).build(), demote.memory(), standby);
    assertEquals(List.of(RENEW, Rewind.fromRemotePrimary("running pg_rewind from the remote primary"), TOUCH),
        rewind.actions());

    // the standby leader pg1 is back on the remote primary's timeline 1, its replica still on 2
    ClusterView rewound = Clusters.initializedWithLeader().view();
    Decision replica = engine.decide(rewound, Locals.runningReplica("pg2").withTimeline(2).build(),
        started(), standby);
    assertEquals(RewindState.CHECK, replica.memory().rewind());
    assertEquals(DivergenceCheck.REMOTE_PRIMARY, HaEngine.divergenceCheck(rewound,
        Locals.runningReplica("pg2").withTimeline(2).build(), replica.memory(), standby));
  }

  /**
   * The frozen-leader case (a former primary killed -9, then started as a standby once, so pg_control says
   * {@code in archive recovery}) walked cycle by cycle: one crash recovery, then pg_rewind, then a standby. The
   * crash recovery here changes nothing on disk, as the postgres side used to decline it: the engine must not
   * ask for it again (it did, every cycle, and the node never came back).
   */
  @Test
  void aCrashedFormerPrimaryReachesPgRewindWithOneCrashRecoveryAtMost() {
    ClusterView view = Clusters.initializedWithLeader().view();
    Locals stopped = Locals.stoppedReplica("pg2").withControlData("in archive recovery", true, false);
    HaMemory memory = started().withLastRole(PostgresRole.PRIMARY);

    Decision first = engine.decide(view, stopped.diverged(true).build(), memory.withRewind(RewindState.CHECK),
        SETTINGS);
    assertEquals(List.of(new CrashRecovery(true), TOUCH), first.actions());
    assertEquals(RewindState.NEED, first.memory().rewind());

    Decision second = engine.decide(view, Locals.stoppedReplica("pg2")
        .withControlData("in archive recovery", true, false)
        .finished("doing crash recovery in a single user mode", LongAction.Kind.CRASH_RECOVERY, true).build(),
        first.memory(), SETTINGS);
    assertEquals(List.of(new Rewind("pg1", "running pg_rewind from pg1"), TOUCH), second.actions());

    // pg_rewind leaves pg_control in archive recovery with a backup_label: start following the leader
    Decision third = engine.decide(view, Locals.stoppedReplica("pg2").withControlData("in archive recovery", true, true)
        .finished("running pg_rewind from pg1", LongAction.Kind.REWIND, true).build(), second.memory(), SETTINGS);
    assertEquals(List.of(new StartPostgres(PostgresRole.REPLICA, "pg1", false, null, "restarting after failure"),
        TOUCH), third.actions());
    assertEquals(RewindState.SUCCESS, third.memory().rewind());
  }

  @Test
  void crashRecoveryIsTriedAgainOnlyAfterPostgresRanAgain() {
    HaMemory tried = started().withCrashRecoveryTried(true);
    Decision running = engine.decide(Clusters.initializedWithLeader().view(), Locals.runningReplica("pg2").build(),
        tried, SETTINGS);
    assertEquals(false, running.memory().crashRecoveryTried());
    Decision crashed = engine.decide(Clusters.initializedWithoutLeader().view(),
        Locals.crashedPrimary("pg2").withLeaderKey(LeaderKeyWrite.NONE).build(), running.memory(), SETTINGS);
    assertEquals(List.of(DISABLE_WATCHDOG, new CrashRecovery(false), TOUCH), crashed.actions());
    assertEquals(true, crashed.memory().crashRecoveryTried());
  }

  @Test
  void asksForPeerStatusesOnlyWhenTheyMatter() {
    assertEquals(true, HaEngine.peerStatusesNeeded(Clusters.initializedWithoutLeader().view(),
        Locals.runningReplica("pg2").build()));
    assertEquals(false, HaEngine.peerStatusesNeeded(Clusters.initializedWithLeader().view(),
        Locals.runningReplica("pg2").build()));
    assertEquals(true, HaEngine.peerStatusesNeeded(Clusters.initializedWithLeader().withFailover("pg1", "pg2").view(),
        Locals.runningPrimary("pg1").build()));
    assertEquals(true, HaEngine.peerStatusesNeeded(Clusters.initializedWithLeader().view(),
        Locals.crashedPrimary("pg1").build()));
    assertEquals(false, HaEngine.peerStatusesNeeded(Clusters.initializedWithoutLeader().unreachable().view(),
        Locals.runningReplica("pg2").build()));
  }

  @Test
  void asksForFailsafeProbesOnlyForACutOffPrimaryInFailsafeMode() {
    HaSettings failsafe = Configs.defaults().failsafe().settings();
    ClusterView cutOff = Clusters.initializedWithLeader().withFailsafe("pg1", "pg2").unreachable().view();
    assertEquals(true, HaEngine.failsafeProbeNeeded(cutOff, Locals.runningPrimary("pg1").build(), failsafe));
    assertEquals(false, HaEngine.failsafeProbeNeeded(cutOff, Locals.runningReplica("pg2").build(), failsafe));
    assertEquals(false, HaEngine.failsafeProbeNeeded(cutOff, Locals.runningPrimary("pg1").build(), SETTINGS));
    assertEquals(false, HaEngine.failsafeProbeNeeded(Clusters.initializedWithLeader().withFailsafe("pg1").view(),
        Locals.runningPrimary("pg1").build(), failsafe));
  }

  @Test
  void asksForTheDivergenceCheckOnlyWhenPendingAndTheLeaderIsPrimary() {
    HaMemory check = HaMemory.initial().withRewind(RewindState.CHECK);
    assertEquals(DivergenceCheck.LEADER, HaEngine.divergenceCheck(Clusters.initializedWithLeader().view(),
        Locals.runningReplica("pg2").build(), check, SETTINGS));
    assertEquals(DivergenceCheck.NONE, HaEngine.divergenceCheck(Clusters.initializedWithLeader().view(),
        Locals.runningReplica("pg2").build(), HaMemory.initial(), SETTINGS));
    assertEquals(DivergenceCheck.NONE, HaEngine.divergenceCheck(Clusters.initializedWithoutLeader().view(),
        Locals.runningReplica("pg2").build(), check, SETTINGS));
    // never beside a long action: a crash recovery or pg_rewind is rewriting the pg_control the check reads
    assertEquals(DivergenceCheck.LEADER, HaEngine.divergenceCheck(Clusters.initializedWithLeader().view(),
        Locals.stoppedReplica("pg2").withControlData("shut down", true, false).build(), check, SETTINGS));
    assertEquals(DivergenceCheck.NONE, HaEngine.divergenceCheck(Clusters.initializedWithLeader().view(),
        Locals.stoppedReplica("pg2").withControlData("shut down", true, false)
            .running("doing crash recovery in a single user mode", LongAction.Kind.CRASH_RECOVERY, NOW_MILLIS)
            .build(), check, SETTINGS));
  }

  @Test
  void aStandbyClusterChecksAgainstTheRemotePrimaryWhateverItsLeader() {
    HaMemory check = HaMemory.initial().withRewind(RewindState.CHECK);
    HaSettings standby = Configs.defaults().standbyCluster().settings();
    // the standby leader, its replicas and a member of a leaderless standby cluster all compare with the remote
    assertEquals(DivergenceCheck.REMOTE_PRIMARY, HaEngine.divergenceCheck(
        Clusters.initializedWithLeader().withLeader("pg2").view(), Locals.runningReplica("pg2").build(), check,
        standby));
    assertEquals(DivergenceCheck.REMOTE_PRIMARY, HaEngine.divergenceCheck(Clusters.initializedWithLeader().view(),
        Locals.runningReplica("pg2").build(), check, standby));
    assertEquals(DivergenceCheck.REMOTE_PRIMARY, HaEngine.divergenceCheck(Clusters.initializedWithoutLeader().view(),
        Locals.stoppedReplica("pg2").withControlData("shut down", true, false).build(), check, standby));
    // a writable primary is demoted first; an archive-only standby cluster has nobody to ask
    assertEquals(DivergenceCheck.NONE, HaEngine.divergenceCheck(Clusters.initializedWithLeader().view(),
        Locals.runningPrimary("pg1").build(), check, standby));
    assertEquals(DivergenceCheck.NONE, HaEngine.divergenceCheck(Clusters.initializedWithLeader().view(),
        Locals.runningReplica("pg2").build(), check,
        Configs.defaults().standbyCluster(Map.of("restore_command", "cp /archive/%f %p")).settings()));
  }

  @Test
  void remembersThePrimaryLsnOfTheSsnChangeUntilTheStandbyFlushedIt() {
    HaSettings sync = Configs.defaults().synchronous().settings();
    ClusterView view = Clusters.initializedWithLeader().withSync("pg1").view();
    // first cycle with the new synchronous_standby_names: the primary is at LSN + 100, pg2 has flushed LSN
    Decision first = engine.decide(view, Locals.runningPrimary("pg1").withLsn(LSN + 100)
        .withSynchronousStandbyNames("pg2").withReplication("pg2", "sync", LSN).build(), HaMemory.initial(), sync);
    assertEquals(new HaMemory.SsnChange("pg2", LSN + 100), first.memory().ssnChange());
    assertEquals(List.of(RENEW, TOUCH), first.actions());
    // the primary moved on, but the reference stays the LSN of the change: pg2 at LSN + 100 is in
    Decision second = engine.decide(view, Locals.runningPrimary("pg1").withLsn(LSN + 900)
        .withSynchronousStandbyNames("pg2").withReplication("pg2", "sync", LSN + 100).build(), first.memory(), sync);
    assertEquals(List.of(RENEW, new WriteSyncState("pg1", List.of("pg2"), null, 3L), TOUCH), second.actions());
    assertEquals(first.memory().ssnChange(), second.memory().ssnChange());
    // a new value of synchronous_standby_names takes a new reference
    Decision third = engine.decide(view, Locals.runningPrimary("pg1").withLsn(LSN + 900)
        .withSynchronousStandbyNames("pg3").withReplication("pg3", "sync", LSN + 100).build(), second.memory(), sync);
    assertEquals(new HaMemory.SsnChange("pg3", LSN + 900), third.memory().ssnChange());
    assertEquals(List.of(RENEW, TOUCH), third.actions());
  }

  @Test
  void anUnknownStateKeepsTheSsnReference() {
    HaSettings sync = Configs.defaults().synchronous().settings();
    HaMemory remembered = HaMemory.initial().withSsnChange(new HaMemory.SsnChange("pg2", LSN));
    Decision d = engine.decide(Clusters.initializedWithLeader().withSync("pg1", "pg2").view(),
        Locals.runningPrimary("pg1").withSynchronousStandbyNames("pg2").stateQueryFailed().build(), remembered, sync);
    assertEquals(remembered.ssnChange(), d.memory().ssnChange());
  }

  @Test
  void aReplicaForgetsTheSsnReferenceOfItsTermAsPrimary() {
    HaMemory remembered = HaMemory.initial().withSsnChange(new HaMemory.SsnChange("pg2", LSN));
    Decision d = engine.decide(Clusters.initializedWithLeader().view(), Locals.runningReplica("pg2").build(),
        remembered, Configs.defaults().synchronous().settings());
    assertNull(d.memory().ssnChange());
  }

  @Test
  void sameInputsGiveTheSameDecision() {
    ClusterView view = Clusters.initializedWithoutLeader().withPeer(Peers.replica("pg3", LSN - 1)).view();
    LocalState local = Locals.runningReplica("pg2").build();
    assertEquals(engine.decide(view, local, HaMemory.initial(), SETTINGS),
        engine.decide(view, local, HaMemory.initial(), SETTINGS));
  }

  @Test
  void readsNoClock() {
    // a wall clock far in the future changes nothing for a situation without schedules
    LocalState later = Locals.runningReplica("pg2").atWallClock(Instant.parse("2099-01-01T00:00:00Z")).build();
    Decision d = engine.decide(Clusters.initializedWithLeader().view(), later, HaMemory.initial(), SETTINGS);
    assertEquals(List.of(follow("pg1"), TOUCH), d.actions());
  }
}
