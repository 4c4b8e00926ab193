package io.vigil.dcs;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;

/**
 * One DCS operation bounded by retry_timeout, as Patroni bounds every DCS call (docs/dcs-layout.md): run on the
 * Dcs's context, failed with a {@link DcsUnavailableException} when no answer comes in time, and every other
 * failure turned into one by the plugin's {@code unavailable}, which names the operation, key and store.
 */
public final class DcsDeadline {
  private DcsDeadline() {}

  /**
   * Runs {@code body} on {@code context}; it is given the deadline as a {@link System#nanoTime()} value, for
   * bodies that try again until then.
   *
   * @param timeoutMs the deadline from now, read when the operation starts
   * @param retryTimeoutSeconds retry_timeout as the timeout message states it
   * @param closed true once the plugin is closed: the operation then fails at once
   */
  public static <T> Future<T> bounded(Vertx vertx, Context context, LongSupplier timeoutMs, IntSupplier retryTimeoutSeconds,
      BooleanSupplier closed, Function<Throwable, DcsUnavailableException> unavailable, LongFunction<Future<T>> body) {
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> {
      if (closed.getAsBoolean()) {
        promise.fail(unavailable.apply(new IllegalStateException("client closed")));
        return;
      }
      long ms = timeoutMs.getAsLong();
      long deadlineNanos = System.nanoTime() + ms * 1_000_000L;
      long timer = vertx.setTimer(ms, id -> promise.tryFail(unavailable.apply(new TimeoutException(
          "no answer within " + retryTimeoutSeconds.getAsInt() + " s (retry_timeout)"))));
      Future<T> f;
      try {
        f = body.apply(deadlineNanos);
      } catch (RuntimeException e) {
        f = Future.failedFuture(e);
      }
      f.onComplete(ar -> {
        vertx.cancelTimer(timer);
        if (ar.succeeded()) {
          promise.tryComplete(ar.result());
        } else {
          promise.tryFail(ar.cause() instanceof DcsUnavailableException ? ar.cause() : unavailable.apply(ar.cause()));
        }
      });
    });
    return promise.future();
  }
}
