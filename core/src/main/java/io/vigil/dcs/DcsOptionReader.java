package io.vigil.dcs;

import io.vigil.config.DcsSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Reads the values of a plugin's DCS section ({@code consul:}, {@code zookeeper:}, ...) as Patroni accepts them,
 * adding a {@code <section>.<key>: ...} line to {@code problems} for each value of the wrong kind. (Core's own
 * settings go through io.vigil.config's ConfigReader, whose messages have another form.)
 */
public final class DcsOptionReader {
  private final String section;
  private final Map<String, Object> options;
  private final List<String> problems;

  public DcsOptionReader(String section, Map<String, Object> options, List<String> problems) {
    this.section = section;
    this.options = options;
    this.problems = problems;
  }

  /**
   * Runs {@code parse} on the section's options; throws with every problem it reported (one per line) when
   * there is any.
   */
  public static <T> T parseOrThrow(DcsSettings settings, BiFunction<Map<String, Object>, List<String>, T> parse) {
    List<String> problems = new ArrayList<>();
    T options = parse.apply(settings.options(), problems);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("\n", problems));
    }
    return options;
  }

  /** The problems {@code parse} reports for the section's options; empty when it is valid. */
  public static List<String> problems(DcsSettings settings, BiFunction<Map<String, Object>, List<String>, ?> parse) {
    List<String> problems = new ArrayList<>();
    parse.apply(settings.options(), problems);
    return problems;
  }

  /** true/on/yes/1 or false/off/no/0, any case; {@code fallback} when absent or not a boolean. */
  public boolean bool(String name, boolean fallback) {
    Object v = options.get(name);
    if (v == null) {
      return fallback;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    switch (String.valueOf(v).trim().toLowerCase(Locale.ROOT)) {
      case "true", "on", "yes", "1":
        return true;
      case "false", "off", "no", "0":
        return false;
      default:
        problems.add(section + "." + name + ": expected a boolean, got '" + v + "'");
        return fallback;
    }
  }

  /** A single value, trimmed; null when absent, empty or a mapping or list. */
  public String text(String name) {
    Object v = options.get(name);
    if (v == null) {
      return null;
    }
    if (v instanceof Map<?, ?> || v instanceof List<?>) {
      problems.add(section + "." + name + ": expected a single value, got " + v);
      return null;
    }
    String s = String.valueOf(v).trim();
    return s.isEmpty() ? null : s;
  }

  /** A file name, as given (not trimmed); null when absent, blank or a mapping or list. */
  public String fileName(String name) {
    Object v = options.get(name);
    if (v == null) {
      return null;
    }
    if (v instanceof Map<?, ?> || v instanceof List<?>) {
      problems.add(section + "." + name + ": expected a file name");
      return null;
    }
    String s = String.valueOf(v);
    return s.isBlank() ? null : s;
  }

  /** A YAML list, or a comma-separated string as the PATRONI_* variables give it; empty when absent. */
  public List<String> list(String name) {
    Object v = options.get(name);
    List<String> out = new ArrayList<>();
    if (v == null) {
      return out;
    }
    if (v instanceof List<?> l) {
      l.forEach(item -> out.add(String.valueOf(item).trim()));
    } else if (v instanceof Map<?, ?>) {
      problems.add(section + "." + name + ": expected a list, got " + v);
    } else {
      for (String part : String.valueOf(v).split(",")) {
        if (!part.isBlank()) {
          out.add(part.trim());
        }
      }
    }
    return out;
  }
}
