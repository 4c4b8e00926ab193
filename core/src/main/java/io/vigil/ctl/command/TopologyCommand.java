package io.vigil.ctl.command;

import io.vigil.ctl.CtlSession;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code topology}: the member table as a tree of who replicates from whom ({@code replicatefrom} tags). */
@Command(name = "topology", description = "Prints ASCII topology for given cluster")
public final class TopologyCommand extends CtlCommand {
  @Parameters(paramLabel = "CLUSTER_NAMES", arity = "0..*")
  List<String> clusterNames = new ArrayList<>();

  @Option(names = "--group", description = "Citus group (not supported)")
  Integer group;

  @Option(names = "-W", description = "Auto update the screen every 2 seconds")
  boolean w;

  @Option(names = {"-w", "--watch"}, description = "Auto update the screen every X seconds")
  Double watch;

  @Override
  protected int run(CtlSession s) throws Exception {
    return ListCommand.show(s, clusterNames, group, false, false, "topology", w, watch);
  }
}
