/**
 * The event-bus contract between the agent's verticles: every address in {@link io.vigil.bus.Addresses}, each with
 * its kind, senders, listeners and body type, and the immutable message records that travel on them
 * ({@link io.vigil.bus.NodeStatus}, the outcome of a cycle; {@link io.vigil.bus.HaRequest} and
 * {@link io.vigil.bus.HaReply}, REST requests only the HA loop may carry out). {@link io.vigil.bus.RecordCodec}
 * passes records between local consumers without serialising them. The table of addresses is in
 * docs/architecture.md.
 */
package io.vigil.bus;
