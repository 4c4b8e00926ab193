package io.vigil.cluster;

import java.util.List;

/** The {@code history} key: one line per promotion, oldest first. */
public record TimelineHistory(long version, List<Line> lines) {
  public TimelineHistory {
    lines = List.copyOf(lines);
  }

  /**
   * {@code [parent_timeline, switch_lsn, reason, timestamp, new_leader]}; the last two may be null in entries
   * written by old versions.
   */
  public record Line(int timeline, long lsn, String reason, String timestamp, String newLeader) {}
}
