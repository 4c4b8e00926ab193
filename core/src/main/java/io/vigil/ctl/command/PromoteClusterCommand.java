package io.vigil.ctl.command;

import io.vigil.ctl.CtlSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code promote-cluster [CLUSTER] [--force]}: a standby cluster runs standalone ({@code standby_cluster: null}). */
@Command(name = "promote-cluster", description = "Promote cluster, make it run standalone")
public final class PromoteClusterCommand extends CtlCommand {
  @Parameters(paramLabel = "CLUSTER_NAME", arity = "0..1")
  String clusterName;

  @Option(names = "--force", description = "Do not ask for confirmation at any point")
  boolean force;

  @Override
  protected int run(CtlSession s) throws InterruptedException {
    return ClusterRoles.change(s, clusterName, force, null);
  }
}
