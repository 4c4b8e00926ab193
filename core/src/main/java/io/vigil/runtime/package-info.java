/**
 * The I/O side of the HA loop. {@link io.vigil.runtime.AgentRuntime} wires one agent (DCS plugin, verticles,
 * signals, shutdown). {@link io.vigil.runtime.HaLoopVerticle} runs the cycle: gather the inputs, ask the pure
 * {@code io.vigil.ha.HaEngine}, hand the actions to {@code ActionRunner} (the only place actions become I/O), and
 * publish the outcome. {@code LeaseGuard} stops a primary before its leader key can expire whatever the loop is
 * doing; {@link io.vigil.runtime.PeerProbe} asks the other members for their state;
 * {@link io.vigil.runtime.MemberData} builds the member key. See docs/architecture.md and docs/safety.md.
 */
package io.vigil.runtime;
