package io.vigil.postgres;

import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vigil.async.AsyncExecutor;
import io.vigil.config.PostgresSettings;
import io.vigil.config.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * The parts of one local PostgreSQL that {@link PostgresController} composes, as the long actions of this package
 * ({@link Bootstrapper}, {@link ReplicaCloner}, {@link Rewinder}) use them: each action talks to the part that owns
 * what it changes, never back to the controller.
 *
 * @param worker the {@code vigil-postgres} worker pool: blocking work runs there, never on an event loop
 * @param async the long-action executor: progress reports and cancellation
 */
record PgParts(
    Settings settings,
    WorkerExecutor worker,
    AsyncExecutor async,
    PgBinaries binaries,
    int serverVersionNum,
    PgConfiguration config,
    PgTools tools,
    PgConnections connections,
    PgProcess process,
    PgStateReader states,
    DataDirectory dataDirectory) {

  PostgresSettings pg() {
    return settings.postgresql();
  }

  Path dataDir() {
    return dataDirectory.path();
  }

  Duration pgCtlTimeout() {
    return Duration.ofSeconds(settings.postgresql().pgCtlTimeout());
  }

  <T> Future<T> blocking(Callable<T> work) {
    return worker.executeBlocking(work, false);
  }

  /** A fresh state snapshot, read over SQL when PostgreSQL runs. */
  Future<PostgresState> state() {
    return process.isRunning() ? states.running() : blocking(states::notRunning);
  }
}
