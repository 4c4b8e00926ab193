package io.vigil.clustertest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one fault round measured, from the writers' acknowledgements, and which safety invariants it broke.
 *
 * <p>Two writable primaries: the writers record every acknowledged insert per node with a monotonic time. The
 * <em>overlap</em> is the last acknowledgement on the old primary minus the first acknowledgement on any other
 * node after the fault; it must be &le; 0 (the old primary stopped taking writes before a new one started). This is
 * how "never two nodes that both acknowledge writes in the same 100 ms window" is judged, since writers tick every
 * 100 ms and may not hit the same window by chance; {@link #splitBrainWindows} additionally counts the 100 ms windows
 * (from the round's start) in which two nodes acknowledged, as the number of split-brain moments.
 * A round holds at most one change of leader, which the scenarios ensure.
 *
 * @param overlapMs NaN when no other node took a write after the fault
 * @param demoteMs fault → last write the old leader acknowledged before the heal; NaN when it still took writes
 *     in the 2 s before the heal
 * @param failoverMs fault → first write acknowledged by another node; NaN without failover
 * @param lost acknowledged (and, in synchronous mode, confirmed) writes missing on the final leader
 * @param unconfirmed acknowledgements that came with PostgreSQL's "canceling wait for synchronous replication"
 */
record FaultRound(String scenario, String agent, String oldLeader, String newLeader, double overlapMs,
    int splitBrainWindows, int lost, int acknowledged, int unconfirmed, double demoteMs, double failoverMs,
    double convergeMs, List<String> problems) {

  boolean splitBrain() {
    return overlapMs > 0 || splitBrainWindows > 0;
  }

  /**
   * @param acks acknowledgements of the round (from its start)
   * @param roundStart when the round's writes began to count
   * @param rowsOnFinal "node:seq" rows on the final leader (null when it could not be read), read after {@code readAt}
   */
  static FaultRound measure(String scenario, String agent, String oldLeader, String newLeader,
      List<AckWriters.Ack> acks, long roundStart, long cut, long heal, long readAt, Set<String> rowsOnFinal,
      double convergeMs, List<String> problems) {
    long oldLast = Long.MIN_VALUE;
    long oldLastBeforeHeal = Long.MIN_VALUE;
    long otherFirst = Long.MAX_VALUE;
    Map<Long, Set<String>> windows = new HashMap<>();
    int lost = 0;
    int acknowledged = 0;
    int unconfirmed = 0;
    for (AckWriters.Ack a : acks) {
      if (a.node().equals(oldLeader)) {
        oldLast = Math.max(oldLast, a.ackNanos());
        if (a.ackNanos() <= heal) {
          oldLastBeforeHeal = Math.max(oldLastBeforeHeal, a.ackNanos());
        }
      } else if (a.ackNanos() >= cut) {
        otherFirst = Math.min(otherFirst, a.ackNanos());
      }
      windows.computeIfAbsent((a.ackNanos() - roundStart) / 100_000_000L, k -> new HashSet<>()).add(a.node());
      if (a.ackNanos() < readAt) {
        if (!a.confirmed()) {
          unconfirmed++;
        } else {
          acknowledged++;
          if (rowsOnFinal != null && !rowsOnFinal.contains(a.node() + ":" + a.seq())) {
            lost++;
          }
        }
      }
    }
    int splitWindows = (int) windows.values().stream().filter(s -> s.size() > 1).count();
    double overlap = otherFirst == Long.MAX_VALUE || oldLast == Long.MIN_VALUE ? Double.NaN : ms(oldLast - otherFirst);
    // still writable at the heal (a write within the last 2 s before it): not demoted
    // (the old leader may lead again after the heal: only its writes up to the heal count here)
    double demote = oldLastBeforeHeal != Long.MIN_VALUE && oldLastBeforeHeal < heal - 2_000_000_000L
        ? Math.max(0, ms(oldLastBeforeHeal - cut)) : Double.NaN;
    double failover = otherFirst == Long.MAX_VALUE ? Double.NaN : ms(otherFirst - cut);
    List<String> all = new ArrayList<>(problems);
    if (rowsOnFinal == null) {
      all.add("could not read the rows on the final leader " + newLeader);
    }
    return new FaultRound(scenario, agent, oldLeader, newLeader, overlap, splitWindows, lost, acknowledged, unconfirmed,
        demote, failover, convergeMs, List.copyOf(all));
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }

  @Override
  public String toString() {
    return String.format("%s [%s] %s -> %s: overlap %s, split-brain windows %d, lost %d of %d (unconfirmed %d), "
            + "demote %s, failover %s, converged %s%s", scenario, agent, oldLeader, newLeader, FaultTable.seconds(overlapMs),
        splitBrainWindows, lost, acknowledged, unconfirmed, FaultTable.seconds(demoteMs), FaultTable.seconds(failoverMs),
        FaultTable.seconds(convergeMs), problems.isEmpty() ? "" : "; PROBLEMS: " + String.join("; ", problems));
  }
}
