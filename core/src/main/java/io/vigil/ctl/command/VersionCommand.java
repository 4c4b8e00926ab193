package io.vigil.ctl.command;

import io.vigil.ctl.CtlText;
import io.vigil.patroni.PyText;
import io.vigil.cluster.Cluster;
import io.vigil.cluster.Member;
import io.vigil.ctl.CtlSession;
import io.vigil.ctl.Members;
import io.vigil.ctl.PatroniClient;
import io.vigil.ctl.VigilCtl;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code version [CLUSTER [MEMBERS...]]}: vigilctl's version, then each member's agent and PostgreSQL versions. */
@Command(name = "version", description = "Output version of vigilctl command or a running Vigil/Patroni instance")
public final class VersionCommand extends CtlCommand {
  @Parameters(index = "0", arity = "0..1", paramLabel = "CLUSTER_NAME")
  String clusterName;

  @Parameters(index = "1..*", paramLabel = "MEMBER_NAMES")
  List<String> memberNames = new ArrayList<>();

  @Option(names = "--group", description = "Citus group (not supported)")
  Integer group;

  @Override
  protected int run(CtlSession s) {
    s.out.println("vigilctl version " + VigilCtl.vigilVersion());
    if (clusterName == null || clusterName.isEmpty()) {
      return 0;
    }
    checkNoGroup(group);
    s.out.println();
    Cluster cluster = s.cluster(clusterName);
    for (Member m : Members.all(cluster, Members.Role.ANY)) {
      if (m.apiUrl() == null || !memberNames.isEmpty() && !memberNames.contains(m.name())) {
        continue;
      }
      try {
        PatroniClient.Response r = s.rest().request(m, "GET", "patroni", null);
        Map<?, ?> data = CtlText.loadYaml(r.body()) instanceof Map<?, ?> d ? d : Map.of();
        Object version = data.get("patroni") instanceof Map<?, ?> p ? p.get("version") : null;
        Object pg = data.get("server_version");
        String pgText = pg instanceof Number n && n.longValue() != 0 ? " PostgreSQL " + formatPgVersion(n.longValue()) : "";
        s.out.println(m.name() + ": Patroni " + PyText.str(version) + pgText);
      } catch (Exception e) {
        s.out.println(m.name() + ": failed to get version: " + e.getMessage());
      }
    }
    return 0;
  }

  /** 90624 → 9.6.24, 150018 → 15.18. */
  public static String formatPgVersion(long v) {
    return v < 100000 ? (v / 10000) + "." + (v / 100 % 100) + "." + (v % 100) : (v / 10000) + "." + (v % 100);
  }
}
