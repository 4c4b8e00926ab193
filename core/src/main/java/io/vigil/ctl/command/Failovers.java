package io.vigil.ctl.command;

import io.vigil.patroni.DynamicConfig;
import io.vigil.ctl.CtlText;
import io.vigil.patroni.PyText;
import io.vigil.cluster.PatroniJson;

import io.vigil.cluster.Cluster;
import io.vigil.cluster.Failover;
import io.vigil.cluster.Member;
import io.vigil.ctl.CtlException;
import io.vigil.ctl.CtlSession;
import io.vigil.ctl.PatroniClient;
import io.vigil.ctl.ScheduledTime;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * patronictl's {@code _do_failover_or_switchover}: shows the topology, checks leader and candidate, asks what is
 * missing (unless {@code --force}), posts to the leader's REST API (the candidate's when there is no leader), and
 * writes the {@code failover} key itself only when no member could be asked.
 */
final class Failovers {
  private Failovers() {}

  static int run(CtlSession s, String action, String clusterArg, String candidate, boolean force, String leaderArg,
      String scheduled) {
    String name = s.clusterName(clusterArg);
    Cluster cluster = s.cluster(name);
    s.out.println("Current cluster topology");
    s.outputMembers(cluster, name, false, "pretty");

    String clusterLeader = cluster.leaderName();
    String switchoverLeader = leaderArg;
    if (action.equals("switchover")) {
      if (clusterLeader == null) {
        throw new CtlException("This cluster has no leader");
      }
      if (switchoverLeader == null) {
        switchoverLeader = force ? clusterLeader
            : s.prompter.prompt(DynamicConfig.of(cluster).isStandbyCluster() ? "Standby Leader" : "Primary",
                clusterLeader);
      }
      if (!clusterLeader.equals(switchoverLeader)) {
        throw new CtlException("Member " + switchoverLeader + " is not the leader of cluster " + name);
      }
    }
    List<String> candidates = cluster.members().stream()
        .filter(m -> !m.name().equals(clusterLeader) && !m.typedTags().nofailover())
        .map(Member::name).sorted().toList();
    if (candidates.isEmpty()) {
      throw new CtlException("No candidates found to " + action + " to");
    }
    String target = candidate;
    if (target == null && !force) {
      target = s.prompter.prompt("Candidate " + PyText.repr(candidates), "");
    }
    if (action.equals("failover") && (target == null || target.isEmpty())) {
      throw new CtlException("Failover could be performed only to a specific candidate");
    }
    if (target != null && !target.isEmpty() && !candidates.contains(target)) {
      if (target.equals(clusterLeader)) {
        throw new CtlException("Member " + target + " is already the leader of cluster " + name);
      }
      throw new CtlException("Member " + target + " does not exist in cluster " + name + " or is tagged as nofailover");
    }
    if (!force && action.equals("failover") && DynamicConfig.of(cluster).isSynchronousMode() && cluster.sync() != null
        && cluster.sync().leader() != null && !cluster.sync().matches(target) && !cluster.sync().isLeader(target)) {
      if (!s.prompter.confirm("Are you sure you want to failover to the asynchronous node " + target + "?")) {
        throw new CtlException("Aborting " + action);
      }
    }
    OffsetDateTime scheduledAt = null;
    String scheduledAtStr = null;
    if (action.equals("switchover")) {
      String when = scheduled;
      if (when == null && !force) {
        when = s.prompter.prompt("When should the switchover take place (e.g. " + ScheduledTime.nextHour() + " ) ", "now");
      }
      scheduledAt = ScheduledTime.parse(when, ZoneId.systemDefault());
      if (scheduledAt != null) {
        if (DynamicConfig.of(cluster).isPaused()) {
          throw new CtlException("Can't schedule switchover in the paused state");
        }
        scheduledAtStr = PatroniJson.isoformat(scheduledAt);
      }
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("candidate", target);
    if (action.equals("switchover")) {
      body.put("leader", switchoverLeader);
    }
    if (scheduledAtStr != null) {
      body.put("scheduled_at", scheduledAtStr);
    }
    if (!force) {
      String demote = clusterLeader != null ? ", demoting current leader " + clusterLeader : "";
      if (scheduledAtStr != null) {
        if (!s.prompter.confirm("Are you sure you want to schedule switchover of cluster " + name + " at "
            + scheduledAtStr + demote + "?")) {
          throw new CtlException("Aborting scheduled " + action);
        }
      } else if (!s.prompter.confirm("Are you sure you want to " + action + " cluster " + name + demote + "?")) {
        throw new CtlException("Aborting " + action);
      }
    }

    Member member = clusterLeader != null ? cluster.leader().member()
        : target == null || target.isEmpty() ? null : cluster.member(target).orElse(null);
    try {
      if (member == null || member.apiUrl() == null) {
        throw new IOException("no member to ask");
      }
      PatroniClient.Response r = s.rest().request(member, "POST", action, body);
      if (r.status() == 501 && action.equals("switchover") && r.body().contains("Server does not support this operation")) {
        r = s.rest().request(member, "POST", "failover", body);
      }
      if (r.status() == 200 || r.status() == 202) {
        cluster = s.cluster(name);
        s.out.println(CtlText.timestamp(6) + " " + r.body());
      } else {
        s.out.println(Character.toUpperCase(action.charAt(0)) + action.substring(1) + " failed, details: " + r.status()
            + ", " + r.body());
        return 1;
      }
    } catch (IOException e) {
      s.warn("Failing over to DCS");
      s.out.println(CtlText.timestamp(6) + " Could not " + action + " using Patroni api, falling back to DCS");
      Failover f = new Failover(0, switchoverLeader, target, scheduledAt);
      boolean written = s.await(s.dcs(name).writeFailover(f, null), "write the failover key");
      if (!written) {
        throw new CtlException("could not write the failover key of cluster " + name);
      }
    }
    s.outputMembers(cluster, name, false, "pretty");
    return 0;
  }
}
