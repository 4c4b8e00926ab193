package io.vigil.taps;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Connected taps per kind ({@code sse}, {@code bridge}) and taps dropped per kind and reason, read by
 * {@code /metrics}. Thread-safe: taps connect on the REST API's and the bridge's event loops.
 */
public final class TapStats {
  /** The kinds that always appear in {@code /metrics}, even at zero. */
  public static final String SSE = "sse";
  public static final String BRIDGE = "bridge";

  private final Map<String, AtomicLong> connected = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> drops = new ConcurrentHashMap<>();

  public TapStats() {
    connected.put(SSE, new AtomicLong());
    connected.put(BRIDGE, new AtomicLong());
    for (String kind : new String[] {SSE, BRIDGE}) {
      for (DropReason reason : DropReason.values()) {
        drops.put(key(kind, reason), new AtomicLong());
      }
    }
  }

  private final AtomicLong inboundRefused = new AtomicLong();

  /** A bridge client tried to send or publish (the bridge is outbound only). */
  void inboundRefused() {
    inboundRefused.incrementAndGet();
  }

  public long inboundRefusedCount() {
    return inboundRefused.get();
  }

  void connected(String kind) {
    connected.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
  }

  void disconnected(String kind) {
    connected.computeIfAbsent(kind, k -> new AtomicLong()).decrementAndGet();
  }

  void dropped(String kind, DropReason reason) {
    drops.computeIfAbsent(key(kind, reason), k -> new AtomicLong()).incrementAndGet();
  }

  /** Connected taps by kind, sorted by kind. */
  public Map<String, Long> connectedByKind() {
    Map<String, Long> out = new TreeMap<>();
    connected.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  /** Drops by {@code kind/reason}, sorted. */
  public Map<String, Long> dropsByKindAndReason() {
    Map<String, Long> out = new TreeMap<>();
    drops.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  public long connectedCount(String kind) {
    AtomicLong n = connected.get(kind);
    return n == null ? 0 : n.get();
  }

  public long drops(String kind, DropReason reason) {
    AtomicLong n = drops.get(key(kind, reason));
    return n == null ? 0 : n.get();
  }

  static String key(String kind, DropReason reason) {
    return kind + "/" + reason.label();
  }
}
