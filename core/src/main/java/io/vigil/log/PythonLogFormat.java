package io.vigil.log;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.logging.LogRecord;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parts of Python's logging that Patroni's {@code log.format} and {@code log.dateformat} rely on:
 * {@code %(field)s} placeholders with optional width and alignment, and strftime date formats.
 */
final class PythonLogFormat {
  private static final Pattern FIELD = Pattern.compile("%\\((\\w+)\\)([-#0 +]*)(\\d*)(?:\\.(\\d+))?([sdifrx])|%%");
  private static final DateTimeFormatter DEFAULT_DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);

  private sealed interface Part permits Literal, Field {}

  private record Literal(String text) implements Part {}

  private record Field(String name, boolean left, int width, int precision) implements Part {}

  private final List<Part> parts = new ArrayList<>();
  private final String dateformat;
  private final ZoneId zone;

  PythonLogFormat(String format, String dateformat, ZoneId zone) {
    this.dateformat = dateformat;
    this.zone = zone;
    Matcher m = FIELD.matcher(format);
    int last = 0;
    while (m.find()) {
      if (m.start() > last) {
        parts.add(new Literal(format.substring(last, m.start())));
      }
      if (m.group().equals("%%")) {
        parts.add(new Literal("%"));
      } else {
        String flags = m.group(2);
        parts.add(new Field(m.group(1), flags.contains("-"),
            m.group(3).isEmpty() ? 0 : Integer.parseInt(m.group(3)),
            m.group(4) == null ? -1 : Integer.parseInt(m.group(4))));
      }
      last = m.end();
    }
    if (last < format.length()) {
      parts.add(new Literal(format.substring(last)));
    }
  }

  /** The field names used, in order (the keys of a JSON log line). */
  List<String> fieldNames() {
    List<String> names = new ArrayList<>();
    for (Part p : parts) {
      if (p instanceof Field f) {
        names.add(f.name());
      }
    }
    return names;
  }

  String format(LogRecord record, String message) {
    StringBuilder b = new StringBuilder();
    for (Part p : parts) {
      if (p instanceof Literal l) {
        b.append(l.text());
      } else if (p instanceof Field f) {
        String value = field(f.name(), record, message);
        if (f.precision() >= 0 && value.length() > f.precision()) {
          value = value.substring(0, f.precision());
        }
        if (value.length() < f.width()) {
          String pad = " ".repeat(f.width() - value.length());
          value = f.left() ? value + pad : pad + value;
        }
        b.append(value);
      }
    }
    return b.toString();
  }

  String field(String name, LogRecord record, String message) {
    return switch (name) {
      case "asctime" -> asctime(record.getInstant());
      case "levelname" -> LogLevels.pythonName(record.getLevel());
      case "levelno" -> String.valueOf(pythonLevelNumber(record));
      case "message" -> message;
      case "name" -> String.valueOf(record.getLoggerName());
      case "process" -> String.valueOf(ProcessHandle.current().pid());
      case "thread" -> String.valueOf(record.getLongThreadID());
      case "threadName" -> Thread.currentThread().getName();
      case "module", "filename" -> simpleClass(record.getSourceClassName());
      case "pathname" -> String.valueOf(record.getSourceClassName());
      case "funcName" -> String.valueOf(record.getSourceMethodName());
      case "lineno" -> "0";
      case "created" -> String.format(Locale.ROOT, "%.3f", record.getMillis() / 1000.0);
      case "msecs" -> String.format(Locale.ROOT, "%03d", record.getMillis() % 1000);
      default -> "%(" + name + ")s";
    };
  }

  private static int pythonLevelNumber(LogRecord record) {
    return switch (LogLevels.pythonName(record.getLevel())) {
      case "CRITICAL" -> 50;
      case "ERROR" -> 40;
      case "WARNING" -> 30;
      case "INFO" -> 20;
      default -> 10;
    };
  }

  private static String simpleClass(String className) {
    if (className == null) {
      return "";
    }
    int dot = className.lastIndexOf('.');
    return dot < 0 ? className : className.substring(dot + 1);
  }

  /** Python's asctime: {@code 2026-11-21 10:00:00,123}, or the strftime {@code dateformat} (no msecs then). */
  String asctime(Instant instant) {
    ZonedDateTime t = instant.atZone(zone);
    if (dateformat == null || dateformat.isEmpty()) {
      return DEFAULT_DATE.format(t) + String.format(Locale.ROOT, ",%03d", t.getNano() / 1_000_000);
    }
    return strftime(dateformat, t);
  }

  static String strftime(String pattern, ZonedDateTime t) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c != '%' || i + 1 == pattern.length()) {
        b.append(c);
        continue;
      }
      char d = pattern.charAt(++i);
      switch (d) {
        case 'Y' -> b.append(String.format(Locale.ROOT, "%04d", t.getYear()));
        case 'y' -> b.append(String.format(Locale.ROOT, "%02d", t.getYear() % 100));
        case 'm' -> b.append(String.format(Locale.ROOT, "%02d", t.getMonthValue()));
        case 'd' -> b.append(String.format(Locale.ROOT, "%02d", t.getDayOfMonth()));
        case 'H' -> b.append(String.format(Locale.ROOT, "%02d", t.getHour()));
        case 'I' -> b.append(String.format(Locale.ROOT, "%02d", (t.getHour() + 11) % 12 + 1));
        case 'p' -> b.append(t.getHour() < 12 ? "AM" : "PM");
        case 'M' -> b.append(String.format(Locale.ROOT, "%02d", t.getMinute()));
        case 'S' -> b.append(String.format(Locale.ROOT, "%02d", t.getSecond()));
        case 'f' -> b.append(String.format(Locale.ROOT, "%06d", t.getNano() / 1000));
        case 'j' -> b.append(String.format(Locale.ROOT, "%03d", t.getDayOfYear()));
        case 'a' -> b.append(t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ROOT));
        case 'A' -> b.append(t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ROOT));
        case 'b' -> b.append(t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ROOT));
        case 'B' -> b.append(t.getMonth().getDisplayName(TextStyle.FULL, Locale.ROOT));
        case 'z' -> b.append(DateTimeFormatter.ofPattern("xx", Locale.ROOT).format(t));
        case 'Z' -> b.append(t.getZone().getDisplayName(TextStyle.SHORT, Locale.ROOT));
        case '%' -> b.append('%');
        default -> b.append('%').append(d);
      }
    }
    return b.toString();
  }

  /** A Java stack trace, printed under the message as Python prints a traceback. */
  static String traceback(Throwable thrown) {
    StringWriter w = new StringWriter();
    thrown.printStackTrace(new PrintWriter(w));
    String s = w.toString();
    return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
  }
}
