package io.vigil.patroni;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;

/**
 * JSON text exactly as Python's {@code json.dumps(value, default=str)} writes it with its other defaults: {@code ", "}
 * and {@code ": "} separators, keys in map order, every character outside space..tilde escaped
 * ({@code ensure_ascii}, lower-case hex, one escape per UTF-16 unit), floats as {@code float.__repr__}. Patroni's
 * REST answers and patronictl's {@code -f json} are written this way; clients diff them byte for byte.
 *
 * <p>DCS values use the compact separators instead: see {@code io.vigil.cluster.PatroniJson}.
 */
public final class PyJson {
  private PyJson() {}

  /** {@code json.dumps(value, default=str)}. */
  public static String dumps(Object value) {
    StringBuilder out = new StringBuilder(256);
    append(out, value);
    return out.toString();
  }

  private static void append(StringBuilder out, Object value) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof String s) {
      string(out, s);
    } else if (value instanceof Boolean b) {
      out.append(b ? "true" : "false");
    } else if (PyText.isFloat(value)) {
      out.append(PyText.floatRepr(PyText.toDouble((Number) value)));
    } else if (value instanceof BigInteger n) {
      out.append(n);
    } else if (value instanceof Number n) {
      out.append(n.longValue());
    } else if (value instanceof JsonObject o) {
      append(out, o.getMap());
    } else if (value instanceof JsonArray a) {
      append(out, a.getList());
    } else if (value instanceof Map<?, ?> m) {
      out.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!first) {
          out.append(", ");
        }
        first = false;
        string(out, String.valueOf(e.getKey()));
        out.append(": ");
        append(out, e.getValue());
      }
      out.append('}');
    } else if (value instanceof Collection<?> c) {
      out.append('[');
      boolean first = true;
      for (Object o : c) {
        if (!first) {
          out.append(", ");
        }
        first = false;
        append(out, o);
      }
      out.append(']');
    } else if (value instanceof OffsetDateTime t) {
      // default=str prints a datetime with str(): a space, not a 'T'
      string(out, PyText.datetimeStr(t));
    } else {
      string(out, value.toString());
    }
  }

  private static void string(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20 || c > 0x7e) {
            out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
