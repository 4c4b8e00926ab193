package io.vigil.events;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One event as every tap sees it, published on {@link io.vigil.bus.Addresses#EVENTS} by {@link EventEmitter}.
 * Its JSON form ({@link #toJson()}) is the documented, versioned schema of docs/events.md.
 *
 * @param seq the agent's sequence number: starts at 1 when the agent starts and grows by exactly one per event
 * @param timeMillis wall-clock time of the event, epoch milliseconds
 * @param scope the cluster name
 * @param member this agent's member name
 * @param type what happened
 * @param data the type's fields (JSON values only: String, Number, Boolean, null, List, Map)
 */
public record VigilEvent(long seq, long timeMillis, String scope, String member, EventType type,
    Map<String, Object> data) {

  /** Version of the JSON form; changes only when a field or type is renamed or removed. */
  public static final int SCHEMA_VERSION = 1;

  public VigilEvent {
    data = data == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(data));
  }

  /** The JSON form, in this field order: schema, seq, time, scope, member, type, data. */
  public Map<String, Object> toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("schema", SCHEMA_VERSION);
    json.put("seq", seq);
    json.put("time", java.time.Instant.ofEpochMilli(timeMillis).toString());
    json.put("scope", scope);
    json.put("member", member);
    json.put("type", type.wireName());
    json.put("data", data);
    return json;
  }
}
