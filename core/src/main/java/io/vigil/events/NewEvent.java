package io.vigil.events;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An event before {@link EventEmitter} numbers and stamps it: what the pure parts (snapshot diffs, cycle
 * outcomes) return, so that they can be tested by tables without an event bus.
 *
 * @param data the type's fields in documentation order (JSON values only; null values allowed)
 */
public record NewEvent(EventType type, Map<String, Object> data) {
  public NewEvent {
    data = data == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(data));
  }

  /** An event with {@code keysAndValues} as alternating field names and values (values may be null). */
  public static NewEvent of(EventType type, Object... keysAndValues) {
    if (keysAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("field names and values must come in pairs");
    }
    Map<String, Object> data = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      data.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return new NewEvent(type, data);
  }
}
