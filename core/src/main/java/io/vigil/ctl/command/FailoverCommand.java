package io.vigil.ctl.command;

import io.vigil.ctl.CtlSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code failover [CLUSTER] [--candidate N] [--force]}: promote a chosen replica now, leader or not. */
@Command(name = "failover", description = "Failover to a replica")
public final class FailoverCommand extends CtlCommand {
  @Parameters(paramLabel = "CLUSTER_NAME", arity = "0..1")
  String clusterName;

  @Option(names = "--group", description = "Citus group (not supported)")
  Integer group;

  @Option(names = "--candidate", description = "The name of the candidate")
  String candidate;

  @Option(names = "--force", description = "Do not ask for confirmation at any point")
  boolean force;

  @Override
  protected int run(CtlSession s) {
    checkNoGroup(group);
    return Failovers.run(s, "failover", clusterName, candidate, force, null, null);
  }
}
