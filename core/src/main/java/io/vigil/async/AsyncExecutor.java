package io.vigil.async;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vigil.bus.Addresses;
import io.vigil.bus.RecordCodec;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs at most one long action at a time (bootstrap, clone, rewind, restart, reinitialize, crash recovery),
 * like Patroni's {@code AsyncExecutor}: the HA loop keeps cycling while it runs and sees it through
 * {@link #current()}, REST shows it, and a second action is refused with the busy action's name instead of
 * waiting.
 *
 * <p>Thread-safety: every method may be called from any thread (event loop or worker). The action itself is a
 * {@code Supplier<Future<T>>}; it must not block the calling thread (it hands blocking work to a worker).
 *
 * <p>Progress: the running action calls {@link #progress(String, int)}; each call replaces
 * {@link LongAction#progress()} and publishes a {@link Progress} on {@link Addresses#ASYNC_PROGRESS}.
 * Progress calls while nothing runs are ignored.
 *
 * <p>Cancellation: {@link #cancel()} marks the action cancelled and runs the hooks registered with
 * {@link #onCancel(Runnable)} (the PostgreSQL controller registers one that kills the running tool). The
 * action's future then fails with {@link ActionCancelledException} or the tool's own failure; either way
 * {@link #current()} is empty once that future completes.
 */
public final class AsyncExecutor {
  private static final Logger LOG = LoggerFactory.getLogger(AsyncExecutor.class);

  private final Vertx vertx;
  private final Clock clock;
  private final Object lock = new Object();
  private LongAction current;
  private final List<Runnable> cancelHooks = new ArrayList<>();

  /** The outcome of {@link #tryRun}: either the action started ({@code result}) or another one is busy. */
  public record Attempt<T>(String busyWith, Future<T> result) {
    public boolean started() {
      return busyWith == null;
    }
  }

  public AsyncExecutor(Vertx vertx) {
    this(vertx, Clock.systemUTC());
  }

  public AsyncExecutor(Vertx vertx, Clock clock) {
    this.vertx = vertx;
    this.clock = clock;
    RecordCodec.register(vertx, Progress.class);
  }

  /**
   * Starts {@code action} unless another long action runs.
   *
   * @return {@code Attempt(null, result)} when started, where {@code result} completes with the action's own
   *     outcome (a supplier that throws gives a failed future); {@code Attempt(busyName, null)} when busy
   */
  public <T> Attempt<T> tryRun(String name, Supplier<Future<T>> action) {
    synchronized (lock) {
      if (current != null) {
        return new Attempt<>(current.name(), null);
      }
      current = new LongAction(name, clock.instant(), new Progress(name, "started", -1), false);
      cancelHooks.clear();
    }
    publish(new Progress(name, "started", -1));
    Future<T> result;
    try {
      result = action.get();
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    Future<T> done = result.andThen(ar -> finish(name, ar.succeeded(), ar.cause()));
    return new Attempt<>(null, done);
  }

  /** The running action, empty when idle. */
  public Optional<LongAction> current() {
    synchronized (lock) {
      return Optional.ofNullable(current);
    }
  }

  /** Whether the running action (if any) was cancelled; long actions poll it between phases. */
  public boolean isCancelled() {
    synchronized (lock) {
      return current != null && current.cancelled();
    }
  }

  /** Reports progress of the running action: see the class comment. */
  public void progress(String phase, int percent) {
    Progress p;
    synchronized (lock) {
      if (current == null) {
        return;
      }
      p = new Progress(current.name(), phase, percent);
      current = new LongAction(current.name(), current.startedAt(), p, current.cancelled());
    }
    publish(p);
  }

  /**
   * Registers a hook run by {@link #cancel()} while the current action runs; hooks are dropped when the next
   * action starts. A hook registered after cancel() already ran is run at once.
   */
  public void onCancel(Runnable hook) {
    boolean runNow;
    synchronized (lock) {
      runNow = current != null && current.cancelled();
      if (!runNow) {
        cancelHooks.add(hook);
      }
    }
    if (runNow) {
      hook.run();
    }
  }

  /** Removes a hook registered with {@link #onCancel(Runnable)} (the tool it would kill has ended). */
  public void removeCancelHook(Runnable hook) {
    synchronized (lock) {
      cancelHooks.remove(hook);
    }
  }

  /**
   * Cancels the running action (reinitialize with {@code force}).
   *
   * @return the cancelled action's name, empty when nothing was running
   */
  public Optional<String> cancel() {
    List<Runnable> hooks;
    String name;
    synchronized (lock) {
      if (current == null) {
        return Optional.empty();
      }
      name = current.name();
      current = new LongAction(name, current.startedAt(), current.progress(), true);
      hooks = List.copyOf(cancelHooks);
      cancelHooks.clear();
    }
    LOG.info("cancelling {}", name);
    for (Runnable hook : hooks) {
      try {
        hook.run();
      } catch (RuntimeException e) {
        LOG.warn("cancel hook of {} failed: {}", name, e.toString());
      }
    }
    return Optional.of(name);
  }

  private void finish(String name, boolean succeeded, Throwable cause) {
    synchronized (lock) {
      current = null;
      cancelHooks.clear();
    }
    if (succeeded) {
      publish(new Progress(name, "finished", 100));
    } else {
      String why = cause == null ? "unknown" : cause.getMessage();
      LOG.warn("{} failed: {}", name, why);
      publish(new Progress(name, Progress.FAILED_PREFIX + why, -1));
    }
  }

  private void publish(Progress p) {
    vertx.eventBus().publish(Addresses.ASYNC_PROGRESS, p);
  }
}
