package io.vigil.postgres;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@code pg_wal/XXXXXXXX.history} file: one line per ancestor timeline, {@code parentTLI<TAB>switchpoint<TAB>
 * reason}, and the rewind decision Patroni takes from it (docs/ha-rules.md §2.7).
 */
public final class TimelineHistoryFile {
  private TimelineHistoryFile() {}

  /** Timeline {@code parentTimeline} ended at {@code switchpoint} (the first LSN of the next timeline). */
  public record Entry(int parentTimeline, long switchpoint) {}

  public static List<Entry> parse(String content) {
    List<Entry> out = new ArrayList<>();
    for (String line : content.split("\n")) {
      String trimmed = line.trim();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      String[] parts = trimmed.split("\\s+");
      if (parts.length >= 2) {
        try {
          out.add(new Entry(Integer.parseInt(parts[0]), Lsn.parse(parts[1])));
        } catch (IllegalArgumentException e) {
          // a malformed line cannot prove anything; the caller decides on the rest
        }
      }
    }
    return out;
  }

  /**
   * Whether a node at {@code localTimeline}/{@code localLsn} has diverged from a leader on {@code leaderTimeline}
   * with the given history. {@code cleanPrimaryShutdown}: the local node was shut down cleanly as a primary, so
   * {@code localLsn} is its shutdown checkpoint, which the leader saw only if its switchpoint lies after it.
   */
  public static boolean needsRewind(int localTimeline, long localLsn, boolean cleanPrimaryShutdown,
      int leaderTimeline, List<Entry> leaderHistory) {
    if (localTimeline > leaderTimeline) {
      return true;
    }
    if (localTimeline == leaderTimeline) {
      return false;
    }
    for (Entry e : leaderHistory) {
      if (e.parentTimeline() == localTimeline) {
        return cleanPrimaryShutdown ? localLsn >= e.switchpoint() : localLsn > e.switchpoint();
      }
    }
    return true;
  }
}
