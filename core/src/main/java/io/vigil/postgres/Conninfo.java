package io.vigil.postgres;

import java.util.Map;
import java.util.StringJoiner;

/** libpq key/value connection strings. */
final class Conninfo {
  private Conninfo() {}

  /** {@code key=value} pairs separated by spaces, values quoted when libpq needs it; nulls are skipped. */
  static String render(Map<String, String> params) {
    StringJoiner out = new StringJoiner(" ");
    params.forEach((k, v) -> {
      if (v != null) {
        out.add(k + "=" + quote(v));
      }
    });
    return out.toString();
  }

  static String quote(String value) {
    if (!value.isEmpty() && value.chars().noneMatch(c -> c == ' ' || c == '\'' || c == '\\' || c == '\t')) {
      return value;
    }
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}
