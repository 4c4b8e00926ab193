package io.vigil.log;

import java.time.ZoneId;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * Plain log lines exactly as Patroni prints them, by default {@code 2026-11-21 10:00:00,123 INFO: message},
 * with any {@code log.format}/{@code log.dateformat} in Python's syntax. An exception is printed under the
 * line as {@link Tracebacks} say; a library's record is kept to one line ({@link LibraryRecords}).
 */
public final class PatroniFormatter extends Formatter {
  public static final String DEFAULT_FORMAT = "%(asctime)s %(levelname)s: %(message)s";

  private final PythonLogFormat format;
  private final Tracebacks tracebacks;

  public PatroniFormatter(String format, String dateformat, Tracebacks tracebacks, ZoneId zone) {
    this.format = new PythonLogFormat(format == null ? DEFAULT_FORMAT : format, dateformat, zone);
    this.tracebacks = tracebacks;
  }

  public PatroniFormatter() {
    this(DEFAULT_FORMAT, null, new Tracebacks(true, false), ZoneId.systemDefault());
  }

  @Override
  public String format(LogRecord record) {
    boolean trace = tracebacks.shownFor(record);
    String message = LibraryRecords.message(record, formatMessage(record), trace);
    StringBuilder b = new StringBuilder(format.format(record, message));
    if (trace) {
      b.append('\n').append(PythonLogFormat.traceback(record.getThrown()));
    }
    return b.append('\n').toString();
  }
}
