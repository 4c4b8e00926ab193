package io.vigil.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.postgres.PostgresRole;
import io.vigil.postgres.PostgresState;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@code members/<name>} JSON, compared as JSON with what Patroni's touch_member writes ({@code patroni/ha.py},
 * {@code Ha.touch_member}): numbers stay numbers, absent fields are absent, not null.
 */
class MemberDataTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CONN = "postgres://127.0.0.1:5432/postgres";
  private static final String API = "http://127.0.0.1:8008/patroni";
  private static final String V = MemberData.PATRONI_VERSION;
  private static final String BASE = "\"conn_url\":\"" + CONN + "\",\"api_url\":\"" + API + "\"";

  private static PostgresState primary(long flush, int timeline) {
    return pg("running", PostgresRole.PRIMARY, true, false, timeline, flush, null, null, null, false, null);
  }

  private static PostgresState replica(long receive, long replay, String replicationState) {
    return pg("running", PostgresRole.REPLICA, true, true, 4, Math.max(receive, replay), receive, replay,
        replicationState, false, null);
  }

  private static PostgresState pg(String state, PostgresRole role, boolean running, boolean inRecovery,
      Integer timeline, Long wal, Long receive, Long replay, String replicationState, boolean pendingRestart,
      Map<String, Map<String, Object>> reason) {
    return new PostgresState(state, role, false, running, inRecovery, "7710484112634925804", timeline, wal, receive,
        replay, null, null, false, replicationState, List.of(), null, 150004, "2026-11-21 04:56:50+00",
        pendingRestart, reason, 0);
  }

  /** Everything MemberData.build takes, with a primary's defaults; rows change what they are about. */
  private record In(String proxyUrl, String state, String role, PostgresState pg, Map<String, Object> tags,
      boolean checkpointAfterPromote, boolean paused, Map<String, Object> scheduledRestart) {
    static In primaryRunning() {
      return new In(null, "running", "primary", primary(67373552, 4), Map.of(), true, false, null);
    }

    In withState(String s, String r, PostgresState p) {
      return new In(proxyUrl, s, r, p, tags, checkpointAfterPromote, paused, scheduledRestart);
    }

    In withTags(Map<String, Object> t) {
      return new In(proxyUrl, state, role, pg, t, checkpointAfterPromote, paused, scheduledRestart);
    }

    In withProxy(String p) {
      return new In(p, state, role, pg, tags, checkpointAfterPromote, paused, scheduledRestart);
    }

    In checkpointPending() {
      return new In(proxyUrl, state, role, pg, tags, false, paused, scheduledRestart);
    }

    In whilePaused() {
      return new In(proxyUrl, state, role, pg, tags, checkpointAfterPromote, true, scheduledRestart);
    }

    In withSchedule(Map<String, Object> s) {
      return new In(proxyUrl, state, role, pg, tags, checkpointAfterPromote, paused, s);
    }

    Map<String, Object> build() {
      return MemberData.build(CONN, proxyUrl, API, state, role, pg, tags, checkpointAfterPromote, paused,
          scheduledRestart);
    }
  }

  static Stream<Arguments> rows() {
    Map<String, Object> schedule = new LinkedHashMap<>();
    schedule.put("schedule", "2026-11-21T06:00:00+00:00");
    schedule.put("postmaster_start_time", "2026-11-21 04:56:50+00");
    schedule.put("role", "primary");
    Map<String, Map<String, Object>> reason = Map.of("max_connections",
        Map.of("old_value", "100", "new_value", "200"));
    return Stream.of(
        row("running primary (the captured pg3 key, Patroni 4 role name)", In.primaryRunning(),
            "{" + BASE + ",\"state\":\"running\",\"role\":\"primary\",\"version\":\"" + V + "\","
                + "\"xlog_location\":67373552,\"timeline\":4}"),
        row("streaming replica: the larger of receive and replay, plus both and the replication state",
            In.primaryRunning().withState("running", "replica", replica(67373552, 67373000, "streaming")),
            "{" + BASE + ",\"state\":\"running\",\"role\":\"replica\",\"version\":\"" + V + "\","
                + "\"xlog_location\":67373552,\"replay_lsn\":67373000,\"receive_lsn\":67373552,"
                + "\"replication_state\":\"streaming\",\"timeline\":4}"),
        row("replica replaying from the archive: no receive_lsn",
            In.primaryRunning().withState("running", "replica", pg("running", PostgresRole.REPLICA, true, true, 4,
                500L, null, 500L, "in archive recovery", false, null)),
            "{" + BASE + ",\"state\":\"running\",\"role\":\"replica\",\"version\":\"" + V + "\","
                + "\"xlog_location\":500,\"replay_lsn\":500,\"replication_state\":\"in archive recovery\","
                + "\"timeline\":4}"),
        row("stopped: no location and no timeline even though the last one is known",
            In.primaryRunning().withState("stopped", "demoted", pg("stopped", PostgresRole.DEMOTED, false, false, null,
                67373552L, null, null, null, false, null)),
            "{" + BASE + ",\"state\":\"stopped\",\"role\":\"demoted\",\"version\":\"" + V + "\"}"),
        row("starting and restarting carry the location",
            In.primaryRunning().withState("starting", "replica", pg("starting", PostgresRole.REPLICA, false, true, null,
                1000L, null, null, null, false, null)),
            "{" + BASE + ",\"state\":\"starting\",\"role\":\"replica\",\"version\":\"" + V + "\","
                + "\"xlog_location\":1000}"),
        row("crashed: no location",
            In.primaryRunning().withState("crashed", "primary", pg("crashed", PostgresRole.PRIMARY, false, false, null,
                1000L, null, null, null, false, null)),
            "{" + BASE + ",\"state\":\"crashed\",\"role\":\"primary\",\"version\":\"" + V + "\"}"),
        row("nothing observed yet", In.primaryRunning().withState("stopped", "uninitialized", null),
            "{" + BASE + ",\"state\":\"stopped\",\"role\":\"uninitialized\",\"version\":\"" + V + "\"}"),
        row("paused", In.primaryRunning().whilePaused(),
            "{" + BASE + ",\"state\":\"running\",\"role\":\"primary\",\"version\":\"" + V + "\","
                + "\"xlog_location\":67373552,\"timeline\":4,\"pause\":true}"),
        row("scheduled restart", In.primaryRunning().withSchedule(schedule),
            "{" + BASE + ",\"state\":\"running\",\"role\":\"primary\",\"version\":\"" + V + "\","
                + "\"xlog_location\":67373552,\"timeline\":4,\"scheduled_restart\":{"
                + "\"schedule\":\"2026-11-21T06:00:00+00:00\",\"postmaster_start_time\":\"2026-11-21 04:56:50+00\","
                + "\"role\":\"primary\"}}"),
        row("pending restart with its reason",
            In.primaryRunning().withState("running", "primary", pg("running", PostgresRole.PRIMARY, true, false, 4,
                10L, null, null, null, true, reason)),
            "{" + BASE + ",\"state\":\"running\",\"role\":\"primary\",\"version\":\"" + V + "\","
                + "\"pending_restart\":true,\"pending_restart_reason\":{\"max_connections\":"
                + "{\"old_value\":\"100\",\"new_value\":\"200\"}},\"xlog_location\":10,\"timeline\":4}"),
        row("pending restart without a known reason",
            In.primaryRunning().withState("running", "primary", pg("running", PostgresRole.PRIMARY, true, false, 4,
                10L, null, null, null, true, Map.of())),
            "{" + BASE + ",\"state\":\"running\",\"role\":\"primary\",\"version\":\"" + V + "\","
                + "\"pending_restart\":true,\"xlog_location\":10,\"timeline\":4}"),
        row("tags", In.primaryRunning().withTags(Map.of("nofailover", true, "clonefrom", false)),
            "{" + BASE + ",\"state\":\"running\",\"role\":\"primary\",\"version\":\"" + V + "\","
                + "\"tags\":{\"nofailover\":true,\"clonefrom\":false},\"xlog_location\":67373552,\"timeline\":4}"),
        row("proxy_url", In.primaryRunning().withProxy("postgres://10.0.0.9:6432/postgres"),
            "{" + BASE + ",\"state\":\"running\",\"role\":\"primary\",\"version\":\"" + V + "\","
                + "\"proxy_url\":\"postgres://10.0.0.9:6432/postgres\",\"xlog_location\":67373552,\"timeline\":4}"),
        row("fresh primary before its post-promote CHECKPOINT",
            In.primaryRunning().withState("running", "promoted", primary(2000, 5)).checkpointPending(),
            "{" + BASE + ",\"state\":\"running\",\"role\":\"promoted\",\"version\":\"" + V + "\","
                + "\"checkpoint_after_promote\":false,\"xlog_location\":2000,\"timeline\":5}"));
  }

  private static Arguments row(String name, In in, String patroniJson) {
    return Arguments.of(name, in, patroniJson);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void writesWhatPatroniWrites(String name, In in, String patroniJson) throws Exception {
    JsonNode expected = JSON.readTree(patroniJson);
    JsonNode actual = JSON.readTree(JSON.writeValueAsString(in.build()));
    assertEquals(expected, actual, name);
  }

  @Test
  void theFirstFiveFieldsComeFirstInPatronisOrder() {
    List<String> keys = List.copyOf(In.primaryRunning().whilePaused().build().keySet());
    assertEquals(List.of("conn_url", "api_url", "state", "role", "version"), keys.subList(0, 5));
  }

  @Test
  void theVersionIsAPatroni4VersionSinceTheRoleIsWrittenAsPrimary() {
    // patronictl and Patroni 3 read "master"; a member writing "primary" must claim 4.x so that readers that
    // gate on the version expect the new name
    assertTrue(V.matches("[4-9]\\.\\d+\\.\\d+"), V);
  }
}
