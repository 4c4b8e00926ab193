package io.vigil.taps;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vigil.bus.Addresses;
import io.vigil.bus.RecordCodec;
import io.vigil.events.VigilEvent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;

/**
 * The agent's memory of its events for taps: a ring of the last {@link #ringCapacity()} events and the list of
 * connected {@link Tap}s. {@link #append} (fed from {@link Addresses#EVENTS}) stores the event and offers it to
 * every tap's bounded queue; it never writes to a connection and never waits for one, so the HA loop's cost is
 * the same with 0 or 100 taps, apart from one queue insertion each.
 */
public final class EventJournal {
  /** About 15 minutes of a busy agent's events at loop_wait 10 (one ha_cycle per loop and a few others). */
  public static final int DEFAULT_RING_CAPACITY = 1000;
  /** Live events a tap may have waiting; above this it is dropped (queue_full). */
  public static final int DEFAULT_TAP_QUEUE_CAPACITY = 1000;

  private final int ringCapacity;
  private final int tapQueueCapacity;
  private final TapStats stats = new TapStats();
  private final LongSupplier nanoClock;
  private final ArrayDeque<JournalEvent> ring = new ArrayDeque<>();
  private final List<Tap> taps = new CopyOnWriteArrayList<>();
  private long lastSeq;
  private MessageConsumer<VigilEvent> consumer;

  public EventJournal() {
    this(DEFAULT_RING_CAPACITY, DEFAULT_TAP_QUEUE_CAPACITY, System::nanoTime);
  }

  public EventJournal(int ringCapacity, int tapQueueCapacity) {
    this(ringCapacity, tapQueueCapacity, System::nanoTime);
  }

  EventJournal(int ringCapacity, int tapQueueCapacity, LongSupplier nanoClock) {
    if (ringCapacity < 1 || tapQueueCapacity < 1) {
      throw new IllegalArgumentException("ring and tap queue capacities must be positive");
    }
    this.ringCapacity = ringCapacity;
    this.tapQueueCapacity = tapQueueCapacity;
    this.nanoClock = nanoClock;
  }

  /** Starts listening on {@link Addresses#EVENTS}; events published before this are not in the ring. */
  public Future<Void> attach(Vertx vertx) {
    RecordCodec.register(vertx, VigilEvent.class);
    consumer = vertx.eventBus().<VigilEvent>localConsumer(Addresses.EVENTS, msg -> append(msg.body()));
    return consumer.completion();
  }

  public Future<Void> detach() {
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  public int ringCapacity() {
    return ringCapacity;
  }

  public int tapQueueCapacity() {
    return tapQueueCapacity;
  }

  public TapStats stats() {
    return stats;
  }

  /** Stores the event and queues it for every tap. Never blocks on a tap. */
  public void append(VigilEvent event) {
    JournalEvent entry = JournalEvent.of(event);
    synchronized (this) {
      if (ring.size() == ringCapacity) {
        ring.removeFirst();
      }
      ring.addLast(entry);
      lastSeq = event.seq();
      for (Tap tap : taps) {
        tap.offer(entry, false);
      }
    }
  }

  /** The events the ring holds, oldest first. */
  public synchronized List<JournalEvent> ring() {
    return new ArrayList<>(ring);
  }

  /**
   * What a tap missed before it connected: its events were older than the ring ({@code ring_overflow}), or its
   * last id is ahead of this agent's last event, so it saw an earlier run of the agent ({@code agent_restarted}).
   *
   * @param firstMissing the first sequence number the tap did not get; {@code firstAvailable} is the oldest
   *     event it gets (0 when the ring is empty)
   */
  public record Gap(String reason, long lastEventId, long firstMissing, long firstAvailable) {}

  /** A connected tap and what it was told about missed events (null gap when it missed none). */
  public record Subscription(Tap tap, Gap gap, int replayed) {}

  /**
   * Connects a tap. With {@code lastEventId} (SSE's {@code Last-Event-ID}; 0 for "everything the ring has") the
   * ring's later events are queued first, atomically with the registration, so the tap sees every event exactly
   * once and in order; without it the tap sees only events appended from now on.
   *
   * @param context where the sink is called (the connection's event loop)
   */
  public Subscription subscribe(String kind, String peer, EventFilter filter, Long lastEventId, Context context,
      TapSink sink) {
    Tap tap = new Tap(this, kind, peer, filter, context, sink, tapQueueCapacity, nanoClock);
    Gap gap = null;
    int replayed = 0;
    synchronized (this) {
      if (lastEventId != null) {
        long after = lastEventId;
        if (after > lastSeq) {
          gap = new Gap("agent_restarted", after, 1, ring.isEmpty() ? 0 : ring.getFirst().seq());
          after = 0;
        }
        long oldest = ring.isEmpty() ? lastSeq + 1 : ring.getFirst().seq();
        if (gap == null && after + 1 < oldest) {
          gap = new Gap("ring_overflow", after, after + 1, ring.isEmpty() ? 0 : oldest);
        }
        for (JournalEvent e : ring) {
          if (e.seq() > after) {
            tap.offer(e, true);
            replayed++;
          }
        }
      }
      taps.add(tap);
      stats.connected(kind);
    }
    return new Subscription(tap, gap, replayed);
  }

  /** Connected taps (for tests and the heartbeat). */
  public List<Tap> taps() {
    return List.copyOf(taps);
  }

  void remove(Tap tap) {
    if (taps.remove(tap)) {
      stats.disconnected(tap.kind());
    }
  }
}
