package io.vigil.patroni;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vigil.cluster.PatroniJson;
import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How Patroni's Python turns values into text and back: {@code str()} and {@code repr()} of JSON values, float
 * repr, truthiness, datetime {@code str()}, Patroni's {@code parse_bool} and {@code parse_int} (utils.py), and
 * {@code postgres_version_to_int} (postgresql/misc.py).
 */
public final class PyText {
  private PyText() {}

  private static final Pattern HEX = Pattern.compile("^[-+]?0x[0-9a-fA-F]+");
  private static final Pattern OCT = Pattern.compile("^[-+]?0[0-7]*");
  private static final Pattern DEC = Pattern.compile("^[-+]?(0|[1-9][0-9]*)");
  private static final Pattern DBL = Pattern.compile("^[-+]?[0-9]*\\.?[0-9]+([eE][-+]?[0-9]+)?");
  private static final String[] MEMORY_UNITS = {"TB", "GB", "MB", "kB", "B"};
  private static final long[] MEMORY_BYTES = {1L << 40, 1L << 30, 1L << 20, 1L << 10, 1L};
  private static final String[] TIME_UNITS = {"d", "h", "min", "s", "ms", "us"};
  private static final double[] TIME_SECONDS = {86400, 3600, 60, 1, 1e-3, 1e-6};

  /**
   * Python's {@code str(value)} for a value decoded from JSON or YAML: {@code None}, {@code True}, floats as
   * {@link #floatRepr}, dicts and lists as their {@code repr()} ({@code {'a': [1, 'b']}}), strings as they are.
   */
  public static String str(Object value) {
    if (value == null) {
      return "None";
    }
    if (value instanceof Boolean b) {
      return b ? "True" : "False";
    }
    if (isFloat(value)) {
      double d = toDouble((Number) value);
      if (Double.isNaN(d)) {
        return "nan";
      }
      if (Double.isInfinite(d)) {
        return d > 0 ? "inf" : "-inf";
      }
      return floatRepr(d);
    }
    if (value instanceof JsonObject || value instanceof JsonArray || value instanceof Map<?, ?>
        || value instanceof Collection<?>) {
      return repr(value);
    }
    return value.toString();
  }

  /**
   * Python's {@code repr(value)}: strings quoted as Python quotes them (single quotes unless the text holds a
   * single quote and no double quote), dicts and lists with {@code ", "} and {@code ": "}; other values as
   * {@link #str}.
   */
  public static String repr(Object value) {
    if (value instanceof String s) {
      return stringRepr(s);
    }
    if (value instanceof JsonObject o) {
      return repr(o.getMap());
    }
    if (value instanceof JsonArray a) {
      return repr(a.getList());
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

  private static String stringRepr(String s) {
    char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
    StringBuilder b = new StringBuilder(s.length() + 2).append(quote);
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      if (cp == quote || cp == '\\') {
        b.append('\\').appendCodePoint(cp);
      } else if (cp == '\t') {
        b.append("\\t");
      } else if (cp == '\n') {
        b.append("\\n");
      } else if (cp == '\r') {
        b.append("\\r");
      } else if (cp < 0x20 || cp == 0x7f) {
        b.append(String.format(Locale.ROOT, "\\x%02x", cp));
      } else if (cp < 0x7f || isPrintable(cp)) {
        b.appendCodePoint(cp);
      } else if (cp <= 0xff) {
        b.append(String.format(Locale.ROOT, "\\x%02x", cp));
      } else if (cp <= 0xffff) {
        b.append(String.format(Locale.ROOT, "\\u%04x", cp));
      } else {
        b.append(String.format(Locale.ROOT, "\\U%08x", cp));
      }
    }
    return b.append(quote).toString();
  }

  /** Python's {@code str.isprintable()} for one character: not Cc, Cf, Cs, Co, Cn, Zl, Zp, nor Zs but space. */
  private static boolean isPrintable(int cp) {
    return switch (Character.getType(cp)) {
      case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED,
          Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR, Character.SPACE_SEPARATOR -> false;
      default -> true;
    };
  }

  static boolean isFloat(Object value) {
    return value instanceof Double || value instanceof Float || value instanceof BigDecimal;
  }

  /** A float's own shortest digits, not those of its exact double value (1e-5f is 9.99999974e-6 as a double). */
  static double toDouble(Number n) {
    return n instanceof Float f ? Double.parseDouble(Float.toString(f)) : n.doubleValue();
  }

  /**
   * Python's {@code repr(float)} of a finite value: the shortest round-tripping digits, positional for decimal
   * exponents -4..15 ({@code 10000000.0}, {@code 0.0001}), scientific otherwise with a signed two-digit exponent
   * ({@code 1e-05}, {@code 1e+16}). Java's own form ({@code 1.0E7}) would differ. Non-finite values are given as
   * JSON writes them ({@code NaN}, {@code Infinity}, {@code -Infinity}). The same digits as in DCS values.
   */
  public static String floatRepr(double d) {
    return PatroniJson.pythonRepr(d);
  }

  /** Python's truthiness of a JSON value: None, False, 0, 0.0, "", [] and {} are false. */
  public static boolean truthy(Object v) {
    if (v == null) {
      return false;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    if (v instanceof String s) {
      return !s.isEmpty();
    }
    if (v instanceof Number n) {
      return isFloat(n) ? n.doubleValue() != 0 : n.longValue() != 0 || !"0".equals(n.toString());
    }
    if (v instanceof JsonObject o) {
      return !o.isEmpty();
    }
    if (v instanceof JsonArray a) {
      return !a.isEmpty();
    }
    if (v instanceof Map<?, ?> m) {
      return !m.isEmpty();
    }
    if (v instanceof Collection<?> c) {
      return !c.isEmpty();
    }
    return true;
  }

  /** Seconds since the epoch with microseconds, printed as Python prints {@code timedelta.total_seconds()}. */
  public static String epochSeconds(OffsetDateTime t) {
    long micros = t.toEpochSecond() * 1_000_000L + t.getNano() / 1000;
    String s = BigDecimal.valueOf(micros, 6).stripTrailingZeros().toPlainString();
    return s.contains(".") ? s : s + ".0";
  }

  /** {@code str(datetime)}: {@code 2026-11-21 04:58:17.260036+00:00}. */
  public static String datetimeStr(OffsetDateTime t) {
    StringBuilder b = new StringBuilder(32);
    b.append(String.format(Locale.ROOT, "%04d-%02d-%02d %02d:%02d:%02d", t.getYear(), t.getMonthValue(),
        t.getDayOfMonth(), t.getHour(), t.getMinute(), t.getSecond()));
    int micros = t.getNano() / 1000;
    if (micros != 0) {
      b.append(String.format(Locale.ROOT, ".%06d", micros));
    }
    int offset = t.getOffset().getTotalSeconds();
    b.append(offset < 0 ? '-' : '+');
    offset = Math.abs(offset);
    b.append(String.format(Locale.ROOT, "%02d:%02d", offset / 3600, (offset % 3600) / 60));
    if (offset % 60 != 0) {
      b.append(String.format(Locale.ROOT, ":%02d", offset % 60));
    }
    return b.toString();
  }

  private static final DateTimeFormatter FLEXIBLE = new DateTimeFormatterBuilder()
      .parseCaseInsensitive()
      .appendPattern("uuuu-MM-dd")
      .optionalStart().appendLiteral('T').optionalEnd()
      .optionalStart().appendLiteral(' ').optionalEnd()
      .appendPattern("HH:mm")
      .optionalStart().appendPattern(":ss").optionalEnd()
      .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
      .optionalStart().appendOffset("+HH:MM:ss", "Z").optionalEnd()
      .optionalStart().appendOffset("+HHmm", "Z").optionalEnd()
      .optionalStart().appendOffset("+HH", "Z").optionalEnd()
      .toFormatter(Locale.ROOT);

  /** What a timestamp text holds: a time with zone, a time without zone, or nothing parsable. */
  public sealed interface ParsedTime {}

  public record Zoned(OffsetDateTime time) implements ParsedTime {}

  public record Naive(LocalDateTime time) implements ParsedTime {}

  public record Unparsable() implements ParsedTime {}

  /**
   * Reads ISO 8601 and PostgreSQL's timestamp text ({@code 2026-11-21 10:00:00.123+00}); a trailing {@code Z}
   * or {@code UTC} means UTC.
   */
  public static ParsedTime parseTime(Object value) {
    if (!(value instanceof String text)) {
      return new Unparsable();
    }
    String s = text.trim();
    if (s.endsWith(" UTC")) {
      s = s.substring(0, s.length() - 4) + "+00:00";
    }
    try {
      var parsed = FLEXIBLE.parseBest(s, OffsetDateTime::from, LocalDateTime::from);
      if (parsed instanceof OffsetDateTime o) {
        return new Zoned(o);
      }
      return new Naive((LocalDateTime) parsed);
    } catch (DateTimeParseException | ClassCastException e) {
      return new Unparsable();
    }
  }

  /** A PostgreSQL timestamp text as an OffsetDateTime, null when absent or unreadable. */
  public static OffsetDateTime pgTimestamp(String text) {
    if (text == null) {
      return null;
    }
    ParsedTime t = parseTime(text);
    if (t instanceof Zoned z) {
      return z.time();
    }
    if (t instanceof Naive n) {
      return n.time().atOffset(ZoneOffset.UTC);
    }
    return null;
  }

  /** Patroni's {@code parse_bool}: null when the value is neither a true nor a false spelling. */
  public static Boolean parseBool(Object v) {
    String s = str(v).toLowerCase(Locale.ROOT);
    return switch (s) {
      case "on", "true", "yes", "1" -> Boolean.TRUE;
      case "off", "false", "no", "0" -> Boolean.FALSE;
      default -> null;
    };
  }

  /**
   * Patroni's {@code parse_int(value, base_unit)} for base units {@code B} and {@code s} (null: no unit
   * allowed): C-style integer prefixes (0x, leading 0 = octal), an optional fraction, an optional unit; null
   * when unreadable.
   */
  public static Long parseInt(Object value, String baseUnit) {
    if (value == null) {
      return null;
    }
    String s = str(value).strip();
    Double val = null;
    String unit = s;
    Matcher m;
    if ((m = HEX.matcher(s)).find()) {
      val = (double) parseRadix(m.group(), 16);
      unit = s.substring(m.end());
    } else if ((m = OCT.matcher(s)).find()) {
      val = (double) parseRadix(m.group(), 8);
      unit = s.substring(m.end());
    } else if ((m = DEC.matcher(s)).find()) {
      val = Double.parseDouble(m.group());
      unit = s.substring(m.end());
    }
    if ((val == null && unit.startsWith(".")) || (!unit.isEmpty() && ".eE".indexOf(unit.charAt(0)) >= 0)) {
      Matcher d = DBL.matcher(s);
      if (d.find()) {
        val = Double.parseDouble(d.group());
        unit = s.substring(d.end());
      } else {
        val = null;
      }
    }
    if (val == null) {
      return null;
    }
    unit = unit.strip();
    if (unit.isEmpty()) {
      return pyRound(val);
    }
    Double converted = toBaseUnit(val, unit, baseUnit);
    return converted == null ? null : pyRound(converted);
  }

  private static long parseRadix(String text, int radix) {
    String t = text;
    boolean negative = t.startsWith("-");
    if (t.startsWith("-") || t.startsWith("+")) {
      t = t.substring(1);
    }
    if (radix == 16) {
      t = t.substring(2);
    }
    long v = t.isEmpty() ? 0 : Long.parseLong(t, radix);
    return negative ? -v : v;
  }

  private static Double toBaseUnit(double value, String unit, String baseUnit) {
    if ("B".equals(baseUnit)) {
      return convert(value, unit, MEMORY_UNITS, MEMORY_BYTES.length, i -> (double) MEMORY_BYTES[i]);
    }
    if ("s".equals(baseUnit)) {
      return convert(value, unit, TIME_UNITS, TIME_SECONDS.length, i -> TIME_SECONDS[i]);
    }
    return null;
  }

  private static Double convert(double value, String unit, String[] units, int n,
      java.util.function.IntToDoubleFunction factor) {
    for (int i = 0; i < n; i++) {
      if (units[i].equals(unit)) {
        double v = value * factor.applyAsDouble(i);
        if (i + 1 < n) {
          // Patroni rounds to the next smaller unit before converting, as PostgreSQL does
          double multiplier = factor.applyAsDouble(i + 1);
          v = Math.rint(v / multiplier) * multiplier;
        }
        return v;
      }
    }
    return null;
  }

  /** Python 3's round(): half to even. */
  private static long pyRound(double v) {
    if (v >= 9.223372036854776E18 || v <= -9.223372036854776E18) {
      return v > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
    }
    return (long) Math.rint(v);
  }

  /** Thrown with Patroni's exact message when a PostgreSQL version text is invalid. */
  public static final class InvalidVersion extends Exception {
    InvalidVersion(String message) {
      super(message, null, false, false);
    }
  }

  /** {@code postgres_version_to_int}: 9.6.3 → 90603, 15.2 → 150002. */
  public static int postgresVersionToInt(String version) throws InvalidVersion {
    String[] parts = version.split("\\.", -1);
    int[] c = new int[parts.length];
    try {
      for (int i = 0; i < parts.length; i++) {
        c[i] = Integer.parseInt(parts[i].strip());
      }
    } catch (NumberFormatException e) {
      throw new InvalidVersion("Invalid PostgreSQL version: " + version);
    }
    if (c.length < 2 || (c.length == 2 && c[0] < 10) || c.length > 3) {
      throw new InvalidVersion("Invalid PostgreSQL version format: X.Y or X.Y.Z is accepted: " + version);
    }
    if (c.length == 2) {
      return c[0] * 10000 + c[1];
    }
    return c[0] * 10000 + c[1] * 100 + c[2];
  }

  /** Python's {@code str.title()}: each run of letters starts upper-case and goes on lower-case. */
  public static String title(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    boolean prevLetter = false;
    for (char c : s.toCharArray()) {
      sb.append(prevLetter ? Character.toLowerCase(c) : Character.toUpperCase(c));
      prevLetter = Character.isLetter(c);
    }
    return sb.toString();
  }
}
