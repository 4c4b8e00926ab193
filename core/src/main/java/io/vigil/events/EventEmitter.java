package io.vigil.events;

import io.vertx.core.Vertx;
import io.vigil.bus.Addresses;
import io.vigil.bus.RecordCodec;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The one place an agent's events get their sequence number. Any verticle may call {@link #emit}; numbering and
 * publishing happen under one lock so that every listener receives events in sequence order, whatever thread
 * emitted them.
 */
public final class EventEmitter {
  private final Vertx vertx;
  private final String scope;
  private final String member;
  private final LongSupplier clock;
  private long lastSeq;

  public EventEmitter(Vertx vertx, String scope, String member) {
    this(vertx, scope, member, System::currentTimeMillis);
  }

  EventEmitter(Vertx vertx, String scope, String member, LongSupplier clock) {
    this.vertx = vertx;
    this.scope = scope;
    this.member = member;
    this.clock = clock;
    RecordCodec.register(vertx, VigilEvent.class);
  }

  /** Numbers the event and publishes it on {@link Addresses#EVENTS}; returns it. */
  public synchronized VigilEvent emit(EventType type, Map<String, Object> data) {
    VigilEvent event = new VigilEvent(++lastSeq, clock.getAsLong(), scope, member, type, data);
    vertx.eventBus().publish(Addresses.EVENTS, event);
    return event;
  }

  /** {@link #emit(EventType, Map)} for an event a pure part computed. */
  public VigilEvent emit(NewEvent event) {
    return emit(event.type(), event.data());
  }

  /** The cluster name every event carries. */
  public String scope() {
    return scope;
  }

  /** The member name every event carries. */
  public String member() {
    return member;
  }
}
