package io.vigil.postgres;

import java.util.LinkedHashMap;
import java.util.Map;

/** Parses the output of {@code pg_controldata} run with {@code LC_ALL=C} (untranslated labels). */
public final class ControlDataParser {
  private ControlDataParser() {}

  /**
   * @throws IllegalArgumentException when the output has no system identifier (not pg_controldata output, or
   *     a translated one)
   */
  public static ControlData parse(String output) {
    Map<String, String> raw = new LinkedHashMap<>();
    for (String line : output.split("\n")) {
      int colon = line.indexOf(':');
      if (colon <= 0) {
        continue;
      }
      raw.put(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
    }
    String systemId = raw.get("Database system identifier");
    if (systemId == null) {
      throw new IllegalArgumentException("pg_controldata output has no 'Database system identifier' line");
    }
    return new ControlData(
        systemId,
        raw.getOrDefault("Database cluster state", ""),
        lsn(raw.get("Latest checkpoint location")),
        lsn(raw.get("Latest checkpoint's REDO location")),
        integer(raw.get("Latest checkpoint's TimeLineID")),
        lsn(raw.get("Minimum recovery ending location")),
        integer(raw.get("Min recovery ending loc's timeline")),
        integer(raw.get("Data page checksum version")),
        "on".equals(raw.get("wal_log_hints setting")),
        raw);
  }

  private static long lsn(String text) {
    return text == null ? 0 : Lsn.parse(text);
  }

  private static int integer(String text) {
    try {
      return text == null ? 0 : Integer.parseInt(text);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
