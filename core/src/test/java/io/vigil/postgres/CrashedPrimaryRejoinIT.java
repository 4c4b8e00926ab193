package io.vigil.postgres;

import static io.vigil.postgres.PgNode.await;
import static io.vigil.postgres.PgNode.poll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vigil.async.AsyncExecutor;
import io.vigil.config.BootstrapSettings.Option;
import io.vigil.config.Settings;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Real PostgreSQL 15: a former primary killed -9 after a failover, then started as a standby once and killed
 * again, so that pg_control says {@code in archive recovery} (what a watchdog firing on a frozen leader leaves
 * behind). Its recovery is not ended without a rewind; before pg_rewind it is (docs/ha-rules.md §2.7), and the
 * node then streams from the new primary without its diverged writes.
 */
class CrashedPrimaryRejoinIT {
  private Vertx vertx;
  private Path base;
  private Path sockets;
  private PgNode a;
  private PgNode b;

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    base = PgFixtures.postgresOwnedTempDir("vigil-crashed-primary-it-");
    sockets = PgFixtures.postgresOwnedSubdir(base, "sock");
    a = node("pg-1", List.of(new Option("data-checksums", null)));
    b = node("pg-2", List.of());
  }

  private PgNode node(String name, List<Option> initdb) throws Exception {
    Settings s = PgFixtures.settings(name, PgFixtures.postgresSettings(name, base.resolve(name),
        PgFixtures.freePort(), PgFixtures.parameters(sockets)), PgFixtures.bootstrap(initdb));
    AsyncExecutor async = new AsyncExecutor(vertx);
    return new PgNode(name, s, async, await(PostgresController.create(vertx, s, async)));
  }

  @AfterEach
  void tearDown() throws Exception {
    PgNode.tearDown(vertx, base, a, b);
  }

  @Test
  void aFormerPrimaryLeftInArchiveRecoveryIsRecoveredOnlyBeforeItsRewind() throws Exception {
    await(a.async().tryRun("bootstrap", a.pg()::bootstrap).result());
    slots(a);
    await(b.async().tryRun("clone", () -> b.pg().createReplica(a.source())).result());
    assertTrue(await(b.pg().follow(RecoveryConfig.following(a.source(), b.name()))));
    a.exec("CREATE TABLE kept(i int); INSERT INTO kept VALUES (1)");
    long primaryLsn = await(a.pg().state()).walPosition();
    poll(() -> b.pg().state(), s -> s.replayLsn() != null && s.replayLsn() >= primaryLsn, "replay on pg-2");

    // failover: pg-2 promotes while pg-1 still takes writes, then pg-1 is killed -9 (the watchdog)
    await(b.pg().promote());
    await(b.pg().checkpoint());
    slots(b);
    a.exec("CREATE TABLE diverged(i int); INSERT INTO diverged SELECT generate_series(1, 1000)");
    kill(a);
    assertEquals("in production", await(a.pg().controlData()).clusterState());

    // started as a standby once and killed again: pg_control now says in archive recovery
    assertTrue(await(a.pg().follow(RecoveryConfig.following(b.source(), a.name()))));
    kill(a);
    assertEquals("in archive recovery", await(a.pg().controlData()).clusterState());

    // without a rewind behind it, a replica's recovery is not ended (it would write WAL of its own)
    assertFalse(await(a.pg().crashRecovery()));
    assertEquals("in archive recovery", await(a.pg().controlData()).clusterState());

    // before pg_rewind it is: a clean pg_control, then the divergence is seen and rewound
    assertTrue(await(a.pg().crashRecovery(true)));
    assertEquals("shut down", await(a.pg().controlData()).clusterState());
    RewindCheck check = await(a.pg().checkRewind(b.source()));
    assertTrue(check.needed(), check.reason());
    assertEquals(PostgresController.DivergenceOutcome.REWOUND,
        await(a.async().tryRun("rewind", () -> a.pg().repairDivergence(b.source())).result()));
    assertTrue(await(a.pg().follow(RecoveryConfig.following(b.source(), a.name()))));
    PostgresState s = poll(() -> a.pg().state(), x -> "streaming".equals(x.replicationState()), "streaming from pg-2");
    assertEquals(2, s.timeline());
    assertEquals(List.of(false), a.column("SELECT to_regclass('diverged') IS NOT NULL"));
    assertEquals(List.of(1), a.column("SELECT i FROM kept"));
  }

  /** The leader's slots for the other member, as the HA loop keeps them (use_slots). */
  private void slots(PgNode leader) throws Exception {
    await(leader.pg().syncReplicationSlots(List.of(a.member(), b.member()), Map.of(), List.of(), Map.of(), false,
        false));
  }

  private void kill(PgNode n) throws Exception {
    new ProcessBuilder("kill", "-9", Long.toString(n.pg().postmasterPid())).start().waitFor();
    poll(() -> n.pg().state(), x -> !x.running(), n.name() + " noticed as crashed");
  }
}
