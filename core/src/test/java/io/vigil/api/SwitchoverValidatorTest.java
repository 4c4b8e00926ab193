package io.vigil.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.cluster.Cluster;
import io.vigil.cluster.Failover;
import io.vigil.cluster.Member;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SwitchoverValidatorTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @SuppressWarnings("unchecked")
  static SwitchoverValidator.Outcome validate(String action, String body, Cluster cluster) throws Exception {
    return SwitchoverValidator.validate(action, JSON.readValue(body, Map.class), cluster, Fixtures.NOW);
  }

  static Stream<Arguments> refusals() {
    Cluster async = Fixtures.cluster(false, false);
    Cluster paused = Fixtures.cluster(false, true);
    Cluster sync = Fixtures.cluster(true, false);
    Cluster alone = new Cluster(async.initialize(), async.config(), async.leader(), async.status(),
        List.of(async.leader().member()), null, null, async.history(), null);
    Object[][] rows = {
      {"failover", "{\"leader\": \"pg3\"}", async, 400, "Failover could be performed only to a specific candidate"},
      {"switchover", "{\"candidate\": \"pg1\"}", async, 400, "Switchover could be performed only from a specific leader"},
      {"switchover", "{\"leader\": \"\"}", async, 400, "Switchover could be performed only from a specific leader"},
      {"failover", "{\"candidate\": \"pg1\", \"scheduled_at\": \"2026-11-21T06:00:00+00:00\"}", async, 400,
          "Failover can't be scheduled"},
      {"switchover", "{\"leader\": \"pg3\", \"scheduled_at\": \"2026-11-21T06:00:00+00:00\"}", paused, 400,
          "Can't schedule switchover in the paused state"},
      {"switchover", "{\"leader\": \"pg3\", \"scheduled_at\": \"2026-11-21T06:00:00\"}", async, 400,
          "Timezone information is mandatory for the scheduled switchover"},
      {"switchover", "{\"leader\": \"pg3\", \"scheduled_at\": \"2026-11-21T04:00:00+00:00\"}", async, 422,
          "Cannot schedule switchover in the past"},
      {"switchover", "{\"leader\": \"pg3\", \"scheduled_at\": \"tomorrow-ish\"}", async, 422,
          "Unable to parse scheduled timestamp. It should be in an unambiguous format, e.g. ISO 8601"},
      {"switchover", "{\"leader\": \"pg3\"}", paused, 400,
          "Switchover is possible only to a specific candidate in a paused state"},
      {"switchover", "{\"leader\": \"pg3\", \"candidate\": \"pg3\"}", async, 400,
          "Switchover target and source are the same"},
      {"failover", "{\"leader\": \"pg3\", \"member\": \"pg3\"}", async, 400, "Switchover target and source are the same"},
      {"switchover", "{\"leader\": \"pg2\", \"candidate\": \"pg1\"}", async, 412, "leader name does not match"},
      {"switchover", "{\"leader\": \"pg3\", \"candidate\": \"pg2\"}", sync, 412,
          "candidate name does not match with sync_standby"},
      {"switchover", "{\"leader\": \"pg3\", \"candidate\": \"pg9\"}", async, 412, "candidate does not exists"},
      {"failover", "{\"candidate\": \"pg9\"}", async, 412, "candidate does not exists"},
      {"switchover", "{\"leader\": \"pg3\"}", alone, 412,
          "switchover is not possible: cluster does not have members except leader"},
      {"switchover", "{\"leader\": \"pg3\"}", new Cluster(sync.initialize(), sync.config(), sync.leader(),
          sync.status(), sync.members(), null, new io.vigil.cluster.SyncState(3, "pg3", List.of(), null),
          sync.history(), null), 412, "switchover is not possible: can not find sync_standby"},
    };
    return Stream.of(rows).map(r -> Arguments.of(r[0], r[1], r[2], r[3], r[4]));
  }

  @ParameterizedTest(name = "{0} {1} -> {3} {4}")
  @MethodSource("refusals")
  void refusesWithPatronisAnswer(String action, String body, Cluster cluster, int code, String text)
      throws Exception {
    var outcome = assertInstanceOf(SwitchoverValidator.Rejected.class, validate(action, body, cluster));
    assertEquals(new ApiAnswer(code, text), outcome.answer());
  }

  @Test
  void switchoverWithoutCandidateAsksEveryOtherMember() throws Exception {
    var ok = assertInstanceOf(SwitchoverValidator.Accepted.class,
        validate("switchover", "{\"leader\": \"pg3\"}", Fixtures.cluster(false, false)));
    assertEquals(List.of("pg1", "pg2"), ok.candidates().stream().map(Member::name).toList());
    assertEquals(new Failover(0, "pg3", null, null), ok.failover());
    assertEquals("pg3", ok.currentLeader());
  }

  @Test
  void syncSwitchoverAsksOnlyTheSyncStandby() throws Exception {
    var ok = assertInstanceOf(SwitchoverValidator.Accepted.class,
        validate("switchover", "{\"leader\": \"pg3\"}", Fixtures.cluster(true, false)));
    assertEquals(List.of("pg1"), ok.candidates().stream().map(Member::name).toList());
  }

  @Test
  void failoverNamingALeaderBecomesASwitchover() throws Exception {
    var ok = assertInstanceOf(SwitchoverValidator.Accepted.class,
        validate("failover", "{\"leader\": \"pg3\", \"candidate\": \"pg2\"}", Fixtures.cluster(false, false)));
    assertEquals("switchover", ok.action());
    assertEquals(new Failover(0, "pg3", "pg2", null), ok.failover());
  }

  @Test
  void pausedFailoverToACandidateIsAllowed() throws Exception {
    var ok = assertInstanceOf(SwitchoverValidator.Accepted.class,
        validate("failover", "{\"candidate\": \"pg1\"}", Fixtures.cluster(false, true)));
    assertEquals("failover", ok.action());
    assertEquals(List.of("pg1"), ok.candidates().stream().map(Member::name).toList());
  }

  @Test
  void scheduledSwitchoverIsWrittenWithoutAskingMembers() throws Exception {
    var ok = assertInstanceOf(SwitchoverValidator.Accepted.class, validate("switchover",
        "{\"leader\": \"pg3\", \"member\": \"pg1\", \"scheduled_at\": \"2026-11-21T07:00:00+02:00\"}",
        Fixtures.cluster(false, false)));
    assertEquals(true, ok.scheduled());
    assertEquals(List.of(), ok.candidates());
    assertEquals(OffsetDateTime.parse("2026-11-21T07:00:00+02:00"), ok.failover().scheduledAt());
  }

  @Test
  void candidateLimitationsAsPatroniJudgesThem() {
    assertEquals("not reachable", SwitchoverValidator.limitation(null));
    assertNull(SwitchoverValidator.limitation(Map.of("state", "running")));
    assertEquals("not allowed to promote", SwitchoverValidator.limitation(Map.of("tags", Map.of("nofailover", true))));
    assertEquals("not allowed to promote",
        SwitchoverValidator.limitation(Map.of("tags", Map.of("failover_priority", 0))));
    assertEquals("not watchdog capable", SwitchoverValidator.limitation(Map.of("watchdog_failed", true)));
  }

  @Test
  void pollingReportsTheNewLeaderOrTheFailure() {
    Cluster before = Fixtures.withFailover(Fixtures.cluster(false, false), new Failover(4, "pg3", "pg1", null));
    assertNull(SwitchoverValidator.pollResult(before, "pg3", "pg1", "switchover"));
    assertEquals(new ApiAnswer(200, "Successfully switched over to \"pg1\""),
        SwitchoverValidator.pollResult(Fixtures.cluster(false, false, "pg1"), "pg3", "pg1", "switchover"));
    assertEquals(new ApiAnswer(200, "Successfully failed over to \"pg1\""),
        SwitchoverValidator.pollResult(Fixtures.cluster(false, false, "pg1"), "pg3", null, "failover"));
    assertEquals(new ApiAnswer(200, "Switched over to \"pg2\" instead of \"pg1\""),
        SwitchoverValidator.pollResult(Fixtures.cluster(false, false, "pg2"), "pg3", "pg1", "switchover"));
    assertEquals(new ApiAnswer(503, "Switchover failed"),
        SwitchoverValidator.pollResult(Fixtures.cluster(false, false), "pg3", "pg1", "switchover"));
    assertEquals(20, SwitchoverValidator.pollAttempts(Fixtures.cluster(false, false)));
    assertEquals(new ApiAnswer(503, "Switchover status unknown after 20 seconds; operation may still be in progress"),
        SwitchoverValidator.unknownAfter("switchover", 20));
  }
}
