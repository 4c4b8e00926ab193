package io.vigil.callbacks.dispatch;

import io.vertx.core.Future;
import io.vigil.callbacks.CallbackContext;
import io.vigil.callbacks.VigilCallback;
import io.vigil.events.VigilEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one plugin on a thread of its own, one event at a time in sequence order, each call bounded by the
 * deadline: a call that throws or fails is logged; one that misses its deadline is logged, interrupted and
 * abandoned. Nothing here ever runs on, or waits on, the event loop: {@link #deliver} only queues. When a plugin
 * falls {@value #QUEUE} events behind (it blocks and ignores interrupts), newer events are dropped for it, with a
 * warning.
 */
final class PluginRunner {
  private static final Logger LOG = LoggerFactory.getLogger(PluginRunner.class);
  static final int QUEUE = 1000;

  private final VigilCallback plugin;
  private final String name;
  private final Duration timeout;
  private final Function<Instant, CallbackContext> contexts;
  private final ScheduledExecutorService deadlines;
  private final ThreadPoolExecutor thread;

  /**
   * @param contexts the context of a call with the given deadline
   * @param deadlines a shared timer thread that interrupts late calls
   */
  PluginRunner(VigilCallback plugin, String name, Duration timeout, Function<Instant, CallbackContext> contexts,
      ScheduledExecutorService deadlines) {
    this.plugin = plugin;
    this.name = name;
    this.timeout = timeout;
    this.contexts = contexts;
    this.deadlines = deadlines;
    this.thread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
      Thread t = new Thread(r, "vigil-callback-" + name);
      t.setDaemon(true);
      return t;
    });
  }

  String name() {
    return name;
  }

  /** Queues the event for the plugin; returns at once. */
  void deliver(VigilEvent event) {
    try {
      thread.execute(() -> call("event " + event.type().wireName() + " #" + event.seq(),
          ctx -> plugin.onEvent(event, ctx)));
    } catch (RejectedExecutionException e) {
      LOG.warn("callback plugin {} is {} events behind: event {} #{} dropped for it", name, QUEUE,
          event.type().wireName(), event.seq());
    }
  }

  /**
   * The plugin's promotion veto, on a thread of its own (never queued behind events). True only when the plugin
   * answered true in time.
   */
  CompletableFuture<Boolean> allowPromotion() {
    CompletableFuture<Boolean> answer = new CompletableFuture<>();
    Thread t = new Thread(() -> answer.complete(Boolean.TRUE.equals(
        call("pre_promote veto", ctx -> plugin.allowPromotion(ctx)))), "vigil-callback-veto-" + name);
    t.setDaemon(true);
    t.start();
    // a plugin stuck in a loop that ignores interrupts still gets its answer: no
    return answer.completeOnTimeout(false, timeout.toMillis() + 200, TimeUnit.MILLISECONDS);
  }

  /** One bounded call on the current thread; the plugin's answer, or null when it threw, failed or was late. */
  private <T> T call(String what, Function<CallbackContext, Future<T>> body) {
    Instant deadline = Instant.now().plus(timeout);
    Call guard = new Call(Thread.currentThread(), name, what, timeout);
    ScheduledFuture<?> timer = deadlines.schedule(guard::expire, timeout.toMillis(), TimeUnit.MILLISECONDS);
    long started = System.nanoTime();
    try {
      Future<T> result = body.apply(contexts.apply(deadline));
      if (result == null) {
        return null;
      }
      long left = Math.max(1, Duration.between(Instant.now(), deadline).toMillis());
      return result.toCompletionStage().toCompletableFuture().get(left, TimeUnit.MILLISECONDS);
    } catch (TimeoutException | InterruptedException e) {
      guard.expire();
      return null;
    } catch (ExecutionException e) {
      if (!guard.finish()) {
        LOG.warn("callback plugin {} failed on {}: {}", name, what, String.valueOf(e.getCause()));
      }
      return null;
    } catch (RuntimeException | LinkageError e) {
      if (!guard.finish()) {
        LOG.warn("callback plugin {} threw on {}: {}", name, what, String.valueOf(e));
      }
      return null;
    } finally {
      guard.finish();
      timer.cancel(false);
      // an expiry that raced with the end of the call must not interrupt the next one
      Thread.interrupted();
      LOG.debug("callback plugin {} took {} ms on {}", name,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), what);
    }
  }

  /**
   * Interrupts a call's thread at its deadline, unless the call finished first, and says so at that moment (a
   * plugin that never returns is still reported).
   */
  private static final class Call {
    private final Thread thread;
    private final String plugin;
    private final String what;
    private final Duration timeout;
    private boolean done;
    private boolean expired;

    Call(Thread thread, String plugin, String what, Duration timeout) {
      this.thread = thread;
      this.plugin = plugin;
      this.what = what;
      this.timeout = timeout;
    }

    synchronized void expire() {
      if (!done && !expired) {
        expired = true;
        LOG.warn("callback plugin {} missed its deadline of {} ms on {}: abandoned", plugin, timeout.toMillis(),
            what);
        thread.interrupt();
      }
    }

    /** Ends the call; true when it had already been declared late. */
    synchronized boolean finish() {
      done = true;
      return expired;
    }
  }

  void close() {
    thread.shutdownNow();
  }
}
