package io.vigil.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vigil.bus.NodeStatus;
import io.vigil.patroni.PyJson;
import java.time.OffsetDateTime;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bodies compared with docs/patroni-formats.md (4.x spelling: role primary, patroni.name, replication_state). */
class StatusJsonTest {

  static String body(NodeStatus s) {
    return PyJson.dumps(StatusJson.body(NodeView.of(s, new Fixtures.TestClock()), "4.0.4"));
  }

  @Test
  void replicaBodyMatchesPatroni() {
    assertEquals("{\"state\": \"running\", \"postmaster_start_time\": \"2026-11-21 04:58:17.260036+00:00\", "
        + "\"role\": \"replica\", \"server_version\": 150018, \"xlog\": {\"received_location\": 67373608, "
        + "\"replayed_location\": 67373608, \"replayed_timestamp\": \"2026-11-21 04:58:15.402969+00:00\", "
        + "\"paused\": false}, \"timeline\": 4, \"replication_state\": \"streaming\", \"dcs_last_seen\": 1795237121, "
        + "\"database_system_identifier\": \"7710484112634925804\", "
        + "\"patroni\": {\"version\": \"4.0.4\", \"scope\": \"anchor\", \"name\": \"pg1\"}}", body(Fixtures.replica()));
  }

  @Test
  void leaderBodyMatchesPatroni() {
    assertEquals("{\"state\": \"running\", \"postmaster_start_time\": \"2026-11-21 04:57:35.899984+00:00\", "
        + "\"role\": \"primary\", \"server_version\": 150018, \"xlog\": {\"location\": 67373608}, \"timeline\": 4, "
        + "\"replication\": [{\"usename\": \"replicator\", \"application_name\": \"pg2\", \"client_addr\": "
        + "\"127.0.0.1\", \"state\": \"streaming\", \"sync_state\": \"async\", \"sync_priority\": 0}, "
        + "{\"usename\": \"replicator\", \"application_name\": \"pg1\", \"client_addr\": \"127.0.0.1\", "
        + "\"state\": \"streaming\", \"sync_state\": \"async\", \"sync_priority\": 0}], \"dcs_last_seen\": 1795237121, "
        + "\"database_system_identifier\": \"7710484112634925804\", "
        + "\"patroni\": {\"version\": \"4.0.4\", \"scope\": \"anchor\", \"name\": \"pg3\"}}", body(Fixtures.leader()));
  }

  @Test
  void syncStandbyIsMarkedBeforeTheTimeline() {
    String b = body(Fixtures.syncStandby());
    assertEquals(true, b.contains("\"paused\": false}, \"sync_standby\": true, \"timeline\": 4"), b);
  }

  @Test
  void stoppedPostgresGivesStateAndRoleOnly() {
    assertEquals("{\"state\": \"stopped\", \"role\": \"replica\", \"dcs_last_seen\": 1795237121, "
        + "\"database_system_identifier\": \"7710484112634925804\", "
        + "\"patroni\": {\"version\": \"4.0.4\", \"scope\": \"anchor\", \"name\": \"pg1\"}}",
        body(Fixtures.stoppedReplica()));
  }

  @Test
  void postgresBelievedRunningButUnreachableIsUnknown() {
    var pg = Fixtures.replicaPg();
    var notRunning = new io.vigil.postgres.PostgresState("running", pg.role(), false, false, true, pg.systemId(),
        4, null, null, null, null, null, false, null, null, null, null, null, false, null, 0);
    String b = body(Fixtures.withPostgres(Fixtures.replica(), notRunning));
    assertEquals(true, b.startsWith("{\"state\": \"unknown\", \"role\": \"replica\", \"dcs_last_seen\""), b);
  }

  /**
   * A frozen agent's first answers after the thaw: the status is older than ttl, the postmaster may have been killed
   * by the watchdog meanwhile, so the body is Patroni's answer to a failed query, not a running primary on its old
   * timeline. At exactly ttl the status still counts.
   */
  @Test
  void statusOlderThanTtlIsNotPresentedAsRunning() {
    NodeStatus leader = Fixtures.leader();
    NodeStatus atTtl = Fixtures.withLastCycle(leader, Fixtures.MONO - leader.ttl() * 1000L);
    assertEquals(true, body(atTtl).startsWith("{\"state\": \"running\""), body(atTtl));
    NodeStatus outdated = Fixtures.withLastCycle(leader, Fixtures.MONO - leader.ttl() * 1000L - 1);
    assertEquals("{\"state\": \"unknown\", \"role\": \"primary\", \"dcs_last_seen\": 1795237121, "
        + "\"database_system_identifier\": \"7710484112634925804\", "
        + "\"patroni\": {\"version\": \"4.0.4\", \"scope\": \"anchor\", \"name\": \"pg3\"}}", body(outdated));
    NodeStatus stoppedLongAgo = Fixtures.withLastCycle(Fixtures.stoppedReplica(), Fixtures.MONO - 60_000);
    assertEquals(true, body(stoppedLongAgo).startsWith("{\"state\": \"unknown\", \"role\": \"replica\""),
        body(stoppedLongAgo));
  }

  @Test
  void pausedUnlockedTaggedPendingAndScheduledAreShown() {
    NodeStatus paused = Fixtures.withDcsLastSeen(Fixtures.pausedLeader(), Fixtures.NOW_EPOCH - 100);
    NodeStatus s = Fixtures.withTags(paused, Map.of("nofailover", true));
    s = new NodeStatus(s.scope(), s.name(), s.role(), s.message(), s.postgres(), s.cluster(), s.tags(), s.paused(),
        true, true, s.dcsLastSeenEpochSeconds(), s.lastCycleMonotonicMillis(), s.ttl(), null,
        Map.of("schedule", OffsetDateTime.parse("2026-11-21T06:00:00+00:00"), "postmaster_start_time", "x"), true);
    String b = body(s);
    assertEquals(true, b.contains("\"pause\": true, \"cluster_unlocked\": true, \"failsafe_mode_is_active\": true, "
        + "\"dcs_last_seen\": 1795237024, \"tags\": {\"nofailover\": true}"), b);
    assertEquals(true, b.endsWith("\"scheduled_restart\": {\"schedule\": \"2026-11-21T06:00:00+00:00\"}, "
        + "\"watchdog_failed\": true}"), b);
  }
}
