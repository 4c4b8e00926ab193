/**
 * At most one long action at a time ({@link io.vigil.async.AsyncExecutor}): bootstrap, clone, rewind, restart,
 * reinitialize, crash recovery. The HA loop checks {@code current()} every cycle (Patroni's
 * "... in progress" messages) and starts actions with {@code tryRun}; progress is published on
 * {@link io.vigil.bus.Addresses#ASYNC_PROGRESS}.
 */
package io.vigil.async;
