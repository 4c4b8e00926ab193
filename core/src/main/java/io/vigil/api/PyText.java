package io.vigil.api;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How Patroni (Python) turns values into text and back: {@code str()} of JSON values, float repr, datetime
 * str/isoformat, {@code parse_int} with memory units, {@code parse_bool}, PostgreSQL version numbers and LSNs.
 * The REST contract depends on these spellings, so they are kept in one place and tested as tables.
 */
final class PyText {
  private PyText() {}

  private static final Pattern HEX = Pattern.compile("^[-+]?0x[0-9a-fA-F]+");
  private static final Pattern OCT = Pattern.compile("^[-+]?0[0-7]*");
  private static final Pattern DEC = Pattern.compile("^[-+]?(0|[1-9][0-9]*)");
  private static final Pattern DBL = Pattern.compile("^[-+]?[0-9]*\\.?[0-9]+([eE][-+]?[0-9]+)?");
  private static final String[] MEMORY_UNITS = {"TB", "GB", "MB", "kB", "B"};
  private static final long[] MEMORY_BYTES = {1L << 40, 1L << 30, 1L << 20, 1L << 10, 1L};
  private static final String[] TIME_UNITS = {"d", "h", "min", "s", "ms", "us"};
  private static final double[] TIME_SECONDS = {86400, 3600, 60, 1, 1e-3, 1e-6};

  /** Python's {@code str()} of a value decoded from JSON (True, None, 1.5, dict and list reprs are rough). */
  static String str(Object v) {
    if (v == null) {
      return "None";
    }
    if (v instanceof Boolean b) {
      return b ? "True" : "False";
    }
    if (v instanceof Double || v instanceof Float || v instanceof BigDecimal) {
      return floatRepr(((Number) v).doubleValue());
    }
    if (v instanceof Map<?, ?> || v instanceof Collection<?>) {
      return JsonText.write(v);
    }
    return v.toString();
  }

  /** Python's repr of a float: shortest round-trip digits, always with a fractional part. */
  static String floatRepr(double d) {
    if (Double.isNaN(d)) {
      return "NaN";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "Infinity" : "-Infinity";
    }
    String s = new BigDecimal(Double.toString(d)).stripTrailingZeros().toPlainString();
    return s.contains(".") ? s : s + ".0";
  }

  /** Seconds since the epoch with microseconds, printed as Python prints {@code timedelta.total_seconds()}. */
  static String epochSeconds(OffsetDateTime t) {
    long micros = t.toEpochSecond() * 1_000_000L + t.getNano() / 1000;
    String s = BigDecimal.valueOf(micros, 6).stripTrailingZeros().toPlainString();
    return s.contains(".") ? s : s + ".0";
  }

  /** {@code str(datetime)}: {@code 2026-11-21 04:58:17.260036+00:00}. */
  static String datetimeStr(OffsetDateTime t) {
    return format(t, ' ');
  }


  private static String format(OffsetDateTime t, char sep) {
    StringBuilder b = new StringBuilder(32);
    b.append(String.format(Locale.ROOT, "%04d-%02d-%02d%c%02d:%02d:%02d", t.getYear(), t.getMonthValue(),
        t.getDayOfMonth(), sep, t.getHour(), t.getMinute(), t.getSecond()));
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
  sealed interface ParsedTime {}

  record Zoned(OffsetDateTime time) implements ParsedTime {}

  record Naive(LocalDateTime time) implements ParsedTime {}

  record Unparsable() implements ParsedTime {}

  /**
   * Reads ISO 8601 and PostgreSQL's timestamp text ({@code 2026-11-21 10:00:00.123+00}); a trailing {@code Z}
   * or {@code UTC} means UTC.
   */
  static ParsedTime parseTime(Object value) {
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
  static OffsetDateTime pgTimestamp(String text) {
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

  static OffsetDateTime utc(Instant i) {
    return i.atOffset(ZoneOffset.UTC);
  }

  /** Patroni's {@code parse_bool}: null when the value is neither a true nor a false spelling. */
  static Boolean parseBool(Object v) {
    String s = str(v).toLowerCase(Locale.ROOT);
    return switch (s) {
      case "on", "true", "yes", "1" -> Boolean.TRUE;
      case "off", "false", "no", "0" -> Boolean.FALSE;
      default -> null;
    };
  }

  /**
   * Patroni's {@code parse_int(value, base_unit)} for base units {@code B} and {@code s}: C-style integer
   * prefixes (0x, leading 0 = octal), an optional fraction, an optional unit; null when unreadable.
   */
  static Long parseInt(Object value, String baseUnit) {
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
      for (int i = 0; i < MEMORY_UNITS.length; i++) {
        if (MEMORY_UNITS[i].equals(unit)) {
          double v = value * MEMORY_BYTES[i];
          if (i + 1 < MEMORY_UNITS.length) {
            // Patroni rounds to the next smaller unit before converting, as PostgreSQL does
            double multiplier = MEMORY_BYTES[i + 1];
            v = Math.rint(v / multiplier) * multiplier;
          }
          return v;
        }
      }
      return null;
    }
    if ("s".equals(baseUnit)) {
      for (int i = 0; i < TIME_UNITS.length; i++) {
        if (TIME_UNITS[i].equals(unit)) {
          double v = value * TIME_SECONDS[i];
          if (i + 1 < TIME_UNITS.length) {
            double multiplier = TIME_SECONDS[i + 1];
            v = Math.rint(v / multiplier) * multiplier;
          }
          return v;
        }
      }
      return null;
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
  static final class InvalidVersion extends Exception {
    InvalidVersion(String message) {
      super(message, null, false, false);
    }
  }

  /** {@code postgres_version_to_int}: 9.6.3 → 90603, 15.2 → 150002. */
  static int postgresVersionToInt(String version) throws InvalidVersion {
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


  /** {@code "switchover".title()}. */
  static String title(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
