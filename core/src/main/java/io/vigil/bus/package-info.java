/**
 * The event-bus contract between the agent's verticles: every address in {@link io.vigil.bus.Addresses}, each with
 * its kind, senders, listeners and body type ({@link io.vigil.bus.Addresses#BODY_TYPES}, codecs registered by
 * {@link io.vigil.bus.Addresses#registerCodecs}), and the immutable message records that travel on them
 * ({@link io.vigil.bus.NodeStatus}, the outcome of a cycle; {@link io.vigil.bus.ClusterSnapshot}, a snapshot the
 * DCS watch loaded; {@link io.vigil.bus.HaRequest} and {@link io.vigil.bus.HaReply}, REST requests only the HA
 * loop may carry out). {@link io.vigil.bus.RecordCodec} passes records between local consumers without
 * serialising them. The table of addresses is in docs/architecture.md.
 */
package io.vigil.bus;
