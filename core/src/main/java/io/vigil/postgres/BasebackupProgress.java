package io.vigil.postgres;

import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads {@code pg_basebackup --progress} lines ({@code 12345/104567 kB (11%), 0/1 tablespace}). */
final class BasebackupProgress {
  private static final Pattern LINE = Pattern.compile("(\\d+)/(\\d+) kB \\((\\d+)%\\)");

  private BasebackupProgress() {}

  /** The percentage of a progress line, empty for any other output line. */
  static OptionalInt percent(String line) {
    Matcher m = LINE.matcher(line);
    if (!m.find()) {
      return OptionalInt.empty();
    }
    return OptionalInt.of(Math.min(100, Integer.parseInt(m.group(3))));
  }
}
