package io.vigil.ctl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pure part of {@code edit-config}: the dynamic configuration as YAML, {@code -s/-p} edits, {@code --apply}
 * merges and {@code --replace}, each returning the new YAML text and value exactly as patronictl computes them.
 */
public final class ConfigEdits {
  private ConfigEdits() {}

  /** The edited text (shown in the diff) and the value that would be written. */
  public record Result(String text, Map<String, Object> data) {}

  /** {@code format_config_for_editing}: block YAML, keys sorted. */
  public static String format(Map<String, Object> config) {
    return PyText.yaml(config, false);
  }

  /**
   * Applies {@code key.path=yamlvalue} pairs. Everything after {@code postgresql.parameters.} is one GUC name
   * (GUCs may contain dots); a null value (or nothing after '=') removes the key, and maps emptied that way go.
   *
   * @throws CtlException {@code Invalid parameter setting <pair>} when a pair has no '='
   */
  public static Result set(Map<String, Object> config, List<String> pairs) {
    Map<String, Object> changed = deepCopy(config);
    for (String pair : pairs) {
      if (pair == null || pair.isEmpty() || !pair.contains("=")) {
        throw new CtlException("Invalid parameter setting " + pair);
      }
      int eq = pair.indexOf('=');
      String keyPath = pair.substring(0, eq).strip();
      Object value = PyText.loadYaml(pair.substring(eq + 1));
      setPath(changed, new ArrayList<>(Arrays.asList(keyPath.split("\\.", -1))), value, List.of());
    }
    return new Result(format(changed), changed);
  }

  /** {@code -p guc=value} is {@code -s postgresql.parameters.guc=value}. */
  public static List<String> pgPairs(List<String> pgPairs) {
    List<String> out = new ArrayList<>();
    for (String p : pgPairs) {
      out.add("postgresql.parameters." + p.stripLeading());
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static void setPath(Map<String, Object> config, List<String> path, Object value, List<String> prefix) {
    List<String> p = path;
    if (prefix.equals(List.of("postgresql", "parameters"))) {
      p = List.of(String.join(".", path));
    }
    String key = p.get(0);
    if (p.size() == 1) {
      if (value == null) {
        config.remove(key);
      } else {
        config.put(key, value);
      }
      return;
    }
    if (!(config.get(key) instanceof Map)) {
      config.put(key, new LinkedHashMap<String, Object>());
    }
    Map<String, Object> child = (Map<String, Object>) config.get(key);
    List<String> nextPrefix = new ArrayList<>(prefix);
    nextPrefix.add(key);
    setPath(child, p.subList(1, p.size()), value, nextPrefix);
    if (child.isEmpty()) {
      config.remove(key);
    }
  }

  /**
   * {@code --apply}: Patroni's {@code patch_config}: null deletes, maps merge, and a scalar whose text equals the
   * old value's text keeps the old value (so {@code 100} stays a number when the file says {@code '100'}).
   */
  @SuppressWarnings("unchecked")
  public static Result apply(Map<String, Object> config, Object yamlDocument) {
    Map<String, Object> changed = deepCopy(config);
    if (yamlDocument != null) {
      if (!(yamlDocument instanceof Map)) {
        throw new CtlException("the configuration to apply must be a YAML mapping");
      }
      patch(changed, (Map<String, Object>) yamlDocument);
    }
    return new Result(format(changed), changed);
  }

  /** {@code --replace}: the file becomes the whole configuration. */
  public static Result replace(Object yamlDocument) {
    return apply(new LinkedHashMap<>(), yamlDocument);
  }

  @SuppressWarnings("unchecked")
  static boolean patch(Map<String, Object> config, Map<String, Object> data) {
    boolean changed = false;
    for (Map.Entry<String, Object> e : data.entrySet()) {
      String name = e.getKey();
      Object value = e.getValue();
      if (value == null) {
        changed |= config.remove(name) != null;
      } else if (config.containsKey(name)) {
        Object old = config.get(name);
        if (value instanceof Map) {
          if (old instanceof Map) {
            changed |= patch((Map<String, Object>) old, (Map<String, Object>) value);
          } else {
            config.put(name, deepCopyValue(value));
            changed = true;
          }
        } else if (!PyText.str(old).equals(PyText.str(value))) {
          config.put(name, deepCopyValue(value));
          changed = true;
        }
      } else {
        config.put(name, deepCopyValue(value));
        changed = true;
      }
    }
    return changed;
  }

  /** A mutable deep copy (maps keep their order). */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> deepCopy(Map<String, Object> config) {
    return (Map<String, Object>) deepCopyValue(config);
  }

  private static Object deepCopyValue(Object v) {
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, val) -> out.put(String.valueOf(k), deepCopyValue(val)));
      return out;
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      l.forEach(o -> out.add(deepCopyValue(o)));
      return out;
    }
    return v;
  }

  /** Python's {@code ==} on JSON values: numbers compare by value whatever their Java type. */
  public static boolean sameValue(Object x, Object y) {
    if (x instanceof Number a && y instanceof Number b) {
      return a.doubleValue() == b.doubleValue();
    }
    if (x instanceof Map<?, ?> a && y instanceof Map<?, ?> b) {
      if (!a.keySet().equals(b.keySet())) {
        return false;
      }
      for (Object k : a.keySet()) {
        if (!sameValue(a.get(k), b.get(k))) {
          return false;
        }
      }
      return true;
    }
    if (x instanceof List<?> a && y instanceof List<?> b) {
      if (a.size() != b.size()) {
        return false;
      }
      for (int i = 0; i < a.size(); i++) {
        if (!sameValue(a.get(i), b.get(i))) {
          return false;
        }
      }
      return true;
    }
    return java.util.Objects.equals(x, y);
  }
}
