package io.vigil.log;

import java.util.logging.LogRecord;

/**
 * How the records of the libraries the agent embeds are printed, so that each is one line in the agent's
 * format: line breaks in the message become spaces, and an exception whose stack trace is not printed is
 * summarised at the end of the line, e.g. ZooKeeper's reconnect warning followed by
 * {@code (java.net.ConnectException: Connection refused)}.
 */
final class LibraryRecords {
  private static final String AGENT = "io.vigil";

  private LibraryRecords() {}

  /** A record from any logger outside {@code io.vigil} (records without a logger name count as the agent's). */
  static boolean isLibrary(LogRecord record) {
    String name = record.getLoggerName();
    return name != null && !name.isEmpty() && !name.equals(AGENT) && !name.startsWith(AGENT + ".");
  }

  /** The message as printed; the agent's own messages are left as they are. */
  static String message(LogRecord record, String formatted, boolean traceFollows) {
    if (!isLibrary(record)) {
      return formatted;
    }
    String line = oneLine(formatted);
    Throwable thrown = record.getThrown();
    return thrown == null || traceFollows ? line : line + " (" + summary(thrown) + ")";
  }

  /** The exception and, when it differs, its root cause, each as {@code class: message}. */
  static String summary(Throwable thrown) {
    Throwable root = thrown;
    for (int depth = 0; root.getCause() != null && root.getCause() != root && depth < 16; depth++) {
      root = root.getCause();
    }
    String text = oneLine(thrown.toString());
    if (root != thrown && !thrown.toString().contains(String.valueOf(root.getMessage()))) {
      text += "; caused by " + oneLine(root.toString());
    }
    return text;
  }

  private static String oneLine(String s) {
    return s.strip().replaceAll("\\s*\\R\\s*", " ");
  }
}
