package io.vigil.ctl.command;

import io.vigil.cluster.Cluster;
import io.vigil.cluster.TimelineHistory;
import io.vigil.ctl.CtlSession;
import io.vigil.ctl.TableOutput;
import io.vigil.ctl.TableRenderer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code history [CLUSTER] [-f fmt]}: one row per promotion, old entries padded with empty cells. */
@Command(name = "history", description = "Show the history of failovers/switchovers")
public final class HistoryCommand extends CtlCommand {
  static final List<String> COLUMNS = List.of("TL", "LSN", "Reason", "Timestamp", "New Leader");

  @Parameters(paramLabel = "CLUSTER_NAME", arity = "0..1")
  String clusterName;

  @Option(names = "--group", description = "Citus group (not supported)")
  Integer group;

  @Option(names = {"-f", "--format"}, description = "Output format (pretty, tsv, json, yaml)")
  String fmt = "pretty";

  @Override
  protected int run(CtlSession s) {
    checkFormat(fmt);
    checkNoGroup(group);
    Cluster cluster = s.cluster(s.clusterName(clusterName));
    s.out.println(render(cluster.history(), fmt));
    return 0;
  }

  /** The history table in {@code fmt}. */
  public static String render(TimelineHistory history, String fmt) {
    List<List<Object>> rows = new ArrayList<>();
    if (history != null) {
      for (TimelineHistory.Line line : history.lines()) {
        List<Object> row = new ArrayList<>();
        row.add((long) line.timeline());
        row.add(line.lsn());
        row.add(line.reason() == null ? "" : line.reason());
        row.add(line.timestamp() == null ? "" : line.timestamp());
        row.add(line.newLeader() == null ? "" : line.newLeader());
        rows.add(row);
      }
    }
    return TableOutput.format(COLUMNS, rows,
        Map.of("TL", TableRenderer.Align.RIGHT, "LSN", TableRenderer.Align.RIGHT), fmt, "", "\t");
  }
}
