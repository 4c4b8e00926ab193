package io.vigil.ctl.command;

import io.vigil.ctl.CtlText;
import io.vigil.cluster.Cluster;
import io.vigil.ctl.CtlSession;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code list [CLUSTER_NAMES...] [-e] [-t] [-f fmt] [-W | -w SECS]}: the member table (docs/vigilctl.md §4.2). */
@Command(name = "list", description = "List the Patroni members for a given Patroni")
public final class ListCommand extends CtlCommand {
  @Parameters(paramLabel = "CLUSTER_NAMES", arity = "0..*")
  List<String> clusterNames = new ArrayList<>();

  @Option(names = "--group", description = "Citus group (not supported)")
  Integer group;

  @Option(names = {"-e", "--extended"}, description = "Show some extra information")
  boolean extended;

  @Option(names = {"-t", "--timestamp"}, description = "Print timestamp")
  boolean timestamp;

  @Option(names = {"-f", "--format"}, description = "Output format (pretty, tsv, json, yaml)")
  String fmt = "pretty";

  @Option(names = "-W", description = "Auto update the screen every 2 seconds")
  boolean w;

  @Option(names = {"-w", "--watch"}, description = "Auto update the screen every X seconds")
  Double watch;

  @Override
  protected int run(CtlSession s) throws Exception {
    checkFormat(fmt);
    return show(s, clusterNames, group, extended, timestamp, fmt, w, watch);
  }

  static int show(CtlSession s, List<String> names, Integer group, boolean extended, boolean timestamp, String fmt,
      boolean w, Double watch) throws InterruptedException {
    checkNoGroup(group);
    List<String> clusters = new ArrayList<>(names);
    if (clusters.isEmpty()) {
      String scope = s.config().scope();
      if (scope == null || scope.isEmpty()) {
        s.warn("Listing members: No cluster names were provided");
        return 0;
      }
      clusters.add(scope);
    }
    watching(s, w, watch, true, () -> {
      if (timestamp) {
        s.out.println(CtlText.timestamp(0));
      }
      for (String name : clusters) {
        Cluster cluster = s.cluster(name);
        s.outputMembers(cluster, name, extended, fmt);
      }
    });
    return 0;
  }
}
