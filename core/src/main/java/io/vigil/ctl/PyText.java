package io.vigil.ctl;

import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Text the way patronictl's Python writes it, so that scripts written against patronictl parse vigilctl's output
 * unchanged: {@code str()} of values, {@code json.dumps} with its default separators and ASCII escapes,
 * {@code yaml.safe_dump} (sorted keys, YAML 1.1 quoting, width 200) and the timestamps of its messages.
 */
public final class PyText {
  private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

  private PyText() {}

  /** Python's {@code str(value)} for the JSON-like values vigilctl handles. */
  public static String str(Object value) {
    if (value == null) {
      return "None";
    }
    if (value instanceof Boolean b) {
      return b ? "True" : "False";
    }
    if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      if (d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 1e16) {
        return String.valueOf((long) d) + ".0";
      }
      return String.valueOf(d);
    }
    if (value instanceof Map<?, ?> || value instanceof Collection<?>) {
      return repr(value);
    }
    return String.valueOf(value);
  }

  /** Python's {@code repr()} of strings, lists and dicts (used in prompts such as {@code Candidate ['a', 'b']}). */
  public static String repr(Object value) {
    if (value instanceof String s) {
      return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
    if (value instanceof Collection<?> c) {
      List<String> parts = new ArrayList<>();
      for (Object o : c) {
        parts.add(repr(o));
      }
      return "[" + String.join(", ", parts) + "]";
    }
    if (value instanceof Map<?, ?> m) {
      List<String> parts = new ArrayList<>();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        parts.add(repr(e.getKey()) + ": " + repr(e.getValue()));
      }
      return "{" + String.join(", ", parts) + "}";
    }
    return str(value);
  }

  /** {@code json.dumps(value)}: {@code ", "} and {@code ": "} separators, non-ASCII escaped, keys in map order. */
  public static String json(Object value) {
    StringBuilder sb = new StringBuilder();
    writeJson(sb, value);
    return sb.toString();
  }

  private static void writeJson(StringBuilder sb, Object value) {
    if (value == null) {
      sb.append("null");
    } else if (value instanceof Boolean b) {
      sb.append(b ? "true" : "false");
    } else if (value instanceof Number n) {
      sb.append(value instanceof Double || value instanceof Float ? str(n) : n.toString());
    } else if (value instanceof Map<?, ?> m) {
      sb.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!first) {
          sb.append(", ");
        }
        first = false;
        writeString(sb, String.valueOf(e.getKey()));
        sb.append(": ");
        writeJson(sb, e.getValue());
      }
      sb.append('}');
    } else if (value instanceof Collection<?> c) {
      sb.append('[');
      boolean first = true;
      for (Object o : c) {
        if (!first) {
          sb.append(", ");
        }
        first = false;
        writeJson(sb, o);
      }
      sb.append(']');
    } else {
      writeString(sb, String.valueOf(value));
    }
  }

  private static void writeString(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        default -> {
          if (c < 0x20 || c > 0x7e) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }

  /**
   * {@code yaml.safe_dump(data, default_flow_style=flow, allow_unicode=True, width=200)}: keys sorted at every
   * level, as PyYAML does by default. Ends with a newline.
   */
  public static String yaml(Object data, boolean flow) {
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(flow ? DumperOptions.FlowStyle.FLOW : DumperOptions.FlowStyle.BLOCK);
    options.setAllowUnicode(true);
    options.setWidth(200);
    options.setIndent(2);
    return new Yaml(options).dump(sorted(data));
  }

  private static Object sorted(Object data) {
    if (data instanceof Map<?, ?> m) {
      Map<String, Object> out = new TreeMap<>();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        out.put(String.valueOf(e.getKey()), sorted(e.getValue()));
      }
      return out;
    }
    if (data instanceof Collection<?> c) {
      List<Object> out = new ArrayList<>();
      for (Object o : c) {
        out.add(sorted(o));
      }
      return out;
    }
    return data;
  }

  /**
   * {@code yaml.safe_load(text)}: YAML 1.1, so {@code on}/{@code off}/{@code yes} read as booleans exactly as
   * patronictl reads them. Maps keep their order.
   *
   * @throws CtlException when the text is not YAML
   */
  public static Object loadYaml(String text) {
    try {
      LoaderOptions options = new LoaderOptions();
      return normalize(new Yaml(new SafeConstructor(options)).load(text));
    } catch (YAMLException e) {
      throw new CtlException("invalid YAML: " + e.getMessage().replace('\n', ' '));
    }
  }

  private static Object normalize(Object v) {
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        out.put(String.valueOf(e.getKey()), normalize(e.getValue()));
      }
      return out;
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      for (Object o : l) {
        out.add(normalize(o));
      }
      return out;
    }
    if (v instanceof Integer i) {
      return i.longValue();
    }
    if (v instanceof java.math.BigInteger b) {
      return b.longValue();
    }
    return v;
  }

  /**
   * patronictl's {@code timestamp(precision)}: local time {@code %Y-%m-%d %H:%M:%S.%f} with the last
   * {@code 7 - precision} characters cut (so precision 0 drops the fraction, 6 keeps 5 digits, as Python does).
   */
  public static String timestamp(int precision, LocalDateTime now) {
    String full = TS.format(now);
    return full.substring(0, full.length() - (7 - precision));
  }

  public static String timestamp(int precision) {
    return timestamp(precision, LocalDateTime.now());
  }



  /** Python 3's {@code round(bytes / 1024 / 1024)}: to the nearest MB, halves to even. */
  public static long megabytes(long bytes) {
    return (long) Math.rint(bytes / 1024.0 / 1024.0);
  }
}
