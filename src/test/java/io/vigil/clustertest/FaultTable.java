package io.vigil.clustertest;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The long run's summary: one row per agent and scenario, times as median / max over the rounds. */
final class FaultTable {
  private FaultTable() {}

  static String render(List<FaultRound> rounds) {
    Map<String, List<FaultRound>> groups = new LinkedHashMap<>();
    for (FaultRound r : rounds) {
      groups.computeIfAbsent(r.scenario() + "\u0000" + r.agent(), k -> new ArrayList<>()).add(r);
    }
    StringBuilder out = new StringBuilder();
    String format = "%-26s %-8s %6s %11s %9s %6s %15s %15s %15s %15s %8s%n";
    out.append(String.format(format, "scenario", "agent", "rounds", "split-brain", "sb-100ms", "lost",
        "demote s", "failover s", "overlap s", "converge s", "problems"));
    out.append(String.format(format, "", "", "", "rounds", "windows", "writes", "med / max", "med / max",
        "med / max", "med / max", "rounds"));
    groups.keySet().stream().sorted().forEach(key -> {
      List<FaultRound> g = groups.get(key);
      out.append(String.format(format, g.get(0).scenario(), g.get(0).agent(), g.size(),
          g.stream().filter(FaultRound::splitBrain).count(),
          g.stream().mapToInt(FaultRound::splitBrainWindows).sum(),
          g.stream().mapToInt(FaultRound::lost).sum(),
          medMax(g.stream().map(FaultRound::demoteMs).toList()),
          medMax(g.stream().map(FaultRound::failoverMs).toList()),
          medMax(g.stream().map(FaultRound::overlapMs).toList()),
          medMax(g.stream().map(FaultRound::convergeMs).toList()),
          g.stream().filter(r -> !r.problems().isEmpty()).count()));
    });
    return out.toString();
  }

  private static String medMax(List<Double> values) {
    List<Double> v = new ArrayList<>(values.stream().filter(d -> !d.isNaN()).toList());
    if (v.isEmpty()) {
      return "-";
    }
    Collections.sort(v);
    return seconds(v.get(v.size() / 2)) + " / " + seconds(v.get(v.size() - 1));
  }

  static String seconds(double ms) {
    return Double.isNaN(ms) ? "-" : String.format("%.2f", ms / 1000);
  }
}
