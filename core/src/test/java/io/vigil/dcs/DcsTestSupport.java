package io.vigil.dcs;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vigil.testing.Timing;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Awaiting Vert.x futures from a JUnit thread, with a deadline. Production code never waits like this; tests
 * may, as long as they never do it on an event loop.
 */
public final class DcsTestSupport {
  /** Every timing in tests is multiplied by {@code -Dvigil.test.timing} (1 by default): see {@link Timing}. */
  public static final double TIMING = Timing.multiplier();

  private DcsTestSupport() {}

  public static Duration scaled(Duration d) {
    return Timing.scaled(d);
  }

  /** Runs {@code call} on {@code context} and waits for its outcome. */
  public static <T> CompletableFuture<T> start(Context context, Supplier<Future<T>> call) {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(v -> {
      Future<T> f;
      try {
        f = call.get();
      } catch (RuntimeException e) {
        result.completeExceptionally(e);
        return;
      }
      f.onComplete(ar -> {
        if (ar.succeeded()) {
          result.complete(ar.result());
        } else {
          result.completeExceptionally(ar.cause());
        }
      });
    });
    return result;
  }

  /** The result, or the call's own failure rethrown; an AssertionError when the deadline passes. */
  public static <T> T await(CompletableFuture<T> f, Duration deadline) {
    try {
      return f.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("no answer within " + deadline.toMillis() + " ms: the call hangs");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted");
    }
  }

  /** The failure of a call that must fail; an AssertionError if it succeeds or hangs. */
  public static Throwable awaitFailure(CompletableFuture<?> f, Duration deadline) {
    try {
      Object value = f.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
      throw new AssertionError("expected a failure, got " + value);
    } catch (TimeoutException e) {
      throw new AssertionError("no answer within " + deadline.toMillis() + " ms: the call hangs");
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted");
    }
  }

  /**
   * Polls {@code condition} every {@code everyMs} until it holds; fails with {@code what} at the deadline, which
   * is taken as given (callers pass scaled deadlines).
   */
  public static void poll(String what, Duration deadline, long everyMs, BooleanSupplier condition) {
    Timing.awaitWithin(what, deadline, Duration.ofMillis(everyMs), () -> condition.getAsBoolean() ? Boolean.TRUE : null,
        () -> "false");
  }

  /** Lets time pass where the scenario itself is about time passing (renewing for 3×ttl). */
  public static void pause(long ms) {
    Timing.pause(Duration.ofMillis(ms));
  }
}
