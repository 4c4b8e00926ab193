package io.vigil.ctl.command;

import io.vigil.cluster.Cluster;
import io.vigil.ctl.CtlException;
import io.vigil.ctl.CtlSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code remove CLUSTER [-f fmt]}: deletes every key of the cluster after three typed confirmations (the cluster
 * name, {@code Yes I am aware}, and the leader's name when there is a leader). There is no {@code --force}.
 */
@Command(name = "remove", description = "Remove cluster from DCS")
public final class RemoveCommand extends CtlCommand {
  @Parameters(index = "0", paramLabel = "CLUSTER_NAME")
  String clusterName;

  @Option(names = "--group", description = "Citus group (not supported)")
  Integer group;

  @Option(names = {"-f", "--format"}, description = "Output format (pretty, tsv, json, yaml)")
  String fmt = "pretty";

  @Override
  protected int run(CtlSession s) {
    checkFormat(fmt);
    checkNoGroup(group);
    Cluster cluster = s.cluster(clusterName);
    s.outputMembers(cluster, clusterName, false, fmt);
    if (!s.prompter.prompt("Please confirm the cluster name to remove", null).equals(clusterName)) {
      throw new CtlException("Cluster names specified do not match");
    }
    String message = "Yes I am aware";
    String typed = s.prompter.prompt("You are about to remove all information in DCS for " + clusterName
        + ", please type: \"" + message + "\"", null);
    if (!typed.equals(message)) {
      throw new CtlException("You did not exactly type \"" + message + "\"");
    }
    if (cluster.leaderName() != null) {
      String leader = s.prompter.prompt("This cluster currently is healthy. Please specify the leader name to continue",
          null);
      if (!leader.equals(cluster.leaderName())) {
        throw new CtlException("You did not specify the current leader of the cluster");
      }
    }
    s.await(s.dcs(clusterName).deleteCluster(), "remove cluster " + clusterName + " from the DCS");
    return 0;
  }
}
