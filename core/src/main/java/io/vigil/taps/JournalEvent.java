package io.vigil.taps;

import io.vertx.core.json.JsonObject;
import io.vigil.events.VigilEvent;

/**
 * An event as the journal keeps it: the record and its JSON text, encoded once for every tap that receives it.
 *
 * @param receivedNanos {@link System#nanoTime()} when the journal took it (latency figures of the benchmark)
 */
public record JournalEvent(VigilEvent event, String json, long receivedNanos) {
  static JournalEvent of(VigilEvent event) {
    return new JournalEvent(event, new JsonObject(event.toJson()).encode(), System.nanoTime());
  }

  public long seq() {
    return event.seq();
  }
}
