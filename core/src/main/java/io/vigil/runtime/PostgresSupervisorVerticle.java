package io.vigil.runtime;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.Promise;
import io.vigil.bus.Addresses;
import io.vigil.events.EventEmitter;
import io.vigil.postgres.PostgresController;
import io.vigil.postgres.PostgresState;

/**
 * Supervises the local PostgreSQL: the controller reports every start, stop, promotion and postmaster death to
 * this verticle ({@link PostgresController#observeStates}); a death is seen through the postmaster process's
 * exit (the child's {@code Process.onExit}, or a watch of an adopted postmaster's pid), within one second and
 * without polling SQL. Each observation is published on {@link Addresses#POSTGRES_STATE}, which wakes the HA
 * loop, and what it means is emitted as events ({@link PostgresChanges}).
 */
public final class PostgresSupervisorVerticle extends AbstractVerticle {
  private final PostgresController pg;
  private final EventEmitter events;
  private PostgresState last;
  private PostgresState lastRunning;

  public PostgresSupervisorVerticle(PostgresController pg, EventEmitter events) {
    this.pg = pg;
    this.events = events;
  }

  @Override
  public void start(Promise<Void> started) {
    pg.observeStates(s -> context.runOnContext(v -> observed(s)));
    // the baseline: an adopted postmaster is not "started" by this agent
    pg.state().onComplete(ar -> context.runOnContext(v -> {
      if (ar.succeeded() && last == null) {
        remember(ar.result());
      }
      started.complete();
    }));
  }

  private void observed(PostgresState s) {
    PostgresChanges.between(last, lastRunning, s).forEach(events::emit);
    remember(s);
    vertx.eventBus().publish(Addresses.POSTGRES_STATE, s);
  }

  private void remember(PostgresState s) {
    last = s;
    if (s.running()) {
      lastRunning = s;
    }
  }
}
