package io.vigil.callbacks.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vigil.callbacks.CallbackContext;
import io.vigil.callbacks.VigilCallback;
import io.vigil.events.EventType;
import io.vigil.events.VigilEvent;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A plugin that throws, fails, blocks or never answers is contained: the caller never waits, later events arrive. */
class PluginRunnerTest {
  private static final Duration TIMEOUT = Duration.ofMillis(300);
  private final ScheduledExecutorService deadlines = Executors.newSingleThreadScheduledExecutor();
  private final List<Long> seen = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    deadlines.shutdownNow();
  }

  private static VigilEvent event(long seq) {
    return new VigilEvent(seq, 0, "batman", "pg1", EventType.ROLE_CHANGED, Map.of("new", "primary"));
  }

  private PluginRunner runner(VigilCallback plugin) {
    return new PluginRunner(plugin, "test", TIMEOUT,
        deadline -> new CallbackContext("batman", "pg1", null, Map.of("k", "v"), deadline), deadlines);
  }

  /** Misbehaves on event 1 in the given way, records every event it is given. */
  private VigilCallback plugin(String misbehaviour) {
    return (event, context) -> {
      seen.add(event.seq());
      if (event.seq() != 1) {
        return Future.succeededFuture();
      }
      switch (misbehaviour) {
        case "throws":
          throw new IllegalStateException("boom");
        case "fails":
          return Future.failedFuture("nope");
        case "blocks":
          try {
            Thread.sleep(60_000);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return Future.succeededFuture();
        case "spins":
          long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
          while (System.nanoTime() < end) {
            Thread.onSpinWait();
          }
          return Future.succeededFuture();
        case "never answers":
          return Promise.<Void>promise().future();
        default:
          return null;
      }
    };
  }

  private void awaitSeen(int count) {
    io.vigil.testing.Timing.await(count + " events seen by the plugin", java.time.Duration.ofSeconds(10),
        java.time.Duration.ofMillis(10), () -> seen.size() >= count ? Boolean.TRUE : null, seen::toString);
  }

  @Test
  void eachMisbehaviourIsContainedAndTheNextEventStillArrives() throws Exception {
    for (String misbehaviour : List.of("throws", "fails", "blocks", "spins", "never answers", "returns null")) {
      seen.clear();
      PluginRunner runner = runner(plugin(misbehaviour));
      long before = System.nanoTime();
      runner.deliver(event(1));
      runner.deliver(event(2));
      long queuedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before);
      assertTrue(queuedMillis < 100, misbehaviour + ": deliver must only queue, took " + queuedMillis + " ms");
      awaitSeen(2);
      assertEquals(List.of(1L, 2L), seen, misbehaviour);
      runner.close();
    }
  }

  @Test
  void aBlockedCallIsInterruptedAtItsDeadline() throws Exception {
    PluginRunner runner = runner(plugin("blocks"));
    long start = System.nanoTime();
    runner.deliver(event(1));
    runner.deliver(event(2));
    awaitSeen(2);
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertTrue(millis >= TIMEOUT.toMillis() && millis < 5_000, "event 2 came after " + millis + " ms");
    runner.close();
  }

  @Test
  void theContextCarriesTheDeadlineAndThePluginsSettings() throws Exception {
    List<CallbackContext> contexts = new CopyOnWriteArrayList<>();
    PluginRunner runner = runner((event, context) -> {
      contexts.add(context);
      seen.add(event.seq());
      return Future.succeededFuture();
    });
    runner.deliver(event(7));
    awaitSeen(1);
    CallbackContext c = contexts.get(0);
    assertEquals(Map.of("k", "v"), c.settings());
    assertEquals("batman", c.scope());
    assertTrue(c.deadline().isAfter(java.time.Instant.now().minus(Duration.ofSeconds(1))));
    runner.close();
  }

  private static VigilCallback veto(String answer) {
    return new VigilCallback() {
      @Override
      public Future<Void> onEvent(VigilEvent event, CallbackContext context) {
        return Future.succeededFuture();
      }

      @Override
      public Future<Boolean> allowPromotion(CallbackContext context) {
        switch (answer) {
          case "yes":
            return Future.succeededFuture(true);
          case "no":
            return Future.succeededFuture(false);
          case "throws":
            throw new IllegalStateException("fence unreachable");
          case "spins":
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (System.nanoTime() < end) {
              Thread.onSpinWait();
            }
            return Future.succeededFuture(true);
          default:
            return Promise.<Boolean>promise().future();
        }
      }
    };
  }

  @Test
  void onlyATimelyYesAllowsThePromotion() throws Exception {
    assertTrue(runner(veto("yes")).allowPromotion().get(5, TimeUnit.SECONDS));
    for (String answer : List.of("no", "throws", "never answers", "spins")) {
      long start = System.nanoTime();
      assertFalse(runner(veto(answer)).allowPromotion().get(5, TimeUnit.SECONDS), answer);
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertTrue(millis < TIMEOUT.toMillis() + 1_000, answer + " took " + millis + " ms");
    }
  }

  @Test
  void aDefaultPluginAllows() throws Exception {
    assertTrue(runner(plugin("x")).allowPromotion().get(5, TimeUnit.SECONDS));
  }
}
