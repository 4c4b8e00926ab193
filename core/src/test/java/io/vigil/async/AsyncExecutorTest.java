package io.vigil.async;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vigil.bus.Addresses;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AsyncExecutorTest {
  private Vertx vertx;
  private AsyncExecutor executor;
  private final List<Progress> published = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    executor = new AsyncExecutor(vertx);
    vertx.eventBus().<Progress>localConsumer(Addresses.ASYNC_PROGRESS, m -> published.add(m.body()));
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void refusesASecondActionWithTheBusyActionsName() throws Exception {
    Promise<String> first = Promise.promise();
    AsyncExecutor.Attempt<String> a = executor.tryRun("clone", first::future);
    assertTrue(a.started());
    AsyncExecutor.Attempt<Void> b = executor.tryRun("restart", () -> {
      throw new AssertionError("must not run while busy");
    });
    assertFalse(b.started());
    assertEquals("clone", b.busyWith());
    assertEquals("clone", executor.current().orElseThrow().name());
    first.complete("done");
    assertEquals("done", a.result().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS));
    assertEquals(Optional.empty(), executor.current());
    assertTrue(executor.tryRun("restart", () -> io.vertx.core.Future.succeededFuture()).started());
  }

  @Test
  void publishesProgressAndKeepsTheLastOneInCurrent() throws Exception {
    Promise<Void> p = Promise.promise();
    executor.tryRun("clone", p::future);
    executor.progress("running pg_basebackup", 42);
    assertEquals(new Progress("clone", "running pg_basebackup", 42), executor.current().orElseThrow().progress());
    p.complete();
    try {
      io.vigil.testing.Timing.until("three progress events", java.time.Duration.ofSeconds(5),
          java.time.Duration.ofMillis(10), () -> published.size() >= 3);
    } catch (AssertionError timedOut) {
      // the assertion below shows what was published
    }
    assertEquals(List.of(new Progress("clone", "started", -1), new Progress("clone", "running pg_basebackup", 42),
        new Progress("clone", "finished", 100)), published);
  }

  @Test
  void cancelRunsTheHooksAndMarksTheActionCancelled() {
    Promise<Void> p = Promise.promise();
    executor.tryRun("reinitialize", p::future);
    List<String> ran = new CopyOnWriteArrayList<>();
    executor.onCancel(() -> ran.add("kill pg_basebackup"));
    assertEquals(Optional.of("reinitialize"), executor.cancel());
    assertTrue(executor.isCancelled());
    assertEquals(List.of("kill pg_basebackup"), ran);
    p.fail(new ActionCancelledException("reinitialize"));
    assertEquals(Optional.empty(), executor.current());
    assertEquals(Optional.empty(), executor.cancel());
  }

  @Test
  void aThrowingSupplierGivesAFailedFutureAndFreesTheExecutor() {
    AsyncExecutor.Attempt<Void> a = executor.tryRun("bootstrap", () -> {
      throw new IllegalStateException("boom");
    });
    assertTrue(a.started());
    assertTrue(a.result().failed());
    assertEquals(Optional.empty(), executor.current());
  }
}
