package io.vigil.log;

import java.time.ZoneId;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * Plain log lines exactly as Patroni prints them, by default {@code 2026-11-21 10:00:00,123 INFO: message},
 * with any {@code log.format}/{@code log.dateformat} in Python's syntax. An exception is printed under the
 * line when tracebacks are enabled.
 */
public final class PatroniFormatter extends Formatter {
  public static final String DEFAULT_FORMAT = "%(asctime)s %(levelname)s: %(message)s";

  private final PythonLogFormat format;
  private final boolean tracebacks;

  public PatroniFormatter(String format, String dateformat, boolean tracebacks, ZoneId zone) {
    this.format = new PythonLogFormat(format == null ? DEFAULT_FORMAT : format, dateformat, zone);
    this.tracebacks = tracebacks;
  }

  public PatroniFormatter() {
    this(DEFAULT_FORMAT, null, true, ZoneId.systemDefault());
  }

  @Override
  public String format(LogRecord record) {
    StringBuilder b = new StringBuilder(format.format(record, formatMessage(record)));
    if (tracebacks && record.getThrown() != null) {
      b.append('\n').append(PythonLogFormat.traceback(record.getThrown()));
    }
    return b.append('\n').toString();
  }
}
