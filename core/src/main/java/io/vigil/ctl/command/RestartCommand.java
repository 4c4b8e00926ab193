package io.vigil.ctl.command;

import io.vigil.patroni.DynamicConfig;
import io.vigil.patroni.PyText;
import io.vigil.cluster.PatroniJson;

import io.vigil.cluster.Cluster;
import io.vigil.cluster.Member;
import io.vigil.ctl.CtlException;
import io.vigil.ctl.CtlSession;
import io.vigil.ctl.Members;
import io.vigil.ctl.PatroniClient;
import io.vigil.ctl.ScheduledTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code restart CLUSTER [MEMBERS...] [-r ROLE] [--any] [--scheduled TS] [--pg-version V] [--pending]
 * [--timeout T] [--force]}: POST /restart on each chosen member.
 */
@Command(name = "restart", description = "Restart cluster member")
public final class RestartCommand extends CtlCommand {
  @Parameters(index = "0", paramLabel = "CLUSTER_NAME")
  String clusterName;

  @Parameters(index = "1..*", paramLabel = "MEMBER_NAMES")
  List<String> memberNames = new ArrayList<>();

  @Option(names = "--group", description = "Citus group (not supported)")
  Integer group;

  @Option(names = {"-r", "--role"}, description = "Restart only members with this role")
  String role = "any";

  @Option(names = "--any", description = "Restart a single member only")
  boolean any;

  @Option(names = "--scheduled", description = "Timestamp of a scheduled restart in unambiguous format (e.g. ISO 8601)")
  String scheduled;

  @Option(names = "--pg-version", description = "Restart if the PostgreSQL version is less than provided (e.g. 9.5.2)")
  String version;

  @Option(names = "--pending", description = "Restart if pending")
  boolean pending;

  @Option(names = "--timeout", description = "Return error and fail over if necessary when restarting takes longer than this.")
  String timeout;

  @Option(names = "--force", description = "Do not ask for confirmation at any point")
  boolean force;

  @Override
  protected int run(CtlSession s) {
    checkNoGroup(group);
    Members.Role r = Members.Role.parse(role);
    Cluster cluster = s.cluster(clusterName);
    List<Member> members = new ArrayList<>(s.selectMembers(cluster, clusterName, memberNames, r, force, "restart", false));
    String when = scheduled;
    if (when == null && !force) {
      when = s.prompter.prompt("When should the restart take place (e.g. " + ScheduledTime.nextHour() + ") ", "now");
    }
    OffsetDateTime scheduledAt = ScheduledTime.parse(when, ZoneId.systemDefault());
    Map<String, Object> content = new LinkedHashMap<>();
    if (pending) {
      content.put("restart_pending", true);
      // a scheduled restart decides at its time which members need it
      if (scheduledAt == null) {
        members.removeIf(m -> !PyText.truthy(m.data().get("pending_restart")));
      }
    }
    if (any) {
      Collections.shuffle(members);
      members = members.isEmpty() ? members : new ArrayList<>(members.subList(0, 1));
    }
    s.confirmMembersAction(members, force, "restart", scheduledAt == null ? null : ScheduledTime.str(scheduledAt), pending);
    String pgVersion = version;
    if (pgVersion == null && !force) {
      pgVersion = s.prompter.prompt("Restart if the PostgreSQL version is less than provided (e.g. 9.5.2) ", "");
    }
    if (pgVersion != null && !pgVersion.isEmpty()) {
      checkPostgresVersion(pgVersion);
      content.put("postgres_version", pgVersion);
    }
    if (scheduledAt != null) {
      if (DynamicConfig.of(cluster).isPaused()) {
        throw new CtlException("Can't schedule restart in the paused state");
      }
      content.put("schedule", PatroniJson.isoformat(scheduledAt));
    }
    if (timeout != null) {
      content.put("timeout", timeout);
    }
    int failures = 0;
    for (Member member : members) {
      if (content.containsKey("schedule") && force && PyText.truthy(member.data().get("scheduled_restart"))) {
        PatroniClient.Response d = call(s, member, "DELETE", "restart", null);
        s.checkResponse(d, member.name(), "flush scheduled restart", true);
      }
      PatroniClient.Response resp = call(s, member, "POST", "restart", content);
      switch (resp.status()) {
        case 200 -> s.out.println("Success: restart on member " + member.name());
        case 202 -> s.out.println("Success: restart scheduled on member " + member.name());
        case 409 -> {
          s.out.println("Failed: another restart is already scheduled on member " + member.name());
          failures++;
        }
        default -> {
          s.out.println("Failed: restart for member " + member.name() + ", status code=" + resp.status() + ", ("
              + resp.body() + ")");
          failures++;
        }
      }
    }
    return failures == 0 ? 0 : 1;
  }

  /** Patroni's {@code postgres_version_to_int}: X.Y or X.Y.Z (X.Y for 10 and later). */
  static void checkPostgresVersion(String v) {
    String[] parts = v.split("\\.");
    boolean ok = parts.length == 2 || parts.length == 3;
    for (String p : parts) {
      ok &= p.matches("\\d+");
    }
    if (!ok) {
      throw new CtlException("'" + v + "' is not a valid PostgreSQL version, it should be X.Y or X.Y.Z");
    }
  }
}
