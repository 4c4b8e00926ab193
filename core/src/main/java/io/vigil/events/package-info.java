/**
 * Events for the outside: the versioned schema every tap sees ({@link io.vigil.events.VigilEvent},
 * {@link io.vigil.events.EventType}) and the one emitter per agent that numbers them
 * ({@link io.vigil.events.EventEmitter}), with {@link io.vigil.events.NewEvent}, an event before it is numbered,
 * as the pure parts of the runtime return it.
 * The schema is documented in docs/events.md.
 */
package io.vigil.events;
