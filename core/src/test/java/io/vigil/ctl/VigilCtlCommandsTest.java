package io.vigil.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Commands that only read or write the DCS, against a cluster held in memory; stdin is never a terminal. */
class VigilCtlCommandsTest {
  private static final Map<String, String> SCOPE = Map.of("PATRONI_SCOPE", "anchor");

  @Test
  void listPrintsTheMemberTableOfTheScope() {
    CtlRun r = CtlRun.run(new InMemoryDcs(CtlFixtures.anchorInSyncModePaused()), null, SCOPE, "list");
    assertEquals(0, r.code(), r.err());
    assertEquals(MemberTable.render(CtlFixtures.anchorInSyncModePaused(), "anchor", false, "pretty") + "\n", r.out());
    assertTrue(r.out().startsWith("+ Cluster: anchor (7710484112634925804) -+"), r.out());
  }

  @Test
  void listJsonRoundTripsTheMembers() {
    CtlRun r = CtlRun.run(new InMemoryDcs(CtlFixtures.anchor()), null, "list", "anchor", "-f", "json");
    assertEquals(0, r.code(), r.err());
    Object parsed = CtlText.loadYaml(r.out());
    assertTrue(parsed instanceof List<?>, r.out());
    List<?> rows = (List<?>) parsed;
    assertEquals(3, rows.size());
    assertEquals(Map.of("Cluster", "anchor", "Member", "pg3", "Host", "127.0.0.1:5434", "Role", "Leader",
        "State", "running", "TL", 4L), rows.get(2));
  }

  @Test
  void listWithoutClusterNameOrScopeOnlyWarns() {
    CtlRun r = CtlRun.run(new InMemoryDcs(CtlFixtures.anchor()), null, "list");
    assertEquals(0, r.code());
    assertEquals("", r.out());
    assertTrue(r.err().contains(" - WARNING - Listing members: No cluster names were provided"), r.err());
  }

  @Test
  void listRejectsAnUnknownFormatAsAUsageError() {
    CtlRun r = CtlRun.run(new InMemoryDcs(CtlFixtures.anchor()), null, "list", "anchor", "-f", "xml");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("Invalid value for '--format' / '-f': 'xml'"), r.err());
  }

  @Test
  void unknownOptionIsAUsageError() {
    CtlRun r = CtlRun.run(new InMemoryDcs(CtlFixtures.anchor()), null, "list", "--bogus");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("Unknown option: '--bogus'"), r.err());
  }

  @Test
  void unreachableDcsFailsWithOneLine() {
    InMemoryDcs dcs = new InMemoryDcs(CtlFixtures.anchor());
    dcs.down = true;
    CtlRun r = CtlRun.run(dcs, null, "list", "anchor");
    assertEquals(1, r.code());
    assertEquals("Error: could not read cluster anchor from the DCS: DCS is not reachable: connection refused to"
        + " 127.0.0.1:1\n", r.err());
    assertTrue(dcs.closed, "the DCS client is closed at the end");
  }

  @Test
  void showConfigPrintsSortedYamlAsPatronictl() {
    CtlRun r = CtlRun.run(new InMemoryDcs(CtlFixtures.anchor()), null, SCOPE, "show-config");
    assertEquals(0, r.code(), r.err());
    // rest-samples.txt: patronictl show-config, followed by click's blank line
    assertEquals("""
        loop_wait: 10
        maximum_lag_on_failover: 1048576
        postgresql:
          parameters:
            hot_standby: 'on'
            max_connections: 100
            max_replication_slots: 10
            max_wal_senders: 10
            wal_level: replica
            wal_log_hints: 'on'
          use_pg_rewind: true
          use_slots: true
        retry_timeout: 10
        synchronous_mode: false
        ttl: 30

        """, r.out());
  }

  @Test
  void historyPrintsTheSampleTable() {
    CtlRun r = CtlRun.run(new InMemoryDcs(CtlFixtures.anchor()), null, SCOPE, "history");
    assertEquals(0, r.code(), r.err());
    assertEquals("""
        +----+----------+------------------------------+----------------------------------+------------+
        | TL |      LSN | Reason                       | Timestamp                        | New Leader |
        +----+----------+------------------------------+----------------------------------+------------+
        |  1 | 67299200 | no recovery target specified | 2026-11-21T04:56:50.313697+00:00 | pg3        |
        |  2 | 67319168 | no recovery target specified | 2026-11-21T04:57:31.845697+00:00 | pg1        |
        |  3 | 67347608 | no recovery target specified | 2026-11-21T04:58:13.393697+00:00 | pg3        |
        +----+----------+------------------------------+----------------------------------+------------+
        """, r.out());
    CtlRun json = CtlRun.run(new InMemoryDcs(CtlFixtures.anchor()), null, SCOPE, "history", "-f", "json");
    assertTrue(json.out().startsWith("[{\"TL\": 1, \"LSN\": 67299200, \"Reason\": \"no recovery target specified\","
        + " \"Timestamp\": \"2026-11-21T04:56:50.313697+00:00\", \"New Leader\": \"pg3\"}"), json.out());
  }

  @Test
  void dsnPointsAtTheLeaderOrTheChosenMember() {
    InMemoryDcs dcs = new InMemoryDcs(CtlFixtures.anchor());
    assertEquals("host=127.0.0.1 port=5434\n", CtlRun.run(dcs, null, SCOPE, "dsn").out());
    assertEquals("host=127.0.0.1 port=5432\n", CtlRun.run(dcs, null, SCOPE, "dsn", "-r", "replica").out());
    assertEquals("host=127.0.0.1 port=5433\n", CtlRun.run(dcs, null, SCOPE, "dsn", "anchor", "-m", "pg2").out());
    CtlRun unknown = CtlRun.run(dcs, null, SCOPE, "dsn", "-m", "pg9");
    assertEquals(1, unknown.code());
    assertEquals("Error: Can not find a suitable member\n", unknown.err());
    CtlRun both = CtlRun.run(dcs, null, SCOPE, "dsn", "-m", "pg1", "-r", "replica");
    assertEquals("Error: --role and --member are mutually exclusive options\n", both.err());
  }

  @Test
  void editConfigSetWithForceWritesWithCasOnTheReadVersion() {
    InMemoryDcs dcs = new InMemoryDcs(CtlFixtures.anchor());
    CtlRun r = CtlRun.run(dcs, null, SCOPE, "edit-config", "-s", "ttl=20", "-p", "max_connections=200", "--force");
    assertEquals(0, r.code(), r.err());
    assertEquals(List.of("config@11"), dcs.writes);
    assertEquals(20L, dcs.cluster.config().data().get("ttl"));
    assertTrue(r.out().contains("--- \n+++ \n@@ "), r.out());
    assertTrue(r.out().contains("\n-ttl: 30\n+ttl: 20\n"), r.out());
    assertTrue(r.out().contains("\n-    max_connections: 100\n+    max_connections: 200\n"), r.out());
    assertTrue(r.out().endsWith("Configuration changed\n"), r.out());
  }

  @Test
  void editConfigReportsAConcurrentChange() {
    InMemoryDcs dcs = new InMemoryDcs(CtlFixtures.anchor()) {
      @Override
      public io.vertx.core.Future<Boolean> writeConfig(Map<String, Object> config, Long expectedVersion) {
        writes.add("config@" + expectedVersion);
        return io.vertx.core.Future.succeededFuture(false);
      }
    };
    CtlRun r = CtlRun.run(dcs, null, SCOPE, "edit-config", "-s", "ttl=20", "--force", "-q");
    assertEquals(1, r.code());
    assertEquals("", r.out());
    assertEquals("Error: Config modification aborted due to concurrent changes\n", r.err());
  }

  @Test
  void editConfigAsksAndTakesTheAnswerFromStdin() {
    InMemoryDcs yes = new InMemoryDcs(CtlFixtures.anchor());
    CtlRun r = CtlRun.run(yes, "y\n", SCOPE, "edit-config", "-s", "loop_wait=5", "-q");
    assertEquals(0, r.code(), r.err());
    assertEquals("Apply these changes? [y/N]: Configuration changed\n", r.out());
    assertEquals(5L, yes.cluster.config().data().get("loop_wait"));

    InMemoryDcs no = new InMemoryDcs(CtlFixtures.anchor());
    CtlRun r2 = CtlRun.run(no, "n\n", SCOPE, "edit-config", "-s", "loop_wait=5", "-q");
    assertEquals(0, r2.code());
    assertTrue(no.writes.isEmpty());
  }

  @Test
  void aPromptFailsAtOnceWhenStdinIsClosed() {
    InMemoryDcs dcs = new InMemoryDcs(CtlFixtures.anchor());
    long started = System.nanoTime();
    CtlRun r = CtlRun.run(dcs, "", SCOPE, "edit-config", "-s", "loop_wait=5", "-q");
    assertTrue(System.nanoTime() - started < 3_000_000_000L, "no waiting on a closed stdin");
    assertEquals(1, r.code());
    assertEquals("Error: no answer to \"Apply these changes?\": stdin is not a terminal and has no more input"
        + " (pipe the answers in or use --force)\n", r.err());
    assertTrue(dcs.writes.isEmpty());
  }

  @Test
  void aPromptOnASilentPipeTimesOutInsteadOfHanging() throws Exception {
    InMemoryDcs dcs = new InMemoryDcs(CtlFixtures.anchor());
    try (PipedOutputStream writer = new PipedOutputStream(); InputStream silent = new PipedInputStream(writer)) {
      CtlRun r = CtlRun.runWithStdin(dcs, silent, Map.of("PATRONI_SCOPE", "anchor", "VIGILCTL_STDIN_TIMEOUT", "1"),
          "edit-config", "-s", "loop_wait=5", "-q");
      assertEquals(1, r.code());
      assertTrue(r.err().startsWith("Error: no answer on stdin within 1s to \"Apply these changes?\""), r.err());
    }
  }

  @Test
  void editConfigFromStdinNeedsForce() {
    InMemoryDcs dcs = new InMemoryDcs(CtlFixtures.anchor());
    CtlRun r = CtlRun.run(dcs, "ttl: 25\npostgresql:\n  parameters:\n    work_mem: 8MB\n", SCOPE,
        "edit-config", "--apply", "-");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("+    work_mem: 8MB\n"), r.out());
    assertTrue(r.out().endsWith("Use --force option to apply changes\n"), r.out());
    assertTrue(dcs.writes.isEmpty());

    CtlRun forced = CtlRun.run(dcs, "ttl: 25\n", SCOPE, "edit-config", "--apply", "-", "--force", "-q");
    assertEquals(0, forced.code(), forced.err());
    assertEquals(25L, dcs.cluster.config().data().get("ttl"));
  }

  @Test
  void editConfigWithNoChangeSaysSo() {
    InMemoryDcs dcs = new InMemoryDcs(CtlFixtures.anchor());
    CtlRun r = CtlRun.run(dcs, null, SCOPE, "edit-config", "-s", "ttl=30", "--force");
    assertEquals("Not changed\n", r.out());
    assertTrue(dcs.writes.isEmpty());
  }

  @Test
  void editConfigWithoutConfigKeyFails() {
    InMemoryDcs dcs = new InMemoryDcs(io.vigil.cluster.Cluster.empty());
    CtlRun r = CtlRun.run(dcs, null, SCOPE, "edit-config", "-s", "ttl=20", "--force");
    assertEquals("Error: The config key does not exist in the cluster anchor\n", r.err());
  }

  @Test
  void removeNeedsTheClusterNameThePhraseAndTheLeader() {
    InMemoryDcs dcs = new InMemoryDcs(CtlFixtures.anchor());
    CtlRun r = CtlRun.run(dcs, "anchor\nYes I am aware\npg3\n", "remove", "anchor");
    assertEquals(0, r.code(), r.err());
    assertEquals(List.of("delete"), dcs.writes);
    assertTrue(r.out().contains("Please confirm the cluster name to remove: "
        + "You are about to remove all information in DCS for anchor, please type: \"Yes I am aware\": "
        + "This cluster currently is healthy. Please specify the leader name to continue: "), r.out());
  }

  @Test
  void removeStopsAtTheFirstWrongAnswer() {
    InMemoryDcs dcs = new InMemoryDcs(CtlFixtures.anchor());
    assertEquals("Error: Cluster names specified do not match\n",
        CtlRun.run(dcs, "batman\n", "remove", "anchor").err());
    assertEquals("Error: You did not exactly type \"Yes I am aware\"\n",
        CtlRun.run(dcs, "anchor\nyes\n", "remove", "anchor").err());
    assertEquals("Error: You did not specify the current leader of the cluster\n",
        CtlRun.run(dcs, "anchor\nYes I am aware\npg1\n", "remove", "anchor").err());
    CtlRun eof = CtlRun.run(dcs, "anchor\n", "remove", "anchor");
    assertEquals(1, eof.code());
    assertTrue(eof.err().startsWith("Error: no answer to \"You are about to remove all information"), eof.err());
    assertTrue(dcs.writes.isEmpty());
  }

  @Test
  void removeOfAClusterWithoutLeaderAsksTwice() {
    io.vigil.cluster.Cluster c = CtlFixtures.anchor().withLeader(null);
    InMemoryDcs dcs = new InMemoryDcs(c);
    CtlRun r = CtlRun.run(dcs, "anchor\nYes I am aware\n", "remove", "anchor");
    assertEquals(0, r.code(), r.err());
    assertEquals(List.of("delete"), dcs.writes);
  }

  @Test
  void pauseWithoutAnyReachableMemberFails() {
    // api_urls point at ports nobody listens on: there is no DCS fallback for pause in patronictl 4
    io.vigil.cluster.Cluster c = CtlFixtures.anchor();
    CtlRun r = CtlRun.run(new InMemoryDcs(c), null, Map.of("PATRONI_SCOPE", "anchor"), "pause");
    assertEquals(1, r.code());
    assertTrue(r.err().endsWith("Error: Can not find accessible cluster member\n"), r.err());
    assertTrue(r.err().contains("WARNING - Member pg3 is not accessible"), r.err());
  }

  @Test
  void pauseOfAPausedClusterSaysSo() {
    CtlRun r = CtlRun.run(new InMemoryDcs(CtlFixtures.anchorInSyncModePaused()), null, SCOPE, "pause");
    assertEquals("Error: Cluster is already paused\n", r.err());
    CtlRun r2 = CtlRun.run(new InMemoryDcs(CtlFixtures.anchor()), null, SCOPE, "resume");
    assertEquals("Error: Cluster is not paused\n", r2.err());
  }

  @Test
  void switchoverChecksLeaderAndCandidateBeforeAnyRequest() {
    InMemoryDcs dcs = new InMemoryDcs(CtlFixtures.anchor());
    assertEquals("Error: Member pg1 is not the leader of cluster anchor\n",
        CtlRun.run(dcs, null, SCOPE, "switchover", "--leader", "pg1", "--force").err());
    assertEquals("Error: Member pg7 does not exist in cluster anchor or is tagged as nofailover\n",
        CtlRun.run(dcs, null, SCOPE, "switchover", "--candidate", "pg7", "--force").err());
    assertEquals("Error: Member pg3 is already the leader of cluster anchor\n",
        CtlRun.run(dcs, null, SCOPE, "failover", "--candidate", "pg3", "--force").err());
    assertEquals("Error: Failover could be performed only to a specific candidate\n",
        CtlRun.run(dcs, null, SCOPE, "failover", "--force").err());
    assertEquals("Error: This cluster has no leader\n",
        CtlRun.run(new InMemoryDcs(CtlFixtures.anchor().withLeader(null)), null, SCOPE, "switchover", "--force").err());
    assertTrue(dcs.writes.isEmpty());
  }

  @Test
  void switchoverFallsBackToTheDcsWhenNoMemberAnswers() {
    InMemoryDcs dcs = new InMemoryDcs(CtlFixtures.anchor());
    CtlRun r = CtlRun.run(dcs, null, SCOPE, "switchover", "--candidate", "pg1", "--force");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("Current cluster topology\n+ Cluster: anchor"), r.out());
    assertTrue(r.out().contains(" Could not switchover using Patroni api, falling back to DCS\n"), r.out());
    assertEquals("pg3", dcs.writtenFailover.leader());
    assertEquals("pg1", dcs.writtenFailover.candidate());
    assertNull(dcs.writtenFailover.scheduledAt());
    assertNull(dcs.failoverCas);
  }

  @Test
  void switchoverPromptsShowPatronictlDefaults() {
    InMemoryDcs dcs = new InMemoryDcs(CtlFixtures.anchor());
    CtlRun r = CtlRun.run(dcs, "\npg2\nnow\nn\n", SCOPE, "switchover");
    assertEquals(1, r.code());
    assertTrue(r.out().contains("Primary [pg3]: Candidate ['pg1', 'pg2'] []: When should the switchover take place"
        + " (e.g. "), r.out());
    assertTrue(r.out().contains(" )  [now]: Are you sure you want to switchover cluster anchor, demoting current"
        + " leader pg3? [y/N]: "), r.out());
    assertEquals("Error: Aborting switchover\n", r.err());
    assertTrue(dcs.writes.isEmpty());
  }

  @Test
  void flushSwitchoverWithNothingScheduled() {
    CtlRun r = CtlRun.run(new InMemoryDcs(CtlFixtures.anchor()), null, "flush", "anchor", "switchover");
    assertEquals(0, r.code(), r.err());
    assertEquals("No pending scheduled switchover\n", r.out());
    CtlRun bad = CtlRun.run(new InMemoryDcs(CtlFixtures.anchor()), null, "flush", "anchor", "everything");
    assertEquals(2, bad.code());
  }

  @Test
  void versionWithoutClusterPrintsOneLine() {
    CtlRun r = CtlRun.run(null, null, "version");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().matches("vigilctl version \\S+\n"), r.out());
  }

  @Test
  void missingNamedConfigFileIsAnError() {
    CtlRun r = CtlRun.run(new InMemoryDcs(CtlFixtures.anchor()), null, "-c", "/nonexistent/x.yml", "list", "anchor");
    assertEquals(1, r.code());
    assertEquals("Error: Provided config file /nonexistent/x.yml not existing or no read rights. Check the"
        + " -c/--config-file parameter\n", r.err());
    assertFalse(r.out().contains("Cluster"));
  }

  @Test
  void failoverToAnAsynchronousNodeInSyncModeAsksFirst() {
    InMemoryDcs dcs = new InMemoryDcs(CtlFixtures.anchorInSyncModePaused());
    CtlRun r = CtlRun.run(dcs, "n\n", SCOPE, "failover", "--candidate", "pg1");
    assertEquals(1, r.code());
    assertTrue(r.out().endsWith("Are you sure you want to failover to the asynchronous node pg1? [y/N]: "), r.out());
    assertEquals("Error: Aborting failover\n", r.err());
    assertTrue(dcs.writes.isEmpty());
  }

  @Test
  void switchoverCannotBeScheduledWhilePaused() {
    CtlRun r = CtlRun.run(new InMemoryDcs(CtlFixtures.anchorInSyncModePaused()), null, SCOPE, "switchover",
        "--candidate", "pg2", "--scheduled", "2030-01-01T10:00+00:00", "--force");
    assertEquals("Error: Can't schedule switchover in the paused state\n", r.err());
  }
}
