package io.vigil.ctl.command;

import io.vigil.ctl.CtlText;
import io.vigil.cluster.Cluster;
import io.vigil.cluster.Member;
import io.vigil.ctl.CtlSession;
import io.vigil.ctl.Members;
import io.vigil.ctl.PatroniClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code reinit CLUSTER [MEMBERS...] [--from-leader] [--wait] [--force]}: rebuild replicas from scratch. */
@Command(name = "reinit", description = "Reinitialize cluster member")
public final class ReinitCommand extends CtlCommand {
  @Parameters(index = "0", paramLabel = "CLUSTER_NAME")
  String clusterName;

  @Parameters(index = "1..*", paramLabel = "MEMBER_NAMES")
  List<String> memberNames = new ArrayList<>();

  @Option(names = "--group", description = "Citus group (not supported)")
  Integer group;

  @Option(names = "--force", description = "Do not ask for confirmation at any point")
  boolean force;

  @Option(names = "--from-leader", description = "Get basebackup from leader")
  boolean fromLeader;

  @Option(names = "--wait", description = "Wait until reinitialization completes")
  boolean await;

  /** Between {@code GET /patroni} polls with {@code --wait}, as patronictl. */
  private static final long POLL_MILLIS = 2000;

  @Override
  protected int run(CtlSession s) throws InterruptedException {
    checkNoGroup(group);
    Cluster cluster = s.cluster(clusterName);
    List<Member> members = s.selectMembers(cluster, clusterName, memberNames, Members.Role.REPLICA, force,
        "reinitialize", true);
    List<Member> waitOn = new ArrayList<>();
    int failures = 0;
    for (Member member : members) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("force", force);
      body.put("from_leader", fromLeader);
      boolean started;
      while (true) {
        PatroniClient.Response r = call(s, member, "POST", "reinitialize", body);
        started = s.checkResponse(r, member.name(), "reinitialize", false);
        if (!started && r.body().endsWith(" already in progress") && !force
            && s.prompter.confirm("Do you want to cancel it and reinitialize anyway?")) {
          body.put("force", true);
          continue;
        }
        break;
      }
      if (!started) {
        failures++;
      } else if (await) {
        waitOn.add(member);
      }
    }
    List<Member> lastShown = new ArrayList<>();
    while (!waitOn.isEmpty()) {
      if (!waitOn.equals(lastShown)) {
        s.out.println("Waiting for reinitialize to complete on: "
            + String.join(", ", waitOn.stream().map(Member::name).toList()));
        lastShown = new ArrayList<>(waitOn);
      }
      Thread.sleep(POLL_MILLIS);
      for (Member member : new ArrayList<>(waitOn)) {
        PatroniClient.Response r = call(s, member, "GET", "patroni", null);
        Object state = r.status() == 200 && CtlText.loadYaml(r.body()) instanceof Map<?, ?> m ? m.get("state") : null;
        if (!"creating replica".equals(state)) {
          s.out.println("Reinitialize is completed on: " + member.name());
          waitOn.remove(member);
        }
      }
    }
    return failures == 0 ? 0 : 1;
  }
}
