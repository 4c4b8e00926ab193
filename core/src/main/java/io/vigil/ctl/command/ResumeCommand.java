package io.vigil.ctl.command;

import io.vigil.ctl.CtlSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code resume [CLUSTER] [--wait]}: leave maintenance mode ({@code PATCH /config {"pause": null}}). */
@Command(name = "resume", description = "Resume auto failover")
public final class ResumeCommand extends CtlCommand {
  @Parameters(paramLabel = "CLUSTER_NAME", arity = "0..1")
  String clusterName;

  @Option(names = "--group", description = "Citus group (not supported)")
  Integer group;

  @Option(names = "--wait", description = "Wait until pause is cleared on all nodes")
  boolean await;

  @Override
  protected int run(CtlSession s) throws InterruptedException {
    checkNoGroup(group);
    return PauseCommand.toggle(s, clusterName, false, await);
  }
}
