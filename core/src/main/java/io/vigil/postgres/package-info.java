/**
 * PostgreSQL control: the only code that touches the local server.
 *
 * <p>Entry point: {@link io.vigil.postgres.PostgresController}, created with
 * {@code PostgresController.create(vertx, settings, asyncExecutor)}. Every method returns a Vert.x
 * {@code Future}; blocking work runs on the {@code vigil-postgres} worker pool, never on an event loop.
 *
 * <p>How the HA loop uses it (docs/ha-rules.md):
 * <ul>
 *   <li>each cycle: {@code setParameters(effective postgresql.parameters)}, {@code setAccessFiles(hba, ident)},
 *       {@code setUsePgRewind(...)}, then {@code state()} for the member key and REST;</li>
 *   <li>empty data dir: {@code asyncExecutor.tryRun("bootstrap", controller::bootstrap)} when the initialize race
 *       is won, or {@code tryRun("clone", () -> controller.createReplica(source).compose(v ->
 *       controller.follow(RecoveryConfig.following(source, myName))))};</li>
 *   <li>lock holder that is a replica: {@code promote()}, then {@code checkpoint()} (post-promote CHECKPOINT),
 *       then {@code syncReplicationSlots(...)} each cycle;</li>
 *   <li>primary without the lock (demote, in {@code runtime.ActionRunner}): {@code checkpoint(bound)} when
 *       graceful, {@code stop(mode, killAfter)}, then {@code follow(RecoveryConfig)};</li>
 *   <li>replica of a new leader: {@code follow(RecoveryConfig.following(leaderSource, myName))}, and, when the
 *       leader's timeline is ahead, {@code tryRun("rewind", () -> repairDivergence(leaderSource))};</li>
 *   <li>PostgreSQL not running: {@code crashRecovery()} when needed, then {@code start()} /
 *       {@code follow(...)};</li>
 *   <li>synchronous mode: {@code setSynchronousStandbyNames(SynchronousStandbyNames.format(...))}.</li>
 * </ul>
 * State changes (started, stopped, crashed within 1 s, promoted) are reported to the observer given to
 * {@code PostgresController.observeStates}, the runtime's PostgreSQL supervisor, which publishes them on
 * {@link io.vigil.bus.Addresses#POSTGRES_STATE}.
 *
 * <p>Pure parts, unit-tested without a server: {@link io.vigil.postgres.ServerParameters} (docs/configuration.md §5.2),
 * {@link io.vigil.postgres.ControlDataParser}, {@link io.vigil.postgres.ReplicationSlots} (docs/postgres.md §6.4),
 * {@link io.vigil.postgres.TimelineHistoryFile} (the rewind decision), {@link io.vigil.postgres.SlotNames},
 * {@link io.vigil.postgres.SynchronousStandbyNames}.
 */
package io.vigil.postgres;
