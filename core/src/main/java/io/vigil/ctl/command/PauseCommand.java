package io.vigil.ctl.command;

import io.vigil.patroni.DynamicConfig;
import io.vigil.cluster.Cluster;
import io.vigil.cluster.Member;
import io.vigil.ctl.CtlException;
import io.vigil.ctl.CtlSession;
import io.vigil.ctl.Members;
import io.vigil.ctl.PatroniClient;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code pause [CLUSTER] [--wait]}: maintenance mode. As patronictl 4 (docs/vigilctl.md §4.3) this is {@code PATCH /config
 * {"pause": true}} to the first member that answers, leader first; there is no DCS fallback.
 */
@Command(name = "pause", description = "Disable auto failover")
public final class PauseCommand extends CtlCommand {
  @Parameters(paramLabel = "CLUSTER_NAME", arity = "0..1")
  String clusterName;

  @Option(names = "--group", description = "Citus group (not supported)")
  Integer group;

  @Option(names = "--wait", description = "Wait until pause is applied on all nodes")
  boolean await;

  @Override
  protected int run(CtlSession s) throws InterruptedException {
    checkNoGroup(group);
    return toggle(s, clusterName, true, await);
  }

  static int toggle(CtlSession s, String clusterArg, boolean paused, boolean wait) throws InterruptedException {
    String name = s.clusterName(clusterArg);
    Cluster cluster = s.cluster(name);
    if (DynamicConfig.of(cluster).isPaused() == paused) {
      throw new CtlException("Cluster is " + (paused ? "already" : "not") + " paused");
    }
    Map<String, Object> body = new HashMap<>();
    body.put("pause", paused ? Boolean.TRUE : null);
    for (Member member : Members.leaderFirst(cluster)) {
      PatroniClient.Response r;
      try {
        r = s.rest().request(member, "PATCH", "config", body);
      } catch (IOException e) {
        s.warn(String.valueOf(e.getMessage()));
        s.warn("Member " + member.name() + " is not accessible");
        continue;
      }
      if (r.status() == 200) {
        if (wait) {
          waitUntilApplied(s, name, paused, cluster);
        } else {
          s.out.println("Success: cluster management is " + (paused ? "paused" : "resumed"));
        }
        return 0;
      }
      s.out.println("Failed: " + (paused ? "pause" : "resume") + " cluster management status code=" + r.status() + ", ("
          + r.body() + ")");
      return 1;
    }
    throw new CtlException("Can not find accessible cluster member");
  }

  /** Polls the member keys until each member that was there shows the new pause state, for loop_wait + 1 s. */
  private static void waitUntilApplied(CtlSession s, String name, boolean paused, Cluster old) throws InterruptedException {
    s.out.println("'" + (paused ? "pause" : "resume") + "' request sent, waiting until it is recognized by all nodes");
    Map<String, Long> before = new HashMap<>();
    old.members().stream().filter(m -> m.apiUrl() != null).forEach(m -> before.put(m.name(), m.version()));
    int loopWait = (int) DynamicConfig.of(old).getInt("loop_wait", 10, "s");
    long deadline = System.nanoTime() + (loopWait + 1) * 1_000_000_000L;
    Cluster cluster;
    while (true) {
      cluster = s.cluster(name);
      if (cluster.members().stream().filter(m -> before.containsKey(m.name())).allMatch(m -> isPaused(m) == paused)) {
        break;
      }
      if (System.nanoTime() >= deadline) {
        List<String> remaining = cluster.members().stream()
            .filter(m -> isPaused(m) != paused && before.containsKey(m.name()) && before.get(m.name()) != m.version())
            .map(Member::name).toList();
        if (!remaining.isEmpty()) {
          s.out.println(String.join(", ", remaining) + " members didn't recognized pause state after " + loopWait
              + " seconds");
          return;
        }
        break;
      }
      Thread.sleep(1000);
    }
    s.out.println("Success: cluster management is " + (paused ? "paused" : "resumed"));
  }

  private static boolean isPaused(Member m) {
    return Boolean.TRUE.equals(m.data().get("pause"));
  }
}
