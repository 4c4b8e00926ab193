package io.vigil.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** {@code PATCH /config} merge rules ({@code patch_config}) and {@code PUT /config}'s equality test. */
final class ConfigPatch {
  private ConfigPatch() {}

  /**
   * Merges {@code patch} into {@code config} in place: null deletes a key, nested objects merge, other values
   * replace when their Python {@code str()} differs. Returns whether anything changed.
   */
  @SuppressWarnings("unchecked")
  static boolean apply(Map<String, Object> config, Map<String, Object> patch) {
    boolean changed = false;
    for (Map.Entry<String, Object> e : patch.entrySet()) {
      String name = e.getKey();
      Object value = e.getValue();
      if (value == null) {
        if (config.remove(name) != null) {
          changed = true;
        }
      } else if (config.containsKey(name)) {
        Object current = config.get(name);
        if (value instanceof Map<?, ?> v) {
          if (current instanceof Map<?, ?>) {
            Map<String, Object> copy = deepCopy((Map<String, Object>) current);
            if (apply(copy, (Map<String, Object>) v)) {
              config.put(name, copy);
              changed = true;
            }
          } else {
            config.put(name, value);
            changed = true;
          }
        } else if (!PyText.str(current).equals(PyText.str(value))) {
          config.put(name, value);
          changed = true;
        }
      } else {
        config.put(name, value);
        changed = true;
      }
    }
    return changed;
  }

  /** Patroni's {@code deep_compare}: same keys, nested maps equal, other values equal as text. */
  @SuppressWarnings("unchecked")
  static boolean deepEquals(Map<String, Object> a, Map<String, Object> b) {
    if (!a.keySet().equals(b.keySet())) {
      return false;
    }
    for (Map.Entry<String, Object> e : a.entrySet()) {
      Object other = b.get(e.getKey());
      if (e.getValue() instanceof Map<?, ?> m) {
        if (!(other instanceof Map<?, ?> o && deepEquals((Map<String, Object>) m, (Map<String, Object>) o))) {
          return false;
        }
      } else if (!Objects.equals(PyText.str(e.getValue()), PyText.str(other))) {
        return false;
      }
    }
    return true;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> deepCopy(Map<String, Object> m) {
    Map<String, Object> copy = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : m.entrySet()) {
      copy.put(e.getKey(), copyValue(e.getValue()));
    }
    return copy;
  }

  @SuppressWarnings("unchecked")
  private static Object copyValue(Object v) {
    if (v instanceof Map<?, ?> m) {
      return deepCopy((Map<String, Object>) m);
    }
    if (v instanceof List<?> l) {
      List<Object> copy = new ArrayList<>();
      for (Object o : l) {
        copy.add(copyValue(o));
      }
      return copy;
    }
    return v;
  }
}
