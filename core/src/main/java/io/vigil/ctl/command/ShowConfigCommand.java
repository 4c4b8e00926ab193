package io.vigil.ctl.command;

import io.vigil.cluster.Cluster;
import io.vigil.ctl.ConfigEdits;
import io.vigil.ctl.CtlSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code show-config [CLUSTER]}: {@code /config} as YAML, keys sorted; nothing when there is no config key. */
@Command(name = "show-config", description = "Show cluster configuration")
public final class ShowConfigCommand extends CtlCommand {
  @Parameters(paramLabel = "CLUSTER_NAME", arity = "0..1")
  String clusterName;

  @Option(names = "--group", description = "Citus group (not supported)")
  Integer group;

  @Override
  protected int run(CtlSession s) {
    checkNoGroup(group);
    String name = s.clusterName(clusterName);
    Cluster cluster = s.cluster(name);
    if (cluster.config() != null) {
      s.out.println(ConfigEdits.format(cluster.config().data()));
    }
    return 0;
  }
}
