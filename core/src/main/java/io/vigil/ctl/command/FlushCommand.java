package io.vigil.ctl.command;

import io.vigil.ctl.CtlText;
import io.vigil.patroni.PyText;
import io.vigil.cluster.Cluster;
import io.vigil.cluster.Failover;
import io.vigil.cluster.Member;
import io.vigil.ctl.CtlSession;
import io.vigil.ctl.Members;
import io.vigil.ctl.PatroniClient;
import io.vigil.ctl.UsageException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code flush CLUSTER [MEMBERS...] {restart|switchover} [-r ROLE] [--force]}: cancel scheduled restarts
 * (DELETE /restart) or a scheduled switchover (DELETE /switchover, else clear the failover key in the DCS).
 */
@Command(name = "flush", description = "Discard scheduled events")
public final class FlushCommand extends CtlCommand {
  @Parameters(index = "0", paramLabel = "CLUSTER_NAME")
  String clusterName;

  @Parameters(index = "1..*", arity = "1..*", paramLabel = "[MEMBER_NAMES...] {restart|switchover}")
  List<String> rest = new ArrayList<>();

  @Option(names = "--group", description = "Citus group (not supported)")
  Integer group;

  @Option(names = {"-r", "--role"}, description = "Flush only members with this role")
  String role = "any";

  @Option(names = "--force", description = "Do not ask for confirmation at any point")
  boolean force;

  @Override
  protected int run(CtlSession s) {
    checkNoGroup(group);
    String target = rest.get(rest.size() - 1);
    List<String> memberNames = rest.subList(0, rest.size() - 1);
    if (!target.equals("restart") && !target.equals("switchover")) {
      throw new UsageException("Invalid value for '{restart|switchover}': '" + target
          + "' is not one of 'restart', 'switchover'.");
    }
    Members.Role r = Members.Role.parse(role);
    Cluster cluster = s.cluster(clusterName);
    int failures = 0;
    if (target.equals("restart")) {
      for (Member member : s.selectMembers(cluster, clusterName, memberNames, r, force, "flush", true)) {
        if (PyText.truthy(member.data().get("scheduled_restart"))) {
          PatroniClient.Response resp = call(s, member, "DELETE", "restart", null);
          if (!s.checkResponse(resp, member.name(), "flush scheduled restart", false)) {
            failures++;
          }
        } else {
          s.out.println("No scheduled restart for member " + member.name());
        }
      }
      return failures == 0 ? 0 : 1;
    }
    Failover failover = cluster.failover();
    if (failover == null || failover.scheduledAt() == null) {
      s.out.println("No pending scheduled switchover");
      return 0;
    }
    for (Member member : Members.leaderFirst(cluster)) {
      try {
        PatroniClient.Response resp = s.rest().request(member, "DELETE", "switchover", null);
        if (resp.status() == 200 || resp.status() == 404) {
          s.out.println((resp.status() == 200 ? "Success" : "Failed") + ": " + resp.body());
          return resp.status() == 200 ? 0 : 1;
        }
        s.out.println("Failed: member=" + member.name() + ", status_code=" + resp.status() + ", (" + resp.body() + ")");
      } catch (IOException e) {
        s.warn(String.valueOf(e.getMessage()));
        s.warn("Member " + member.name() + " is not accessible");
      }
    }
    s.warn("Failing over to DCS");
    s.out.println(CtlText.timestamp(6) + " Could not find any accessible member of cluster " + clusterName);
    boolean cleared = s.await(s.dcs(clusterName).writeFailover(null, failover.version()), "clear the failover key");
    return cleared ? 0 : 1;
  }
}
