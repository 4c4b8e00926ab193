/**
 * The agent's verticles and the I/O side of the HA loop. {@link io.vigil.runtime.AgentRuntime} wires one agent
 * (DCS plugin, the one {@code EventEmitter}, verticles, signals, shutdown). Each verticle has one job:
 * {@link io.vigil.runtime.HaLoopVerticle} runs the cycle (gather the inputs, ask the pure
 * {@code io.vigil.ha.HaEngine}, hand the actions to {@code ActionRunner}, the only place actions become I/O, and
 * publish the outcome); {@link io.vigil.runtime.DcsWatchVerticle} owns the DCS watch and publishes cluster
 * snapshots; {@link io.vigil.runtime.PostgresSupervisorVerticle} publishes PostgreSQL's state changes. What they
 * emit as events is computed by pure parts tested by tables: {@code ClusterChanges} (two snapshots),
 * {@code PostgresChanges} (two observations), {@code CycleEvents} (a cycle's outcome, long-action progress).
 * {@code LeaseGuard} stops a primary before its leader key can expire whatever the loop is doing;
 * {@link io.vigil.runtime.PeerProbe} asks the other members for their state; {@link io.vigil.runtime.MemberData}
 * builds the member key. See docs/architecture.md, docs/events.md and docs/safety.md.
 */
package io.vigil.runtime;
