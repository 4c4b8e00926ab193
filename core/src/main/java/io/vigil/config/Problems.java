package io.vigil.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects validation errors and warnings as Patroni-style lines, {@code <file>: <key.path>: <message>}.
 * Each key path remembers which file (or the environment) last set it, so that in a merged directory of
 * YAML files the line names the file the operator has to edit.
 */
final class Problems {
  private final String defaultOrigin;
  private final Map<String, String> origins = new HashMap<>();
  private final List<String> errors = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();

  Problems(String defaultOrigin) {
    this.defaultOrigin = defaultOrigin;
  }

  /** Records that {@code origin} set every key of {@code tree} (recursively) under {@code prefix}. */
  void recordOrigin(String prefix, Object tree, String origin) {
    if (!prefix.isEmpty()) {
      origins.put(prefix, origin);
    }
    if (tree instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> e : map.entrySet()) {
        String key = String.valueOf(e.getKey());
        recordOrigin(prefix.isEmpty() ? key : prefix + "." + key, e.getValue(), origin);
      }
    }
  }

  /** The file that set {@code path} or its nearest parent. */
  String originOf(String path) {
    String p = path;
    while (true) {
      int bracket = p.indexOf('[');
      String lookup = bracket < 0 ? p : p.substring(0, bracket);
      String origin = origins.get(lookup);
      if (origin != null) {
        return origin;
      }
      int dot = lookup.lastIndexOf('.');
      if (dot < 0) {
        return defaultOrigin;
      }
      p = lookup.substring(0, dot);
    }
  }

  void error(String path, String message) {
    errors.add(line(path, message));
  }

  void warn(String path, String message) {
    warnings.add(line(path, message));
  }

  /** Without any origin (a DCS value checked on its own) the line starts with the key path. */
  private String line(String path, String message) {
    String origin = originOf(path);
    String where = path.isEmpty() ? "" : path + ": ";
    return origin == null ? where + message : origin + ": " + where + message;
  }

  List<String> errors() {
    return errors;
  }

  List<String> warnings() {
    return warnings;
  }
}
