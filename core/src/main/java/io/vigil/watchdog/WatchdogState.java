package io.vigil.watchdog;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the watchdog is doing, as published in {@code watchdog_changed} events (docs/events.md).
 *
 * @param state {@code active} (armed and fed by the leader), {@code disabled} (not armed: mode off, not leading,
 *     or no device in automatic mode) or {@code failed} (mode required and the device could not be armed safely)
 * @param timeout the device's timeout in seconds while active, else null
 * @param device the device's description
 * @param reason why it changed
 */
public record WatchdogState(String state, Integer timeout, String device, String reason) {

  /** The event's {@code data}. */
  public Map<String, Object> eventData() {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("state", state);
    data.put("timeout", timeout);
    data.put("device", device);
    data.put("reason", reason);
    return data;
  }
}
