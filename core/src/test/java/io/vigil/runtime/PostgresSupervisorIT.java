package io.vigil.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vigil.async.AsyncExecutor;
import io.vigil.bus.Addresses;
import io.vigil.config.Settings;
import io.vigil.events.EventEmitter;
import io.vigil.events.EventType;
import io.vigil.events.VigilEvent;
import io.vigil.postgres.PgFixtures;
import io.vigil.postgres.PostgresController;
import io.vigil.postgres.PostgresState;
import io.vigil.postgres.StopMode;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real {@link PostgresSupervisorVerticle} over a real PostgreSQL 15: a {@code kill -9} of the postmaster is
 * published on {@link Addresses#POSTGRES_STATE} and emitted as {@code postgres_crashed} within one second, and
 * a start after it as {@code postgres_started}.
 */
class PostgresSupervisorIT {
  private Vertx vertx;
  private Path base;
  private PostgresController pg;
  private final BlockingQueue<VigilEvent> events = new LinkedBlockingQueue<>();
  private final BlockingQueue<PostgresState> states = new LinkedBlockingQueue<>();

  @BeforeEach
  void bootstrapAndSupervise() throws Exception {
    vertx = Vertx.vertx();
    base = PgFixtures.postgresOwnedTempDir("vigil-supervisor-");
    Settings settings = NodeFixtures.settings("pg1", base, PgFixtures.freePort(), PgFixtures.freePort(), Map.of());
    Addresses.registerCodecs(vertx);
    AsyncExecutor async = new AsyncExecutor(vertx);
    pg = await(PostgresController.create(vertx, settings, async));
    await(async.tryRun("bootstrap", pg::bootstrap).result());
    assertTrue(pg.isRunning());
    vertx.eventBus().<VigilEvent>localConsumer(Addresses.EVENTS, m -> events.add(m.body()));
    vertx.eventBus().<PostgresState>localConsumer(Addresses.POSTGRES_STATE, m -> states.add(m.body()));
    await(vertx.deployVerticle(new PostgresSupervisorVerticle(pg, new EventEmitter(vertx, "batman", "pg1"))));
  }

  @AfterEach
  void tearDown() throws Exception {
    try {
      if (pg != null) {
        await(pg.stop(StopMode.IMMEDIATE));
        await(pg.close());
      }
      await(vertx.close());
    } finally {
      PgFixtures.deleteTree(base);
    }
  }

  @Test
  void aKilledPostmasterIsACrashWithinASecondAndTheRestartAStart() throws Exception {
    long pid = pg.postmasterPid();
    assertTrue(pid > 0);
    assertEquals(null, events.peek(), "the adopted baseline is no event");
    long start = System.nanoTime();
    new ProcessBuilder("kill", "-9", Long.toString(pid)).start().waitFor();

    VigilEvent crashed = events.poll(2, TimeUnit.SECONDS);
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertNotNull(crashed, "no event within 2 s of kill -9");
    assertEquals(EventType.POSTGRES_CRASHED, crashed.type());
    assertTrue(millis < 1000, "postgres_crashed emitted " + millis + " ms after kill -9");
    System.out.println("postgres_crashed emitted " + millis + " ms after kill -9");
    assertEquals(Map.of("state", "crashed"), crashed.data());
    assertEquals(1, crashed.seq());
    // the running state the supervisor adopted at deployment may be published just before the crash
    PostgresState published = states.poll(1, TimeUnit.SECONDS);
    while (published != null && published.running()) {
      published = states.poll(1, TimeUnit.SECONDS);
    }
    assertNotNull(published, "the crash was not published on " + Addresses.POSTGRES_STATE);
    assertFalse(published.running());
    assertEquals("crashed", published.state());

    await(pg.crashRecovery());
    assertTrue(await(pg.start()));
    VigilEvent started = events.poll(10, TimeUnit.SECONDS);
    assertNotNull(started, "no event after the restart");
    assertEquals(EventType.POSTGRES_STARTED, started.type());
    assertEquals("primary", started.data().get("role"));
    assertEquals(2, started.seq());
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
  }
}
