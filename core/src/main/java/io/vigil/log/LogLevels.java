package io.vigil.log;

import java.util.Locale;
import java.util.logging.Level;

/** Python's level names (as Patroni prints and configures them) mapped to and from java.util.logging. */
public final class LogLevels {
  /** Python's CRITICAL, above JUL's SEVERE (which prints as ERROR). */
  public static final Level CRITICAL = new Critical();

  private LogLevels() {}

  private static final class Critical extends Level {
    private static final long serialVersionUID = 1L;

    Critical() {
      super("CRITICAL", 1100);
    }
  }

  /** DEBUG, INFO, WARNING/WARN, ERROR, CRITICAL/FATAL (any case) → a JUL level; unknown → INFO. */
  public static Level toJul(String patroniLevel) {
    if (patroniLevel == null) {
      return Level.INFO;
    }
    return switch (patroniLevel.trim().toUpperCase(Locale.ROOT)) {
      case "DEBUG" -> Level.FINE;
      case "WARNING", "WARN" -> Level.WARNING;
      case "ERROR" -> Level.SEVERE;
      case "CRITICAL", "FATAL" -> CRITICAL;
      case "NOTSET" -> Level.ALL;
      default -> Level.INFO;
    };
  }

  /** The name Python's logging prints for a JUL level: SEVERE is ERROR, FINE and below are DEBUG. */
  public static String pythonName(Level level) {
    int v = level.intValue();
    if (v >= CRITICAL.intValue()) {
      return "CRITICAL";
    }
    if (v >= Level.SEVERE.intValue()) {
      return "ERROR";
    }
    if (v >= Level.WARNING.intValue()) {
      return "WARNING";
    }
    if (v >= Level.CONFIG.intValue()) {
      return "INFO";
    }
    return "DEBUG";
  }
}
