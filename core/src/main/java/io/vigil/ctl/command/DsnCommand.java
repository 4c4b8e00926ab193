package io.vigil.ctl.command;

import io.vigil.cluster.Cluster;
import io.vigil.cluster.Member;
import io.vigil.ctl.ConnParams;
import io.vigil.ctl.CtlException;
import io.vigil.ctl.CtlSession;
import io.vigil.ctl.Members;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code dsn [CLUSTER] [-r ROLE | -m MEMBER]}: {@code host=<h> port=<p>} of the leader by default. */
@Command(name = "dsn", description = "Generate a dsn for the provided member, defaults to a dsn of the leader")
public final class DsnCommand extends CtlCommand {
  @Parameters(paramLabel = "CLUSTER_NAME", arity = "0..1")
  String clusterName;

  @Option(names = "--group", description = "Citus group (not supported)")
  Integer group;

  @Option(names = {"-r", "--role"}, description = "Give a dsn of any member with this role")
  String role;

  @Option(names = {"-m", "--member"}, description = "Generate a dsn for this member")
  String member;

  @Override
  protected int run(CtlSession s) {
    checkNoGroup(group);
    Members.Role r = role == null ? null : Members.Role.parse(role);
    Cluster cluster = s.cluster(s.clusterName(clusterName));
    s.out.println(dsn(cluster, r, member));
    return 0;
  }

  /** The dsn line, or {@code Can not find a suitable member}. */
  public static String dsn(Cluster cluster, Members.Role role, String member) {
    Member m = Members.any(cluster, role, member).orElseThrow(() -> new CtlException("Can not find a suitable member"));
    return ConnParams.of(m).dsn();
  }
}
