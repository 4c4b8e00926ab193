package io.vigil.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vigil.async.AsyncExecutor;
import io.vigil.config.BootstrapSettings.Option;
import io.vigil.config.Settings;
import io.vigil.testing.Timing;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every SQL call the agent makes is bounded (issue 10), as Patroni bounds its own connections: connect_timeout 3 s,
 * statement_timeout 2 s, and a guard for a server that accepts the connection and then says nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresTimeoutsIT {
  private static final long SLACK_MS = 1500;

  private Vertx vertx;
  private Path base;
  private PostgresController pg;
  /** Connections of their own to the same server, as the controller's parts open them. */
  private PgConnections sql;

  @BeforeAll
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    base = PgFixtures.postgresOwnedTempDir("vigil-pg-timeouts-");
    Path sockets = PgFixtures.postgresOwnedSubdir(base, "sock");
    Settings s = PgFixtures.settings("pg-t", PgFixtures.postgresSettings("pg-t", base.resolve("pg-t"),
        PgFixtures.freePort(), PgFixtures.parameters(sockets)), PgFixtures.bootstrap(List.<Option>of()));
    AsyncExecutor async = new AsyncExecutor(vertx);
    pg = await(PostgresController.create(vertx, s, async), 30);
    sql = new PgConnections(vertx, s.postgresql(), sockets::toString);
    await(async.tryRun("bootstrap", pg::bootstrap).result(), 120);
  }

  @AfterAll
  void tearDown() throws Exception {
    if (pg != null) {
      try {
        await(pg.stop(StopMode.IMMEDIATE), 60);
      } catch (Exception e) {
        // keep tearing down
      }
      sql.closePool();
      await(pg.close(), 30);
    }
    await(vertx.close(), 30);
    PgFixtures.deleteTree(base);
  }

  @Test
  void everyConnectionCarriesConnectAndStatementTimeouts() throws Exception {
    PgConnectOptions local = sql.localConnectOptions();
    assertEquals("2000", local.getProperties().get("statement_timeout"));
    assertEquals(3000, PgConnections.transportOptions().getConnectTimeout());
    assertEquals("2s", await(sql.withConnection("show", c -> c.query("SHOW statement_timeout").execute()
        .map(rs -> rs.iterator().next().getString(0))), 10));
    // the server enforces it: a statement that runs longer is cancelled
    Throwable slow = failure(sql.withConnection("sleep", c -> c.query("SELECT pg_sleep(4)").execute()), 10);
    assertTrue(String.valueOf(slow.getMessage()).contains("statement timeout"), String.valueOf(slow));
  }

  @Test
  void longOperationsGetTheirOwnLongerBound() throws Exception {
    PgConnectOptions longer = PgConnections.withStatementTimeout(sql.localConnectOptions(), Duration.ofSeconds(30));
    assertEquals("30s", await(sql.oneShot(longer, "show", Duration.ofSeconds(33),
        c -> c.query("SHOW statement_timeout").execute().map(rs -> rs.iterator().next().getString(0))), 10));
    await(sql.oneShot(longer, "sleep", Duration.ofSeconds(33), c -> c.query("SELECT pg_sleep(2.5)").execute()), 10);
    await(pg.checkpoint(), 60);
  }

  @Test
  void aFrozenServerFailsStateQueriesWithinFiveSeconds() throws Exception {
    assertTrue(await(pg.state(), 10).running());
    // a pooled connection to a backend that will freeze, as the controller's pool has one
    await(sql.withConnection("select 1", c -> c.query("SELECT 1").execute()), 10);
    List<Long> frozen = new ArrayList<>();
    try {
      // the postmaster and its backends, as a frozen host would be: TCP still completes, nothing answers
      long postmaster = pg.postmasterPid();
      assertTrue(postmaster > 0);
      frozen.add(postmaster);
      frozen.addAll(children(postmaster));
      signal("STOP", frozen);
      long boundMs = PgConnections.QUERY_BOUND.toMillis() + SLACK_MS;
      for (int i = 0; i < 2; i++) {
        // first on the pooled connection to a frozen backend, then on a new one to the frozen postmaster
        long start = System.nanoTime();
        PostgresState s = await(pg.state(), 20);
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms <= boundMs, "state() took " + ms + " ms");
        assertTrue(s.running());
        assertNull(s.timeline(), "values unknown: " + s);
        start = System.nanoTime();
        Throwable e = failure(sql.withConnection("select 1", c -> c.query("SELECT 1").execute()), 20);
        ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(e instanceof PostgresException, String.valueOf(e));
        assertTrue(ms <= boundMs, "query took " + ms + " ms");
      }
    } finally {
      signal("CONT", frozen);
    }
    Timing.until("state() to recover after SIGCONT", Duration.ofSeconds(20), Duration.ofMillis(200),
        () -> await(pg.state(), 20).timeline() != null);
  }

  private static List<Long> children(long pid) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("ps", "-o", "pid=", "--ppid", Long.toString(pid)).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    List<Long> pids = new ArrayList<>();
    for (String line : out.split("\n")) {
      if (!line.isBlank()) {
        pids.add(Long.parseLong(line.strip()));
      }
    }
    return pids;
  }

  private static void signal(String sig, List<Long> pids) throws IOException, InterruptedException {
    if (pids.isEmpty()) {
      return;
    }
    List<String> cmd = new ArrayList<>(List.of("kill", "-" + sig));
    pids.forEach(pid -> cmd.add(Long.toString(pid)));
    new ProcessBuilder(cmd).inheritIO().start().waitFor();
  }

  private static <T> T await(Future<T> f, long seconds) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
  }

  private static Throwable failure(Future<?> f, long seconds) throws Exception {
    try {
      f.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("expected a failure");
  }
}
