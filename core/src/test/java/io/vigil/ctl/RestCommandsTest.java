package io.vigil.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.cluster.Cluster;
import io.vigil.cluster.ClusterConfig;
import io.vigil.cluster.Failover;
import io.vigil.cluster.Leader;
import io.vigil.cluster.Member;
import io.vigil.cluster.Status;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Commands that act through members' REST APIs, against a recording HTTP peer that answers like Patroni: the
 * requests vigilctl builds (method, path, JSON body, Basic auth) and how it reports each answer.
 */
class RestCommandsTest {
  private static final Map<String, String> ENV = Map.of("PATRONI_SCOPE", "anchor", "PATRONI_CTL_USERNAME", "admin",
      "PATRONI_CTL_PASSWORD", "s3cret");
  private FakePatroniApi api;
  private InMemoryDcs dcs;

  @BeforeEach
  void start() throws Exception {
    api = new FakePatroniApi("pg1", "pg2", "pg3");
    dcs = new InMemoryDcs(cluster(Map.of(), null));
  }

  @AfterEach
  void stop() throws Exception {
    api.close();
  }

  private Cluster cluster(Map<String, Object> pg1Extra, Failover failover) {
    Object[] extra = pg1Extra.entrySet().stream().flatMap(e -> java.util.stream.Stream.of(e.getKey(), e.getValue()))
        .toArray();
    Object[] pg1Data = new Object[extra.length + 6];
    System.arraycopy(new Object[] {"replication_state", "streaming", "receive_lsn", CtlFixtures.OPTIME,
        "replay_lsn", CtlFixtures.OPTIME}, 0, pg1Data, 0, 6);
    System.arraycopy(extra, 0, pg1Data, 6, extra.length);
    Member pg1 = CtlFixtures.member("pg1", 5432, api.port("pg1"), pg1Data);
    Member pg2 = CtlFixtures.member("pg2", 5433, api.port("pg2"), "replication_state", "streaming",
        "receive_lsn", CtlFixtures.OPTIME, "replay_lsn", CtlFixtures.OPTIME, "tags", Map.of("nofailover", true));
    Member pg3 = CtlFixtures.member("pg3", 5434, api.port("pg3"), "role", "primary");
    return new Cluster("7710484112634925804", new ClusterConfig(11, CtlFixtures.sampleConfig()),
        new Leader(5, "lease", pg3), new Status(CtlFixtures.OPTIME, null, null), List.of(pg1, pg2, pg3), failover,
        null, null, null);
  }

  private CtlRun ctl(String... args) {
    return CtlRun.run(dcs, null, ENV, args);
  }

  @Test
  void switchoverPostsToTheLeaderWithBasicAuthAndPrintsTheAnswer() {
    api.answer("pg3", "POST", "/switchover", 200, "Successfully switched over to \"pg1\"");
    CtlRun r = ctl("switchover", "--candidate", "pg1", "--force");
    assertEquals(0, r.code(), r.err());
    List<FakePatroniApi.Request> reqs = api.requests("POST", "/switchover");
    assertEquals(1, reqs.size());
    assertEquals("pg3", reqs.get(0).member());
    assertEquals("{\"candidate\": \"pg1\", \"leader\": \"pg3\"}", reqs.get(0).body());
    assertEquals("Basic " + Base64.getEncoder().encodeToString("admin:s3cret".getBytes(StandardCharsets.UTF_8)),
        reqs.get(0).authorization());
    assertTrue(r.out().matches("(?s)Current cluster topology\n\\+ Cluster: anchor.*\n"
        + "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{5} Successfully switched over to \"pg1\"\n\\+ Cluster: anchor.*"),
        r.out());
    assertTrue(dcs.writes.isEmpty(), "no DCS write when the API answered");
  }

  @Test
  void aRefusedSwitchoverPrintsTheAnswerAndFails() {
    api.answer("pg3", "POST", "/switchover", 412, "candidate does not exists");
    CtlRun r = ctl("switchover", "--candidate", "pg1", "--force");
    assertEquals(1, r.code());
    assertTrue(r.out().endsWith("Switchover failed, details: 412, candidate does not exists\n"), r.out());
  }

  @Test
  void scheduledSwitchoverSendsTheTimeWithOffset() {
    api.answer("pg3", "POST", "/switchover", 202, "Switchover scheduled");
    CtlRun r = ctl("switchover", "--candidate", "pg1", "--scheduled", "2030-01-01T10:00+01:00", "--force");
    assertEquals(0, r.code(), r.err());
    assertEquals("{\"candidate\": \"pg1\", \"leader\": \"pg3\", \"scheduled_at\": \"2030-01-01T10:00:00+01:00\"}",
        api.requests("POST", "/switchover").get(0).body());
  }

  @Test
  void nofailoverMembersAreNoCandidates() {
    CtlRun r = ctl("switchover", "--candidate", "pg2", "--force");
    assertEquals("Error: Member pg2 does not exist in cluster anchor or is tagged as nofailover\n", r.err());
  }

  @Test
  void failoverPostsTheCandidateOnly() {
    api.answer("pg3", "POST", "/failover", 200, "Successfully failed over to \"pg1\"");
    CtlRun r = ctl("failover", "--candidate", "pg1", "--force");
    assertEquals(0, r.code(), r.err());
    assertEquals("{\"candidate\": \"pg1\"}", api.requests("POST", "/failover").get(0).body());
  }

  @Test
  void restartOfOneMemberNowAndScheduled() {
    api.answer("pg1", "POST", "/restart", 200, "restarted successfully");
    CtlRun r = ctl("restart", "anchor", "pg1", "--force");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().endsWith("Success: restart on member pg1\n"), r.out());
    assertEquals("{}", api.requests("POST", "/restart").get(0).body());

    api.answer("pg1", "POST", "/restart", 202, "Restart scheduled");
    CtlRun s = ctl("restart", "anchor", "pg1", "--scheduled", "2030-01-01T10:00:00+00:00", "--pg-version", "15.20",
        "--timeout", "60", "--force");
    assertEquals(0, s.code(), s.err());
    assertTrue(s.out().endsWith("Success: restart scheduled on member pg1\n"), s.out());
    assertEquals("{\"postgres_version\": \"15.20\", \"schedule\": \"2030-01-01T10:00:00+00:00\", \"timeout\": \"60\"}",
        api.requests("POST", "/restart").get(1).body());
  }

  @Test
  void restartReportsAnotherScheduledRestartAndOtherFailures() {
    api.answer("pg1", "POST", "/restart", 409, "Another restart is already scheduled");
    api.answer("pg2", "POST", "/restart", 503, "restart failed");
    api.answer("pg3", "POST", "/restart", 200, "restarted successfully");
    CtlRun r = ctl("restart", "anchor", "--force");
    assertEquals(1, r.code());
    assertTrue(r.out().contains("Failed: another restart is already scheduled on member pg1\n"), r.out());
    assertTrue(r.out().contains("Failed: restart for member pg2, status code=503, (restart failed)\n"), r.out());
    assertTrue(r.out().contains("Success: restart on member pg3\n"), r.out());
  }

  @Test
  void restartPendingKeepsOnlyMembersThatNeedIt() {
    dcs = new InMemoryDcs(cluster(Map.of("pending_restart", true), null));
    api.answer("*", "POST", "/restart", 200, "restarted successfully");
    CtlRun r = ctl("restart", "anchor", "--pending", "--force");
    assertEquals(0, r.code(), r.err());
    List<FakePatroniApi.Request> reqs = api.requests("POST", "/restart");
    assertEquals(1, reqs.size());
    assertEquals("pg1", reqs.get(0).member());
    assertEquals("{\"restart_pending\": true}", reqs.get(0).body());
  }

  @Test
  void restartAsksItsQuestionsInPatronictlOrder() {
    api.answer("*", "POST", "/restart", 200, "restarted successfully");
    CtlRun r = CtlRun.run(dcs, "\ny\n\n", ENV, "restart", "anchor", "pg1");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("When should the restart take place (e.g. "), r.out());
    assertTrue(r.out().contains(")  [now]: Are you sure you want to restart members pg1? [y/N]: Restart if the"
        + " PostgreSQL version is less than provided (e.g. 9.5.2)  []: Success: restart on member pg1\n"), r.out());
  }

  @Test
  void reloadTellsWhenTheChangeWillBeApplied() {
    api.answer("pg1", "POST", "/reload", 202, "reload scheduled");
    api.answer("pg3", "POST", "/reload", 200, "");
    CtlRun r = ctl("reload", "anchor", "pg1", "pg3", "--force");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("Reload request received for member pg1 and will be processed within 10 seconds\n"),
        r.out());
    assertTrue(r.out().contains("No changes to apply on member pg3\n"), r.out());
  }

  @Test
  void reinitPostsForceAndFromLeader() {
    api.answer("pg1", "POST", "/reinitialize", 200, "reinitialize started");
    CtlRun r = ctl("reinit", "anchor", "pg1", "--force", "--from-leader");
    assertEquals(0, r.code(), r.err());
    assertEquals("{\"force\": true, \"from_leader\": true}", api.requests("POST", "/reinitialize").get(0).body());
    assertTrue(r.out().endsWith("Success: reinitialize for member pg1\n"), r.out());
  }

  @Test
  void reinitOffersToCancelARunningTask() {
    api.answer("pg1", "POST", "/reinitialize", 503, "reinitialize already in progress");
    CtlRun r = CtlRun.run(dcs, "y\ny\nn\n", ENV, "reinit", "anchor", "pg1");
    assertEquals(1, r.code());
    List<FakePatroniApi.Request> reqs = api.requests("POST", "/reinitialize");
    assertEquals(2, reqs.size());
    assertEquals("{\"force\": false, \"from_leader\": false}", reqs.get(0).body());
    assertEquals("{\"force\": true, \"from_leader\": false}", reqs.get(1).body());
    assertTrue(r.out().contains("Failed: reinitialize for member pg1, status code=503, (reinitialize already in"
        + " progress)\nDo you want to cancel it and reinitialize anyway? [y/N]: "), r.out());
  }

  @Test
  void reinitRefusesTheLeader() {
    CtlRun r = ctl("reinit", "anchor", "pg3", "--force");
    assertEquals("Error: No replica among provided members\n", r.err());
  }

  @Test
  void pauseAndResumePatchTheConfigOnTheLeaderFirst() {
    api.answer("pg3", "PATCH", "/config", 200, "{}");
    CtlRun p = ctl("pause");
    assertEquals(0, p.code(), p.err());
    assertEquals("Success: cluster management is paused\n", p.out());
    assertEquals("{\"pause\": true}", api.requests("PATCH", "/config").get(0).body());
    assertEquals("pg3", api.requests("PATCH", "/config").get(0).member());

    Map<String, Object> paused = CtlFixtures.sampleConfig();
    paused.put("pause", true);
    Cluster c = dcs.cluster;
    dcs = new InMemoryDcs(new Cluster(c.initialize(), new ClusterConfig(12, paused), c.leader(), c.status(),
        c.members(), null, null, null, null));
    CtlRun r = ctl("resume");
    assertEquals(0, r.code(), r.err());
    assertEquals("Success: cluster management is resumed\n", r.out());
    assertEquals("{\"pause\": null}", api.requests("PATCH", "/config").get(1).body());
  }

  @Test
  void pauseReportsARefusal() {
    api.answer("pg3", "PATCH", "/config", 401, "not authenticated");
    CtlRun p = ctl("pause");
    assertEquals(1, p.code());
    assertEquals("Failed: pause cluster management status code=401, (not authenticated)\n", p.out());
  }

  @Test
  void flushSwitchoverDeletesItThroughTheApi() {
    dcs = new InMemoryDcs(cluster(Map.of(), new Failover(4, "pg3", "pg1", OffsetDateTime.parse("2030-01-01T10:00Z"))));
    api.answer("pg3", "DELETE", "/switchover", 200, "scheduled switchover deleted");
    CtlRun r = ctl("flush", "anchor", "switchover");
    assertEquals(0, r.code(), r.err());
    assertEquals("Success: scheduled switchover deleted\n", r.out());
    assertTrue(dcs.writes.isEmpty());
  }

  @Test
  void flushSwitchoverClearsTheKeyWhenNoMemberAnswers() throws Exception {
    dcs = new InMemoryDcs(cluster(Map.of(), new Failover(4, "pg3", "pg1", OffsetDateTime.parse("2030-01-01T10:00Z"))));
    api.close();
    CtlRun r = ctl("flush", "anchor", "switchover");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().endsWith(" Could not find any accessible member of cluster anchor\n"), r.out());
    assertEquals(List.of("failover@4"), dcs.writes);
    assertEquals(null, dcs.writtenFailover);
  }

  @Test
  void flushRestartDeletesScheduledRestarts() {
    dcs = new InMemoryDcs(cluster(Map.of("scheduled_restart", Map.of("schedule", "2030-01-01T10:00:00+00:00")), null));
    api.answer("pg1", "DELETE", "/restart", 200, "");
    CtlRun r = ctl("flush", "anchor", "pg1", "pg2", "restart", "--force");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("Success: flush scheduled restart for member pg1\n"), r.out());
    assertTrue(r.out().contains("No scheduled restart for member pg2\n"), r.out());
  }

  @Test
  void versionAsksEveryMember() {
    api.answer("*", "GET", "/patroni", 200,
        "{\"state\": \"running\", \"server_version\": 150018, \"patroni\": {\"version\": \"4.0.4\", \"scope\": \"anchor\"}}");
    CtlRun r = ctl("version", "anchor", "pg1", "pg3");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().endsWith("\n\npg1: Patroni 4.0.4 PostgreSQL 15.18\npg3: Patroni 4.0.4 PostgreSQL 15.18\n"),
        r.out());
  }

  @Test
  void demoteClusterPatchesStandbyClusterAndWaitsForTheStandbyLeader() {
    api.answer("pg3", "PATCH", "/config", 200, "{}");
    api.onRequest = req -> {
      Cluster c = dcs.cluster;
      Member pg3 = c.member("pg3").orElseThrow();
      Map<String, Object> data = new java.util.LinkedHashMap<>(pg3.data());
      data.put("role", "standby_leader");
      Member demoted = new Member("pg3", 2, null, data);
      dcs.cluster = new Cluster(c.initialize(), c.config(), new Leader(6, "lease", demoted), c.status(),
          List.of(c.members().get(0), c.members().get(1), demoted), null, null, null, null);
    };
    CtlRun r = ctl("demote-cluster", "--host", "10.0.0.9", "--port", "5432", "--force");
    assertEquals(0, r.code(), r.err());
    assertEquals("{\"standby_cluster\": {\"host\": \"10.0.0.9\", \"port\": 5432}}",
        api.requests("PATCH", "/config").get(0).body());
    assertTrue(r.out().matches("(?s)Current cluster topology\n.*\\d\\d:\\d\\d:\\d\\d cluster is successfully demoted\n.*"),
        r.out());
    assertEquals("Error: Cluster is already in the required state\n", ctl("demote-cluster", "--host", "h", "--force").err());
    assertEquals("Error: At least --host, --port or --restore-command should be specified\n",
        ctl("demote-cluster", "--force").err());
  }

  @Test
  void promoteClusterRemovesStandbyClusterAndWaitsForThePrimary() {
    // a standby cluster: pg3 holds the key as standby_leader
    Cluster c = dcs.cluster;
    Member pg3 = c.member("pg3").orElseThrow();
    Map<String, Object> standby = new java.util.LinkedHashMap<>(pg3.data());
    standby.put("role", "standby_leader");
    Member standbyLeader = new Member("pg3", 2, null, standby);
    Map<String, Object> config = new java.util.LinkedHashMap<>(c.config().data());
    config.put("standby_cluster", Map.of("host", "10.0.0.9", "port", 5432));
    dcs.cluster = new Cluster(c.initialize(), new ClusterConfig(12, config), new Leader(5, "lease", standbyLeader),
        c.status(), List.of(c.members().get(0), c.members().get(1), standbyLeader), null, null, null, null);
    CtlRun aborted = CtlRun.run(dcs, "n\n", ENV, "promote-cluster");
    assertEquals("Error: Aborted cluster promotion\n", aborted.err());
    assertTrue(aborted.out().contains("Are you sure you want to promote anchor cluster? [y/N]: "), aborted.out());
    assertTrue(aborted.out().contains("| pg3    | 127.0.0.1:5434 | Standby Leader |"), aborted.out());
    assertTrue(api.requests("PATCH", "/config").isEmpty(), "nothing is written before the confirmation");

    api.answer("pg3", "PATCH", "/config", 200, "{}");
    api.onRequest = req -> {
      Cluster now = dcs.cluster;
      Map<String, Object> data = new java.util.LinkedHashMap<>(standbyLeader.data());
      data.put("role", "primary");
      Member promoted = new Member("pg3", 3, null, data);
      dcs.cluster = new Cluster(now.initialize(), now.config(), new Leader(6, "lease", promoted), now.status(),
          List.of(now.members().get(0), now.members().get(1), promoted), null, null, null, null);
    };
    CtlRun r = ctl("promote-cluster", "--force");
    assertEquals(0, r.code(), r.err());
    assertEquals("{\"standby_cluster\": null}", api.requests("PATCH", "/config").get(0).body());
    assertTrue(r.out().matches("(?s)Current cluster topology\n.*\\d\\d:\\d\\d:\\d\\d cluster is successfully promoted\n.*"),
        r.out());
    assertEquals("Error: Cluster is already in the required state\n", ctl("promote-cluster", "--force").err());
  }

  @Test
  void reinitWaitPollsUntilTheReplicaIsCreated() {
    api.answer("pg1", "POST", "/reinitialize", 200, "reinitialize started");
    api.answer("pg1", "GET", "/patroni", 200, "{\"state\": \"running\", \"role\": \"replica\"}");
    CtlRun r = ctl("reinit", "anchor", "pg1", "--force", "--wait");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().endsWith("Success: reinitialize for member pg1\nWaiting for reinitialize to complete on: pg1\n"
        + "Reinitialize is completed on: pg1\n"), r.out());
  }

  @Test
  void pauseWaitWatchesTheMemberKeys() {
    api.answer("pg3", "PATCH", "/config", 200, "{}");
    api.onRequest = req -> {
      Cluster c = dcs.cluster;
      List<Member> paused = c.members().stream().map(m -> {
        Map<String, Object> data = new java.util.LinkedHashMap<>(m.data());
        data.put("pause", true);
        return new Member(m.name(), m.version() + 1, null, data);
      }).toList();
      dcs.cluster = new Cluster(c.initialize(), c.config(), new Leader(5, "lease", paused.get(2)), c.status(), paused,
          null, null, null, null);
    };
    CtlRun r = ctl("pause", "--wait");
    assertEquals(0, r.code(), r.err());
    assertEquals("'pause' request sent, waiting until it is recognized by all nodes\n"
        + "Success: cluster management is paused\n", r.out());
  }
}
