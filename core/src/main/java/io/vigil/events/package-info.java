/**
 * Events for the outside: the versioned schema every tap sees ({@link io.vigil.events.VigilEvent},
 * {@link io.vigil.events.EventType}) and the one emitter that numbers them ({@link io.vigil.events.EventEmitter}).
 * The schema is documented in docs/events.md.
 */
package io.vigil.events;
