package io.vigil.ctl.command;

import io.vigil.ctl.CtlSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code switchover [CLUSTER] [--leader/--primary N] [--candidate N] [--scheduled TS|now] [--force]}. */
@Command(name = "switchover", description = "Switchover to a replica")
public final class SwitchoverCommand extends CtlCommand {
  @Parameters(paramLabel = "CLUSTER_NAME", arity = "0..1")
  String clusterName;

  @Option(names = "--group", description = "Citus group (not supported)")
  Integer group;

  @Option(names = {"--leader", "--primary"}, description = "The name of the current leader")
  String leader;

  @Option(names = "--candidate", description = "The name of the candidate")
  String candidate;

  @Option(names = "--scheduled", description = "Timestamp of a scheduled switchover in unambiguous format (e.g. ISO 8601)")
  String scheduled;

  @Option(names = "--force", description = "Do not ask for confirmation at any point")
  boolean force;

  @Override
  protected int run(CtlSession s) {
    checkNoGroup(group);
    return Failovers.run(s, "switchover", clusterName, candidate, force, leader, scheduled);
  }
}
