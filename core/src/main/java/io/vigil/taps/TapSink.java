package io.vigil.taps;

/**
 * The connection behind a {@link Tap}. Every method is called on the context the tap was created on (the
 * connection's event loop), never by the thread that appended the event.
 */
public interface TapSink {
  /** True while the connection's own write buffer is full: the tap then stops writing and waits for a drain. */
  boolean writeQueueFull();

  /** Writes one event; called only while {@link #writeQueueFull()} is false. */
  void deliver(JournalEvent event);

  /** Calls {@code resume} once after the write buffer drained. */
  void onDrain(Runnable resume);

  /** Ends the connection because the tap was dropped. */
  void drop(DropReason reason);
}
