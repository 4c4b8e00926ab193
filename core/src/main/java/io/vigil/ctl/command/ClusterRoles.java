package io.vigil.ctl.command;

import io.vigil.cluster.Cluster;
import io.vigil.cluster.Member;
import io.vigil.ctl.CtlException;
import io.vigil.ctl.CtlSession;
import io.vigil.ctl.PatroniClient;
import java.io.IOException;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * patronictl 4's {@code change_cluster_role}: {@code PATCH /config {"standby_cluster": ...}} on the leader, then a
 * line per second until the leader key is held by a running member of the target role.
 */
final class ClusterRoles {
  private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  /** Between polls of the DCS while waiting for the new role, as patronictl. */
  private static final long POLL_MILLIS = 1000;

  private ClusterRoles() {}

  static int change(CtlSession s, String clusterArg, boolean force, Map<String, Object> standbyConfig)
      throws InterruptedException {
    boolean demote = standbyConfig != null;
    String action = demote ? "demot" : "promot";
    String targetRole = demote ? "standby_leader" : "primary";
    String name = s.clusterName(clusterArg);
    Cluster cluster = s.cluster(name);
    String leaderName = cluster.leaderName();
    if (leaderName == null) {
      throw new CtlException("Cluster has no leader, " + action + "ion is not possible");
    }
    if (targetRole.equals(cluster.leader().member().role())) {
      throw new CtlException("Cluster is already in the required state");
    }
    s.out.println("Current cluster topology");
    s.outputMembers(cluster, name, false, "pretty");
    if (!force && !s.prompter.confirm("Are you sure you want to " + action + "e " + name + " cluster?")) {
      throw new CtlException("Aborted cluster " + action + "ion");
    }
    Map<String, Object> body = new HashMap<>();
    body.put("standby_cluster", standbyConfig);
    try {
      PatroniClient.Response r = s.rest().request(cluster.leader().member(), "PATCH", "config", body);
      if (r.status() != 200) {
        throw new CtlException("Failed to " + action + "e " + name + " cluster: /config PATCH status code=" + r.status()
            + ", (" + r.body() + ")");
      }
    } catch (IOException e) {
      throw new CtlException("Failed to " + action + "e " + name + " cluster: " + e.getMessage());
    }
    while (true) {
      cluster = s.cluster(name);
      boolean unlocked = cluster.isUnlocked();
      Member leader = unlocked ? null : cluster.leader().member();
      String leaderRole = leader == null ? null : leader.role();
      String leaderState = leader == null ? null : leader.state();
      String oldLeaderState = cluster.member(leaderName).map(Member::state).orElse(null);
      String now = TS.format(LocalDateTime.now());
      if (!unlocked && targetRole.equals(leaderRole) && "running".equals(leaderState)
          && (!demote || "running".equals(oldLeaderState))) {
        s.out.println(now + " cluster is successfully " + action + "ed");
        break;
      }
      List<String> parts = new ArrayList<>(List.of(now + " cluster is unlocked: " + (unlocked ? "True" : "False"),
          "leader role: " + (leaderRole == null ? "None" : leaderRole),
          "leader state: " + (leaderState == null ? "None" : leaderState)));
      if (demote && leader != null && !leaderName.equals(leader.name()) && oldLeaderState != null) {
        parts.add("previous leader state: '" + oldLeaderState + "'");
      }
      s.out.println(String.join(", ", parts));
      Thread.sleep(POLL_MILLIS);
    }
    s.outputMembers(cluster, name, false, "pretty");
    return 0;
  }
}
