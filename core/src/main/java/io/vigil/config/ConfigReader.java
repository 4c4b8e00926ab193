package io.vigil.config;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Typed, path-aware reading of one YAML mapping. Every getter marks its key as known (so that the rest can be
 * reported as unknown) and reports a wrong type as an error naming the full key path, then returns the
 * default so that validation goes on and reports every problem at once.
 */
final class ConfigReader {
  private final Map<String, Object> map;
  private final String path;
  private final Problems problems;
  private final Set<String> known = new LinkedHashSet<>();

  ConfigReader(Map<String, Object> map, String path, Problems problems) {
    this.map = map == null ? Map.of() : map;
    this.path = path;
    this.problems = problems;
  }

  String path() {
    return path;
  }

  Map<String, Object> values() {
    return map;
  }

  String key(String k) {
    return path.isEmpty() ? k : path + "." + k;
  }

  boolean has(String k) {
    known.add(k);
    return map.get(k) != null;
  }

  Object raw(String k) {
    known.add(k);
    return map.get(k);
  }

  void markKnown(String... keys) {
    Collections.addAll(known, keys);
  }

  void error(String k, String message) {
    problems.error(key(k), message);
  }

  void warn(String k, String message) {
    problems.warn(key(k), message);
  }

  /** Reports every key nobody asked for as a warning: a typo must not stop the node, but must be seen. */
  void warnUnknown() {
    for (String k : map.keySet()) {
      if (!known.contains(k)) {
        problems.warn(key(k), "unknown key, ignored");
      }
    }
  }

  String string(String k, String fallback) {
    Object v = raw(k);
    if (v == null) {
      return fallback;
    }
    if (v instanceof Map || v instanceof List) {
      error(k, "expected a string, got " + describe(v));
      return fallback;
    }
    return String.valueOf(v);
  }

  String requiredString(String k) {
    String v = string(k, null);
    if (v == null && !(map.get(k) instanceof Map || map.get(k) instanceof List)) {
      error(k, "is required, got nothing");
    } else if (v != null && v.isBlank()) {
      error(k, "expected a non-empty string, got ''");
      return null;
    }
    return v;
  }

  /** A secret is read like a string but its value never appears in a message. */
  Secret secret(String k) {
    Object v = raw(k);
    if (v == null) {
      return null;
    }
    if (v instanceof Map || v instanceof List) {
      error(k, "expected a string, got " + describe(v));
      return null;
    }
    return Secret.of(String.valueOf(v));
  }

  int integer(String k, int fallback, long min, long max) {
    return (int) longValue(k, fallback, min, max);
  }

  long longValue(String k, long fallback, long min, long max) {
    Object v = raw(k);
    if (v == null) {
      return fallback;
    }
    Long n = toLong(v);
    if (n == null) {
      error(k, "expected an integer" + (min == Long.MIN_VALUE ? "" : " " + range(min, max)) + ", got " + describe(v));
      return fallback;
    }
    if (n < min || n > max) {
      error(k, "expected an integer " + range(min, max) + ", got " + n);
      return fallback;
    }
    return n;
  }

  boolean bool(String k, boolean fallback) {
    Boolean b = optionalBool(k);
    return b == null ? fallback : b;
  }

  Boolean optionalBool(String k) {
    Object v = raw(k);
    if (v == null) {
      return null;
    }
    Boolean b = toBool(v);
    if (b == null) {
      error(k, "expected a boolean, got " + describe(v));
    }
    return b;
  }

  /** A nested mapping; a missing key gives an empty mapping. */
  Map<String, Object> map(String k) {
    Object v = raw(k);
    if (v == null) {
      return Map.of();
    }
    if (!(v instanceof Map)) {
      error(k, "expected a mapping, got " + describe(v));
      return Map.of();
    }
    return asMap(v);
  }

  ConfigReader section(String k) {
    return new ConfigReader(map(k), key(k), problems);
  }

  /** A list; with {@code commaString} a plain string is split on commas as Patroni does for env values. */
  List<Object> list(String k, boolean commaString) {
    Object v = raw(k);
    if (v == null) {
      return List.of();
    }
    if (v instanceof List<?> l) {
      return new ArrayList<>(l);
    }
    if (commaString && v instanceof String s) {
      List<Object> out = new ArrayList<>();
      for (String part : s.split(",")) {
        if (!part.isBlank()) {
          out.add(part.trim());
        }
      }
      return out;
    }
    error(k, "expected a list, got " + describe(v));
    return List.of();
  }

  List<String> stringList(String k, boolean commaString) {
    List<String> out = new ArrayList<>();
    List<Object> items = list(k, commaString);
    for (int i = 0; i < items.size(); i++) {
      Object item = items.get(i);
      if (item instanceof Map || item instanceof List || item == null) {
        problems.error(key(k) + "[" + i + "]", "expected a string, got " + describe(item));
      } else {
        out.add(String.valueOf(item));
      }
    }
    return List.copyOf(out);
  }

  Map<String, String> stringMap(String k) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : map(k).entrySet()) {
      Object v = e.getValue();
      if (v instanceof Map || v instanceof List) {
        problems.error(key(k) + "." + e.getKey(), "expected a string, got " + describe(v));
      } else if (v != null) {
        out.put(e.getKey(), String.valueOf(v));
      }
    }
    return Collections.unmodifiableMap(out);
  }

  HostPort hostPort(String k, boolean required, int defaultPort) {
    String v = required ? requiredString(k) : string(k, null);
    if (v == null) {
      return null;
    }
    try {
      return HostPort.parse(v, defaultPort);
    } catch (IllegalArgumentException e) {
      error(k, e.getMessage());
      return null;
    }
  }

  /** A path, made absolute against the working directory as Patroni's relative paths are. */
  Path path(String k, Path workDir, boolean required) {
    String v = required ? requiredString(k) : string(k, null);
    if (v == null || v.isBlank()) {
      return null;
    }
    return resolve(v, workDir);
  }

  static Path resolve(String v, Path workDir) {
    String expanded = v.startsWith("~/") ? System.getProperty("user.home") + v.substring(1) : v;
    return workDir.resolve(expanded).toAbsolutePath().normalize();
  }

  // ---- conversions shared with GlobalConfigParser ----

  @SuppressWarnings("unchecked")
  static Map<String, Object> asMap(Object v) {
    Map<String, Object> out = new LinkedHashMap<>();
    ((Map<Object, Object>) v).forEach((key, value) -> out.put(String.valueOf(key), value));
    return out;
  }

  static Long toLong(Object v) {
    if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof BigInteger b) {
      return b.bitLength() < 64 ? b.longValue() : null;
    }
    if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      return d == Math.rint(d) && !Double.isInfinite(d) ? (long) d : null;
    }
    if (v instanceof String s) {
      try {
        return Long.parseLong(s.trim());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  /** Patroni's {@code parse_bool}: true/false, on/off, yes/no, 1/0 in any case. */
  static Boolean toBool(Object v) {
    if (v instanceof Boolean b) {
      return b;
    }
    if (v instanceof Number n) {
      long l = n.longValue();
      return l == 1 ? Boolean.TRUE : l == 0 ? Boolean.FALSE : null;
    }
    if (v instanceof String s) {
      switch (s.trim().toLowerCase(Locale.ROOT)) {
        case "true", "on", "yes", "y", "1":
          return true;
        case "false", "off", "no", "n", "0":
          return false;
        default:
          return null;
      }
    }
    return null;
  }

  /** How a wrong value is shown in a message: scalars quoted, containers by kind. */
  static String describe(Object v) {
    if (v == null) {
      return "nothing";
    }
    if (v instanceof Map) {
      return "a mapping";
    }
    if (v instanceof List) {
      return "a list";
    }
    if (v instanceof String s) {
      return "'" + s + "'";
    }
    return String.valueOf(v);
  }

  static String range(long min, long max) {
    if (max == Long.MAX_VALUE || max == Integer.MAX_VALUE) {
      return ">= " + min;
    }
    return "in " + min + ".." + max;
  }
}
