package io.vigil.patroni;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Patroni's merge and comparison rules for the dynamic configuration (utils.py {@code patch_config} and
 * {@code deep_compare}), used by REST {@code PATCH}/{@code PUT /config} and by {@code vigilctl edit-config}.
 * Scalars are compared by their Python {@code str()}, so {@code 30} and {@code "30"} are the same value.
 */
public final class ConfigPatch {
  private ConfigPatch() {}

  /**
   * {@code patch_config(config, data)}: merges {@code data} into {@code config} in place. A null value deletes the
   * key; a map merges into a map (and replaces anything else); another value replaces the old one only when its
   * {@code str()} differs, so the old value (and its type) stays otherwise. Values are copied in, never shared.
   *
   * @param config a mutable map whose nested maps are mutable too (see {@link #deepCopy})
   * @return whether anything changed; removing a key whose value was null does not count, as in Patroni
   */
  @SuppressWarnings("unchecked")
  public static boolean patch(Map<String, Object> config, Map<String, Object> data) {
    boolean changed = false;
    for (Map.Entry<String, Object> e : data.entrySet()) {
      String name = e.getKey();
      Object value = e.getValue();
      if (value == null) {
        changed |= config.remove(name) != null;
      } else if (config.containsKey(name)) {
        Object old = config.get(name);
        if (value instanceof Map<?, ?> v) {
          if (old instanceof Map<?, ?>) {
            changed |= patch((Map<String, Object>) old, (Map<String, Object>) v);
          } else {
            config.put(name, copy(value));
            changed = true;
          }
        } else if (!PyText.str(old).equals(PyText.str(value))) {
          config.put(name, copy(value));
          changed = true;
        }
      } else {
        config.put(name, copy(value));
        changed = true;
      }
    }
    return changed;
  }

  /** {@code deep_compare(a, b)}: the same keys, nested maps equal, other values equal as {@code str()}. */
  @SuppressWarnings("unchecked")
  public static boolean deepCompare(Map<String, Object> a, Map<String, Object> b) {
    if (!a.keySet().equals(b.keySet())) {
      return false;
    }
    for (Map.Entry<String, Object> e : a.entrySet()) {
      Object other = b.get(e.getKey());
      if (e.getValue() instanceof Map<?, ?> m) {
        if (!(other instanceof Map<?, ?> o && deepCompare((Map<String, Object>) m, (Map<String, Object>) o))) {
          return false;
        }
      } else if (!Objects.equals(PyText.str(e.getValue()), PyText.str(other))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Python's {@code ==} on JSON values: numbers (and booleans, which are numbers in Python) compare by value
   * whatever their Java type, maps ignore their order, lists do not.
   */
  public static boolean pyEquals(Object x, Object y) {
    Object a = x instanceof Boolean b ? (b ? 1L : 0L) : x;
    Object c = y instanceof Boolean b ? (b ? 1L : 0L) : y;
    if (a instanceof Number n && c instanceof Number m) {
      return PyText.isFloat(n) || PyText.isFloat(m) ? n.doubleValue() == m.doubleValue()
          : n.toString().equals(m.toString());
    }
    if (a instanceof Map<?, ?> p && c instanceof Map<?, ?> q) {
      if (!p.keySet().equals(q.keySet())) {
        return false;
      }
      for (Object k : p.keySet()) {
        if (!pyEquals(p.get(k), q.get(k))) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof List<?> p && c instanceof List<?> q) {
      if (p.size() != q.size()) {
        return false;
      }
      for (int i = 0; i < p.size(); i++) {
        if (!pyEquals(p.get(i), q.get(i))) {
          return false;
        }
      }
      return true;
    }
    return Objects.equals(a, c);
  }

  /** A mutable deep copy; maps keep their order and get String keys. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> deepCopy(Map<String, ?> config) {
    return (Map<String, Object>) copy(config);
  }

  private static Object copy(Object v) {
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, val) -> out.put(String.valueOf(k), copy(val)));
      return out;
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      l.forEach(o -> out.add(copy(o)));
      return out;
    }
    return v;
  }
}
