/**
 * Taps: how monitoring outside the agent reads its events without ever slowing it down. {@link
 * io.vigil.taps.EventJournal} keeps the last events in a bounded ring (for {@code Last-Event-ID} resume) and fans
 * each one out to {@link io.vigil.taps.Tap}s, each with its own bounded queue; a tap that falls behind is dropped
 * with a counted reason ({@link io.vigil.taps.TapStats}). The SSE endpoint ({@code GET /events}, in
 * {@link io.vigil.api}) and the TCP event-bus bridge ({@link io.vigil.taps.EventBridgeVerticle}) are built on it.
 * README "Event taps" and docs/events.md describe them from the outside.
 */
package io.vigil.taps;
