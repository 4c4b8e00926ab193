package io.vigil.postgres;

import static io.vigil.postgres.PgNode.await;
import static io.vigil.postgres.PgNode.poll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Row;
import io.vigil.async.AsyncExecutor;
import io.vigil.async.Progress;
import io.vigil.bus.Addresses;
import io.vigil.cluster.Member;
import io.vigil.config.BootstrapSettings.CustomMethod;
import io.vigil.config.BootstrapSettings.Option;
import io.vigil.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Real PostgreSQL 15: one primary and one replica shared by the ordered tests of this class, because each step
 * (bootstrap, clone, promote, rewind) is the precondition of the next one; the failure tests use their own
 * nodes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PostgresControllerIT {

  private Vertx vertx;
  private Path base;
  private Path sockets;
  private PgNode a;
  private PgNode b;
  private final List<Progress> progress = new CopyOnWriteArrayList<>();
  private final BlockingQueue<PostgresState> states = new LinkedBlockingQueue<>();

  @BeforeAll
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    base = PgFixtures.postgresOwnedTempDir("vigil-pg-it-");
    sockets = PgFixtures.postgresOwnedSubdir(base, "sock");
    vertx.eventBus().<Progress>localConsumer(Addresses.ASYNC_PROGRESS, m -> progress.add(m.body()));
    a = node("pg-1", List.of(new Option("data-checksums", null), new Option("encoding", "UTF8")), List.of("basebackup"),
        Map.of());
    // pg-2 first tries a custom replica method that fails, then falls back to basebackup
    Path script = base.resolve("broken_clone.sh");
    Files.writeString(script, "#!/bin/sh\necho \"$@\" > " + base.resolve("broken_clone.args") + "\nexit 4\n");
    Files.setPosixFilePermissions(script, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    b = node("pg-2", List.of(), List.of("broken_clone", "basebackup"), Map.of("broken_clone",
        new CustomMethod("broken_clone", script.toString(), false, false, false, false, null, Map.of("flag", "1"))));
  }

  private PgNode node(String name, List<Option> initdb) throws Exception {
    return node(name, initdb, List.of("basebackup"), Map.of());
  }

  private PgNode node(String name, List<Option> initdb, List<String> replicaMethods,
      Map<String, CustomMethod> methods) throws Exception {
    Path prePromote = base.resolve("pre_promote.sh");
    Files.writeString(prePromote, "#!/bin/sh\ntouch " + base.resolve("pre_promote.ran") + "\n");
    Files.setPosixFilePermissions(prePromote, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    Settings s = PgFixtures.settings(name, PgFixtures.withPrePromote(PgFixtures.postgresSettings(name,
        base.resolve(name), PgFixtures.freePort(), PgFixtures.parameters(sockets), List.of(), replicaMethods, methods),
        prePromote.toString()), PgFixtures.bootstrap(initdb));
    AsyncExecutor async = new AsyncExecutor(vertx);
    PostgresController pg = await(PostgresController.create(vertx, s, async));
    pg.observeStates(states::add);
    return new PgNode(name, s, async, pg);
  }

  @AfterAll
  void tearDown() throws Exception {
    PgNode.tearDown(vertx, base, a, b);
  }

  @Test
  @Order(1)
  void bootstrapsAPrimaryWithDataChecksumsAndBootstrapUsers() throws Exception {
    AsyncExecutor.Attempt<Void> attempt = a.async().tryRun("bootstrap", a.pg()::bootstrap);
    assertTrue(attempt.started());
    assertEquals("bootstrap", a.async().tryRun("clone", () -> Future.succeededFuture()).busyWith());
    await(attempt.result());

    PostgresState s = await(a.pg().state());
    assertTrue(s.isPrimary());
    assertEquals("running", s.state());
    assertEquals(PostgresRole.PRIMARY, s.role());
    assertEquals(1, s.timeline());
    assertEquals(150000, s.serverVersion() / 100 * 100);
    assertEquals(1, await(a.pg().controlData()).dataChecksumVersion());

    List<Row> roles = rows(a, "SELECT rolname, rolreplication, rolcreatedb FROM pg_roles "
        + "WHERE rolname IN ('replicator', 'rewind_user', 'admin') ORDER BY rolname");
    assertEquals(List.of("admin", "replicator", "rewind_user"), roles.stream().map(r -> r.getString(0)).toList());
    assertTrue(roles.get(1).getBoolean(1), "replicator has REPLICATION");
    assertTrue(roles.get(0).getBoolean(2), "admin has CREATEDB");
    List<Row> grants = rows(a, "SELECT has_function_privilege('rewind_user', "
        + "'pg_catalog.pg_read_binary_file(text, bigint, bigint, boolean)', 'execute')");
    assertTrue(grants.get(0).getBoolean(0));

    Path data = a.settings().postgresql().dataDir();
    assertTrue(Files.readString(data.resolve("pg_hba.conf")).contains("host replication replicator 127.0.0.1/32 md5"));
    assertTrue(Files.exists(data.resolve("postgresql.base.conf")));
    assertTrue(Files.readString(data.resolve("postgresql.conf")).startsWith(PgConfigFiles.HEADER));
    assertTrue(progress.stream().anyMatch(p -> p.action().equals("bootstrap") && p.phase().equals("running initdb")));
    // the new cluster's CHECKPOINT, so that the first clone's spread checkpoint has nothing left to pace
    assertTrue(progress.stream().anyMatch(p -> p.action().equals("bootstrap")
        && p.phase().equals("checkpoint of the new cluster")), progress.toString());
    assertEquals(List.of(true), a.column("SELECT checkpoints_req >= 1 FROM pg_stat_bgwriter"));
  }

  @Test
  @Order(2)
  void clonesAReplicaThatStreamsThroughItsSlot() throws Exception {
    await(a.pg().syncReplicationSlots(List.of(a.member(), b.member()), Map.of("keep_me", Map.of("type", "physical")),
        List.of(), Map.of(), false, false));
    assertEquals(List.of("keep_me", "pg_2"), a.column("SELECT slot_name FROM pg_replication_slots ORDER BY 1"));

    progress.clear();
    AsyncExecutor.Attempt<Void> clone = b.async().tryRun("clone", () -> b.pg().createReplica(a.source()));
    await(clone.result());
    String args = Files.readString(base.resolve("broken_clone.args")).trim();
    assertEquals("--scope=batman --role=replica --datadir=" + b.settings().postgresql().dataDir()
        + " --connstring=host=127.0.0.1 port=" + a.settings().postgresql().listen().port()
        + " user=replicator dbname=postgres --flag=1", args);
    assertTrue(progress.stream().anyMatch(p -> p.action().equals("clone") && p.percent() == 100
        && p.phase().startsWith("running pg_basebackup")), progress.toString());

    assertTrue(await(b.pg().follow(RecoveryConfig.following(a.source(), b.name()))));
    PostgresState replica = poll(() -> b.pg().state(), s -> "streaming".equals(s.replicationState()), "streaming");
    assertTrue(replica.inRecovery());
    assertEquals(PostgresRole.REPLICA, replica.role());
    assertEquals("pg-1", replica.following());
    PostgresState primary = poll(() -> a.pg().state(), s -> s.replication().stream()
        .anyMatch(r -> "pg-2".equals(r.applicationName()) && "streaming".equals(r.state())), "pg-2 in pg_stat_replication");
    assertEquals("replicator", primary.replication().get(0).usename());
    assertEquals(List.of(true), a.column("SELECT active FROM pg_replication_slots WHERE slot_name = 'pg_2'"));
    String conf = Files.readString(b.settings().postgresql().dataDir().resolve("postgresql.conf"));
    assertFalse(conf.contains("rep-pass"), "the replication password lives in pgpass only");
  }

  @Test
  @Order(3)
  void promotesTheReplicaAndThePermanentSlotSurvives() throws Exception {
    exec(a, "CREATE TABLE before_promote(i int); INSERT INTO before_promote VALUES (1)");
    long primaryLsn = await(a.pg().state()).walPosition();
    // a replica keeps the permanent physical slot, advanced to the LSN the leader publishes in /status
    await(b.pg().syncReplicationSlots(List.of(a.member(), b.member()), Map.of("keep_me", Map.of("type", "physical")),
        List.of(), Map.of("keep_me", primaryLsn), false, false));
    poll(() -> b.pg().state(), s -> s.replayLsn() != null && s.replayLsn() >= primaryLsn, "replay of the insert");
    assertEquals(List.of("keep_me"), b.column("SELECT slot_name FROM pg_replication_slots"));

    await(b.pg().promote());
    assertTrue(Files.exists(base.resolve("pre_promote.ran")), "pre_promote ran before the promotion");
    PostgresState s = await(b.pg().state());
    assertTrue(s.isPrimary());
    assertEquals(2, s.timeline());
    await(b.pg().checkpoint());
    ReplicationSlots.Plan plan = await(b.pg().syncReplicationSlots(List.of(a.member(), b.member()),
        Map.of("keep_me", Map.of("type", "physical")), List.of(), Map.of(), false, false));
    assertEquals(List.of(), plan.drop());
    assertEquals(List.of("keep_me", "pg_1"), b.column("SELECT slot_name FROM pg_replication_slots ORDER BY 1"));
    assertEquals(List.of(1), b.column("SELECT i FROM before_promote"));
  }

  @Test
  @Order(4)
  void rewindsTheOldPrimarySoThatItStreamsFromTheNewOne() throws Exception {
    // the old primary goes on writing after the promotion: its timeline 1 diverges from the new timeline 2
    exec(a, "CREATE TABLE diverged(i int); INSERT INTO diverged SELECT generate_series(1, 1000)");
    await(a.pg().stop(StopMode.FAST));
    RewindCheck check = await(a.pg().checkRewind(b.source()));
    assertTrue(check.needed(), check.reason());
    assertTrue(check.possible());
    assertEquals(1, check.localTimeline());
    assertEquals(2, check.leaderTimeline());

    AsyncExecutor.Attempt<PostgresController.DivergenceOutcome> rewind =
        a.async().tryRun("rewind", () -> a.pg().repairDivergence(b.source()));
    assertEquals(PostgresController.DivergenceOutcome.REWOUND, await(rewind.result()));
    assertTrue(await(a.pg().follow(RecoveryConfig.following(b.source(), a.name()))));
    PostgresState s = poll(() -> a.pg().state(), x -> "streaming".equals(x.replicationState()), "streaming from pg-2");
    assertEquals(2, s.timeline());
    assertEquals(List.of(false), a.column("SELECT to_regclass('diverged') IS NOT NULL"));
    poll(() -> b.pg().state(), x -> x.replication().stream().anyMatch(r -> "pg-1".equals(r.applicationName())
        && "streaming".equals(r.state())), "pg-1 in pg_stat_replication of pg-2");
    RewindCheck streaming = await(a.pg().checkRewind(b.source()));
    assertFalse(streaming.needed(), streaming.reason());
    assertTrue(streaming.reason().contains("received timeline"), streaming.reason());

    // without a WAL receiver a running replica asks its own server which timeline it replays, over a replication
    // connection, as Patroni does (its last restartpoint may name an older one)
    assertTrue(await(a.pg().follow(new RecoveryConfig(null, null, null, Map.of()))));
    poll(() -> a.pg().state(), x -> !"streaming".equals(x.replicationState()), "the WAL receiver stopped");
    RewindCheck alone = await(a.pg().checkRewind(b.source()));
    assertFalse(alone.needed(), alone.reason());
    assertTrue(alone.reason().contains("timeline from IDENTIFY_SYSTEM"), alone.reason());
    assertEquals(2, alone.localTimeline());
    // the member key publishes the same replay timeline, not the one of the last restartpoint, which here is
    // still 1 (patroni/ha.py touch_member)
    assertEquals(2, await(a.pg().state()).timeline());
    assertTrue(await(a.pg().follow(RecoveryConfig.following(b.source(), a.name()))));
    poll(() -> a.pg().state(), x -> "streaming".equals(x.replicationState()), "streaming from pg-2 again");

    // a standby cluster's remote primary named by several hosts, a replica first (docs/standby-cluster.md §3):
    // the check asks the one that runs as a primary
    int replicaPort = a.source().port();
    int primaryPort = b.source().port();
    ReplicationSource remote = new ReplicationSource("remote primary", "127.0.0.1", replicaPort, Map.of(
        "host", "127.0.0.1,127.0.0.1", "port", replicaPort + "," + primaryPort, "target_session_attrs", "read-write"));
    RewindCheck multiHost = await(a.pg().checkRewind(remote));
    assertFalse(multiHost.needed(), multiHost.reason());
    assertTrue(multiHost.reason().contains("leader remote primary 127.0.0.1:" + primaryPort + " timeline=2"),
        multiHost.reason());
  }

  @Test
  @Order(5)
  void reportsARestartOnlyParameterChangeAsPendingRestart() throws Exception {
    Map<String, Object> params = new LinkedHashMap<>(PgFixtures.parameters(sockets));
    params.put("shared_buffers", "32MB");
    params.put("max_connections", 120);
    params.put("work_mem", "8MB");
    b.pg().setParameters(params);
    await(b.pg().reload());
    PostgresState s = await(b.pg().state());
    assertTrue(s.pendingRestart());
    assertEquals(Map.of("old_value", "16MB", "new_value", "32MB"), s.pendingRestartReason().get("shared_buffers"));
    assertEquals(Map.of("old_value", "100", "new_value", "120"), s.pendingRestartReason().get("max_connections"));
    assertFalse(s.pendingRestartReason().containsKey("work_mem"), "work_mem applies on reload");
    assertEquals(List.of("8MB"), b.column("SHOW work_mem"));

    AsyncExecutor.Attempt<Boolean> restart = b.async().tryRun("restart", b.pg()::restart);
    assertTrue(await(restart.result()));
    PostgresState after = await(b.pg().state());
    assertFalse(after.pendingRestart(), after.pendingRestartReason().toString());
    assertEquals(List.of("32MB"), b.column("SHOW shared_buffers"));

    await(b.pg().setSynchronousStandbyNames(SynchronousStandbyNames.format(List.of("pg-1"), 1, false)));
    assertEquals(List.of("\"pg-1\""), b.column("SHOW synchronous_standby_names"));
    poll(() -> b.pg().state(), x -> x.replication().stream().anyMatch(r -> "sync".equals(r.syncState())),
        "pg-1 as sync standby");
    await(b.pg().setSynchronousStandbyNames(null));
    assertEquals(List.of(""), b.column("SHOW synchronous_standby_names"));
  }

  @Test
  @Order(6)
  void noticesAKilledPostmasterWithinASecond() throws Exception {
    long pid = a.pg().postmasterPid();
    assertTrue(pid > 0);
    // a second controller for the same data directory adopts the running postmaster (agent restart)
    PostgresController adopter = await(PostgresController.create(vertx, a.settings(), new AsyncExecutor(vertx)));
    adopter.observeStates(states::add);
    assertEquals(pid, adopter.postmasterPid());
    states.clear();
    long start = System.nanoTime();
    new ProcessBuilder("kill", "-9", Long.toString(pid)).start().waitFor();
    PostgresState crashed = null;
    int crashEvents = 0;
    while (crashEvents < 2) {
      PostgresState s = states.poll(2, TimeUnit.SECONDS);
      if (s == null) {
        fail("no state event within 2 s of kill -9 (" + crashEvents + " crash events so far)");
      }
      if ("crashed".equals(s.state())) {
        crashed = s;
        crashEvents++;
      }
    }
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertTrue(millis < 1000, "child and adopted postmaster death noticed after " + millis + " ms");
    assertFalse(adopter.isRunning());
    await(adopter.close());
    assertFalse(crashed.running());
    assertFalse(a.pg().isRunning());
    assertEquals("crashed", a.pg().stateName());
    // a crashed replica needs no single-user crash recovery: it recovers as a standby at its next start
    assertFalse(await(a.pg().crashRecovery()));
    assertTrue(await(a.pg().start()));
    poll(() -> a.pg().state(), x -> "streaming".equals(x.replicationState()), "streaming after the crash");
  }

  @Test
  @Order(7)
  void createsAPermanentLogicalSlotInItsDatabaseAndDropsItWhenNoLongerWanted() throws Exception {
    Map<String, Object> params = new LinkedHashMap<>(PgFixtures.parameters(sockets));
    params.put("wal_level", "logical");
    b.pg().setParameters(params);
    assertTrue(await(b.pg().restart()));
    Map<String, Map<String, Object>> permanent = Map.of("keep_me", Map.of("type", "physical"),
        "cdc", Map.of("type", "logical", "database", "postgres", "plugin", "test_decoding"));
    List<Member> members = List.of(a.member(), b.member());
    ReplicationSlots.Plan plan = await(b.pg().syncReplicationSlots(members, permanent, List.of(), Map.of(), false,
        false));
    assertEquals(List.of(new ReplicationSlots.Slot("cdc", "logical", "test_decoding", "postgres")), plan.create());
    assertEquals(List.of("logical"), b.column("SELECT slot_type FROM pg_replication_slots WHERE slot_name = 'cdc'"));
    await(b.pg().syncReplicationSlots(members, Map.of("keep_me", Map.of("type", "physical")), List.of(), Map.of(),
        false, false));
    assertEquals(List.of("keep_me", "pg_1"), b.column("SELECT slot_name FROM pg_replication_slots ORDER BY 1"));
  }

  @Test
  @Order(8)
  void demotesGracefullyAndRestartsAsAReplicaWithoutPrimary() throws Exception {
    await(a.pg().stop(StopMode.FAST));
    // a crashed primary goes through single-user crash recovery and comes back on its timeline
    new ProcessBuilder("kill", "-9", Long.toString(b.pg().postmasterPid())).start().waitFor();
    poll(() -> b.pg().state(), x -> !x.running(), "pg-2 noticed as crashed");
    assertEquals("in production", await(b.pg().controlData()).clusterState());
    assertTrue(await(b.pg().crashRecovery()));
    assertEquals("shut down", await(b.pg().controlData()).clusterState());
    assertTrue(await(b.pg().start()));
    assertEquals(2, await(b.pg().state()).timeline());

    // the HA loop's graceful demote (runtime/ActionRunner): CHECKPOINT, fast stop, start following nobody
    await(b.pg().checkpoint());
    await(b.pg().stop(StopMode.FAST));
    assertTrue(await(b.pg().follow(new RecoveryConfig(null, null, null, Map.of()))));
    PostgresState s = await(b.pg().state());
    assertTrue(s.inRecovery());
    assertEquals(PostgresRole.REPLICA, s.role());
    assertTrue(Files.exists(b.settings().postgresql().dataDir().resolve("standby.signal")));
    assertEquals("shut down in recovery", await(a.pg().controlData()).clusterState());
  }

  @Test
  @Order(9)
  void aFailedInitdbLeavesInitdbFailedAndTheDataDirectoryMovedAside() throws Exception {
    PgNode bad = node("pg-bad", List.of(new Option("no-such-initdb-option", null)));
    try {
      AsyncExecutor.Attempt<Void> attempt = bad.async().tryRun("bootstrap", bad.pg()::bootstrap);
      Throwable failure = awaitFailure(attempt.result());
      assertTrue(failure.getMessage().contains("initdb failed"), failure.getMessage());
      assertEquals("initdb failed", bad.pg().stateName());
      Path data = bad.settings().postgresql().dataDir();
      assertFalse(Files.exists(data));
      try (Stream<Path> s = Files.list(base)) {
        List<Path> moved = s.filter(p -> p.getFileName().toString().matches(
            "pg-bad_\\d{4}-\\d{2}-\\d{2}-\\d{2}-\\d{2}-\\d{2}")).toList();
        assertEquals(1, moved.size(), "moved aside, not deleted");
      }
      assertFalse(bad.async().current().isPresent());
    } finally {
      await(bad.pg().close());
    }
  }

  // ---------------------------------------------------------------------------------------------------------

  private static Throwable awaitFailure(Future<?> f) throws Exception {
    try {
      f.toCompletionStage().toCompletableFuture().get(PgNode.TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("expected a failure");
  }

  private static List<Row> rows(PgNode n, String sql) throws Exception {
    List<Row> out = new ArrayList<>();
    n.exec(sql).forEach(out::add);
    return out;
  }

  private static void exec(PgNode n, String sql) throws Exception {
    assertNotNull(n.exec(sql));
  }
}
