package io.vigil.taps;

import io.vertx.core.Context;
import java.util.ArrayDeque;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer of the journal: a bounded queue filled by {@link EventJournal#append} (which never waits) and
 * drained on the consumer's own context into its {@link TapSink} as fast as the connection takes bytes. When the
 * queue overflows, or the connection takes no bytes for longer than the stall limit, the tap is dropped: counted
 * in {@link TapStats}, logged, and its connection ended.
 */
public final class Tap {
  private static final Logger LOG = LoggerFactory.getLogger(Tap.class);

  private final EventJournal journal;
  private final String kind;
  private final String peer;
  private final EventFilter filter;
  private final Context context;
  private final TapSink sink;
  private final int capacity;
  private final LongSupplier nanoClock;
  private final ArrayDeque<JournalEvent> queue = new ArrayDeque<>();
  /** A drain is scheduled or waiting for the sink's drain handler; guarded by {@code this}. */
  private boolean draining;
  /** Guarded by {@code this}. */
  private boolean closed;
  /** When the sink was first seen full and still is; 0 when it is not. Owner context only. */
  private long blockedSinceNanos;

  Tap(EventJournal journal, String kind, String peer, EventFilter filter, Context context, TapSink sink, int capacity,
      LongSupplier nanoClock) {
    this.journal = journal;
    this.kind = kind;
    this.peer = peer;
    this.filter = filter;
    this.context = context;
    this.sink = sink;
    this.capacity = capacity;
    this.nanoClock = nanoClock;
  }

  public String kind() {
    return kind;
  }

  public EventFilter filter() {
    return filter;
  }

  /** Events waiting to be written. */
  public synchronized int queued() {
    return queue.size();
  }

  public synchronized boolean isClosed() {
    return closed;
  }

  /** Queues the event without waiting; called by the journal, under its lock, on any thread. */
  void offer(JournalEvent event, boolean replay) {
    if (!filter.matches(event.event())) {
      return;
    }
    boolean schedule;
    synchronized (this) {
      if (closed) {
        return;
      }
      // a replay is bounded by the ring's size; only live events count against the queue
      if (!replay && queue.size() >= capacity) {
        schedule = false;
      } else {
        queue.add(event);
        schedule = !draining;
        draining = true;
        event = null;
      }
    }
    if (event != null) {
      drop(DropReason.QUEUE_FULL, capacity + " events queued");
    } else if (schedule) {
      context.runOnContext(v -> drain());
    }
  }

  /** Writes queued events until the queue is empty or the connection's buffer is full. Owner context only. */
  private void drain() {
    while (true) {
      if (isClosed()) {
        return;
      }
      if (sink.writeQueueFull()) {
        if (blockedSinceNanos == 0) {
          blockedSinceNanos = nanoClock.getAsLong();
        }
        sink.onDrain(() -> context.runOnContext(v -> drain()));
        return;
      }
      blockedSinceNanos = 0;
      JournalEvent next;
      synchronized (this) {
        next = queue.poll();
        if (next == null) {
          draining = false;
          return;
        }
      }
      sink.deliver(next);
    }
  }

  /**
   * Called periodically on the owner context (with the heartbeat): drops the tap when its connection has taken
   * no bytes for longer than {@code stallNanos}. Returns true when the connection can take a heartbeat.
   */
  public boolean checkStalled(long stallNanos) {
    if (isClosed()) {
      return false;
    }
    if (!sink.writeQueueFull()) {
      blockedSinceNanos = 0;
      return true;
    }
    long now = nanoClock.getAsLong();
    if (blockedSinceNanos == 0) {
      blockedSinceNanos = now;
    } else if (now - blockedSinceNanos > stallNanos) {
      drop(DropReason.STALLED, "no bytes accepted for " + (now - blockedSinceNanos) / 1_000_000 + " ms");
    }
    return false;
  }

  private void drop(DropReason reason, String detail) {
    if (!detach()) {
      return;
    }
    journal.stats().dropped(kind, reason);
    LOG.warn("event tap dropped: {} tap {} is too slow ({}: {}){}", kind, peer, reason.label(), detail,
        TapStats.SSE.equals(kind) ? "; it may reconnect with Last-Event-ID" : "");
    context.runOnContext(v -> sink.drop(reason));
  }

  /** The connection ended on its own (client left, agent stopping): not a drop. */
  public void close() {
    detach();
  }

  /** Marks the tap closed and leaves the journal; false when it already was. */
  private boolean detach() {
    synchronized (this) {
      if (closed) {
        return false;
      }
      closed = true;
      queue.clear();
    }
    journal.remove(this);
    return true;
  }
}
