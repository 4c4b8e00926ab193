package io.vigil.api;

import io.vigil.bus.NodeStatus;
import io.vigil.cluster.Cluster;
import io.vigil.cluster.ClusterConfig;
import io.vigil.cluster.Failover;
import io.vigil.cluster.Leader;
import io.vigil.cluster.Member;
import io.vigil.cluster.Status;
import io.vigil.cluster.SyncState;
import io.vigil.cluster.TimelineHistory;
import io.vigil.config.Tags;
import io.vigil.postgres.PostgresRole;
import io.vigil.postgres.PostgresState;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The 3-node cluster 'anchor' of docs/patroni-formats.md (leader pg3, replicas pg1 and pg2, timeline 4) as
 * NodeStatus values, named after the situation they describe.
 */
final class Fixtures {
  private Fixtures() {}

  static final Instant NOW = Instant.parse("2026-11-21T04:58:44Z");
  static final long NOW_EPOCH = NOW.getEpochSecond();
  static final long MONO = 5_000_000L;
  static final String SYSID = "7710484112634925804";
  static final long LSN = 67373608L;

  /** A clock that stands still unless moved. */
  static final class TestClock implements ApiClock {
    Instant now = NOW;
    long mono = MONO;

    @Override
    public Instant now() {
      return now;
    }

    @Override
    public long monotonicMillis() {
      return mono;
    }
  }

  static Map<String, Object> config(boolean sync, boolean paused) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("ttl", 30);
    c.put("loop_wait", 10);
    c.put("retry_timeout", 10);
    c.put("maximum_lag_on_failover", 1048576);
    c.put("synchronous_mode", sync);
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("wal_level", "replica");
    params.put("hot_standby", "on");
    params.put("max_wal_senders", 10);
    params.put("max_replication_slots", 10);
    params.put("wal_log_hints", "on");
    params.put("max_connections", 100);
    Map<String, Object> pg = new LinkedHashMap<>();
    pg.put("use_pg_rewind", true);
    pg.put("use_slots", true);
    pg.put("parameters", params);
    c.put("postgresql", pg);
    if (paused) {
      c.put("pause", true);
    }
    return c;
  }

  static Member member(String name, int pgPort, int apiPort, String role) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("conn_url", "postgres://127.0.0.1:" + pgPort + "/postgres");
    d.put("api_url", "http://127.0.0.1:" + apiPort + "/patroni");
    d.put("state", "running");
    d.put("role", role);
    d.put("version", "4.0.4");
    d.put("xlog_location", LSN);
    if (!role.equals("primary")) {
      d.put("replication_state", "streaming");
      d.put("replay_lsn", LSN);
      d.put("receive_lsn", LSN);
    }
    d.put("timeline", 4);
    return new Member(name, 1, "lease", d);
  }

  static Cluster cluster(boolean sync, boolean paused) {
    return cluster(sync, paused, "pg3");
  }

  static Cluster cluster(boolean sync, boolean paused, String leader) {
    List<Member> members = List.of(member("pg1", 5432, 8008, "pg1".equals(leader) ? "primary" : "replica"),
        member("pg2", 5433, 8009, "pg2".equals(leader) ? "primary" : "replica"),
        member("pg3", 5434, 8010, "pg3".equals(leader) ? "primary" : "replica"));
    Member leaderMember = members.stream().filter(m -> m.name().equals(leader)).findFirst().orElse(null);
    TimelineHistory history = new TimelineHistory(7, List.of(
        new TimelineHistory.Line(1, 67299200L, "no recovery target specified", "2026-11-21T04:56:50.313697+00:00",
            "pg3"),
        new TimelineHistory.Line(2, 67319168L, "no recovery target specified", "2026-11-21T04:57:31.845697+00:00",
            "pg1"),
        new TimelineHistory.Line(3, 67347608L, "no recovery target specified", "2026-11-21T04:58:13.393697+00:00",
            "pg3")));
    return new Cluster(SYSID, new ClusterConfig(5, config(sync, paused)),
        leaderMember == null ? null : new Leader(9, "lease", leaderMember), new Status(LSN, Map.of(), null),
        members, null, sync ? new SyncState(3, leader, List.of("pg1"), null) : null, history, null);
  }

  static Cluster withFailover(Cluster c, Failover f) {
    return new Cluster(c.initialize(), c.config(), c.leader(), c.status(), c.members(), f, c.sync(), c.history(),
        c.failsafe());
  }

  static PostgresState primaryPg() {
    return new PostgresState("running", PostgresRole.PRIMARY, false, true, false, SYSID, 4, LSN, null, null, null,
        null, false, null, List.of(
            new PostgresState.ReplicationRow("replicator", "pg2", "127.0.0.1", "streaming", "async", 0, LSN, LSN),
            new PostgresState.ReplicationRow("replicator", "pg1", "127.0.0.1", "streaming", "async", 0, LSN, LSN)),
        null, 150018, "2026-11-21 04:57:35.899984+00", false, Map.of(), MONO);
  }

  static PostgresState replicaPg() {
    return replicaPg(LSN, LSN);
  }

  static PostgresState replicaPg(long receive, long replay) {
    return new PostgresState("running", PostgresRole.REPLICA, false, true, true, SYSID, 4, Math.max(receive, replay),
        receive, replay, null, "2026-11-21 04:58:15.402969+00", false, "streaming", List.of(), "pg3", 150018,
        "2026-11-21 04:58:17.260036+00", false, Map.of(), MONO);
  }

  static PostgresState stoppedPg() {
    return new PostgresState("stopped", PostgresRole.REPLICA, false, false, false, SYSID, null, null, null, null,
        null, null, false, null, List.of(), null, null, null, false, Map.of(), MONO);
  }

  static NodeStatus status(String name, String role, PostgresState pg, Cluster cluster, boolean paused) {
    return new NodeStatus("anchor", name, role, "no action. I am (" + name + ")", pg, cluster, Tags.none(),
        paused, cluster == null || cluster.isUnlocked(), false, NOW_EPOCH - 3, MONO - 1000, 30, null, null, false);
  }

  static NodeStatus leader() {
    return status("pg3", "primary", primaryPg(), cluster(false, false), false);
  }

  static NodeStatus replica() {
    return status("pg1", "replica", replicaPg(), cluster(false, false), false);
  }

  static NodeStatus syncLeader() {
    return status("pg3", "primary", primaryPg(), cluster(true, false), false);
  }

  static NodeStatus syncStandby() {
    return status("pg1", "replica", replicaPg(), cluster(true, false), false);
  }

  static NodeStatus asyncReplicaInSyncMode() {
    return status("pg2", "replica", replicaPg(), cluster(true, false), false);
  }

  static NodeStatus pausedLeader() {
    return status("pg3", "primary", primaryPg(), cluster(false, true), true);
  }

  static NodeStatus stoppedReplica() {
    return status("pg1", "replica", stoppedPg(), cluster(false, false), false);
  }

  static NodeStatus withTags(NodeStatus s, Map<String, Object> tags) {
    return new NodeStatus(s.scope(), s.name(), s.role(), s.message(), s.postgres(), s.cluster(), new Tags(tags),
        s.paused(), s.clusterUnlocked(), s.failsafeActive(), s.dcsLastSeenEpochSeconds(),
        s.lastCycleMonotonicMillis(), s.ttl(), s.longAction(), s.scheduledRestart(), s.watchdogFailed());
  }

  static NodeStatus withDcsLastSeen(NodeStatus s, long epoch) {
    return new NodeStatus(s.scope(), s.name(), s.role(), s.message(), s.postgres(), s.cluster(), s.tags(),
        s.paused(), s.clusterUnlocked(), s.failsafeActive(), epoch, s.lastCycleMonotonicMillis(), s.ttl(),
        s.longAction(), s.scheduledRestart(), s.watchdogFailed());
  }

  static NodeStatus withLastCycle(NodeStatus s, long mono) {
    return new NodeStatus(s.scope(), s.name(), s.role(), s.message(), s.postgres(), s.cluster(), s.tags(),
        s.paused(), s.clusterUnlocked(), s.failsafeActive(), s.dcsLastSeenEpochSeconds(), mono, s.ttl(),
        s.longAction(), s.scheduledRestart(), s.watchdogFailed());
  }

  static NodeStatus withPostgres(NodeStatus s, PostgresState pg) {
    return new NodeStatus(s.scope(), s.name(), s.role(), s.message(), pg, s.cluster(), s.tags(), s.paused(),
        s.clusterUnlocked(), s.failsafeActive(), s.dcsLastSeenEpochSeconds(), s.lastCycleMonotonicMillis(), s.ttl(),
        s.longAction(), s.scheduledRestart(), s.watchdogFailed());
  }
}
