package io.vigil.ctl.command;

import io.vigil.patroni.DynamicConfig;
import io.vigil.cluster.Cluster;
import io.vigil.cluster.Member;
import io.vigil.ctl.CtlSession;
import io.vigil.ctl.Members;
import io.vigil.ctl.PatroniClient;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code reload CLUSTER [MEMBERS...] [-r ROLE] [--force]}: POST /reload on each chosen member. */
@Command(name = "reload", description = "Reload cluster member configuration")
public final class ReloadCommand extends CtlCommand {
  @Parameters(index = "0", paramLabel = "CLUSTER_NAME")
  String clusterName;

  @Parameters(index = "1..*", paramLabel = "MEMBER_NAMES")
  List<String> memberNames = new ArrayList<>();

  @Option(names = "--group", description = "Citus group (not supported)")
  Integer group;

  @Option(names = {"-r", "--role"}, description = "Reload only members with this role")
  String role = "any";

  @Option(names = "--force", description = "Do not ask for confirmation at any point")
  boolean force;

  @Override
  protected int run(CtlSession s) {
    checkNoGroup(group);
    Members.Role r = Members.Role.parse(role);
    Cluster cluster = s.cluster(clusterName);
    int failures = 0;
    for (Member member : s.selectMembers(cluster, clusterName, memberNames, r, force, "reload", true)) {
      PatroniClient.Response resp = call(s, member, "POST", "reload", null);
      if (resp.status() == 200) {
        s.out.println("No changes to apply on member " + member.name());
      } else if (resp.status() == 202) {
        s.out.println("Reload request received for member " + member.name() + " and will be processed within "
            + (int) DynamicConfig.of(cluster).getInt("loop_wait", 10, "s") + " seconds");
      } else {
        s.out.println("Failed: reload for member " + member.name() + ", status code=" + resp.status() + ", ("
            + resp.body() + ")");
        failures++;
      }
    }
    return failures == 0 ? 0 : 1;
  }
}
