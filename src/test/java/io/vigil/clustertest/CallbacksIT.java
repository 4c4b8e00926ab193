package io.vigil.clustertest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Patroni's script callbacks on a 3-node cluster (docs/callbacks.md §1): every node's on_start, on_stop, on_restart,
 * on_reload and on_role_change script appends its arguments to a file, and each step checks what each node's script
 * received and in which order, through a bootstrap, a switchover and a kill -9 failover. c2's pre_promote exits 1,
 * so c2 takes the leader key but is never promoted. c0 loads the example plugin from {@code callbacks.plugin_dir}.
 *
 * <p>One test method: the steps share one cluster and each builds on the state the previous one left, so they
 * are one scenario, in an order written down here, and a rerun starts it again on a fresh cluster. Each step
 * takes exactly the lines it expects; any line it did not expect is still unchecked for the next step, so a
 * callback run once too often fails the scenario instead of being skipped.
 *
 * <p>{@code on_reload} lines are left out of the exact comparisons: on_reload runs after every reload of
 * PostgreSQL's configuration, as in Patroni, and how many there are depends on timing (a replica re-pointed at a new
 * leader reloads on PostgreSQL 13+, once per cycle that saw a different leader or none; role-specific parameters
 * are applied by a reload once the first cycle knows the role).
 */
class CallbacksIT {
  private static final Duration BOOT = Duration.ofSeconds(120);
  private static final Duration STEP = Duration.ofSeconds(60);
  private static final String SCOPE = "callbacks";
  private static final Predicate<String> RELOAD = l -> l.startsWith("on_reload ");
  /** How many lines of each node's callback log earlier steps checked. */
  private final Map<String, Integer> checked = new HashMap<>();

  @Test
  void eachNodesScriptGetsPatronisArgumentsInOrderThroughASwitchoverAndAFailover() throws Exception {
    try (TestCluster cluster = new TestCluster(SCOPE)) {
      AgentNode c0 = cluster.addNode("c0", null);
      AgentNode c1 = cluster.addNode("c1", null);
      AgentNode c2 = cluster.addNode("c2", null);
      configureScripts(cluster, c2);
      loadExamplePlugin(c0);

      bootstrapCallsOnStartWithEachNodesRole(cluster, c0, c1, c2);
      switchoverStopsAndDemotesTheOldLeaderAndPromotesTheCandidate(cluster, c0, c1, c2);
      killedLeaderIsReplacedAndAFailingPrePromoteKeepsItsNodeFromPromoting(cluster, c0, c1, c2);
      thePluginFromPluginDirSawTheCallbacksAndTheRoleChanges(c0);
      for (AgentNode n : cluster.nodes) {
        assertEquals(List.of(), uncheckedLines(n), n.name + " received callbacks no step expected: "
            + callbackLines(n) + " (first " + checked.getOrDefault(n.name, 0) + " checked)");
      }
    }
  }

  private static void configureScripts(TestCluster cluster, AgentNode refusing) throws IOException {
    for (AgentNode n : cluster.nodes) {
      String refuse = "";
      if (n == refusing) {
        Path pre = AgentNode.executable(n.dir.resolve("refuse.sh"), "echo refused >> "
            + n.dir.resolve("pre_promote.log") + "\nexit 1");
        refuse = "  pre_promote: " + pre + "\n";
      }
      n.recordCallbacks(refuse);
    }
  }

  private static void loadExamplePlugin(AgentNode node) throws IOException {
    Path plugins = TestDirs.subdir(node.dir, "plugins");
    Path jar = Path.of(System.getProperty("vigil.repo", ".."),
        "examples/callback-plugin/target/vigil-callback-plugin-example.jar").toAbsolutePath().normalize();
    assertTrue(Files.exists(jar), "the example plugin is built before dist: " + jar);
    Files.copy(jar, plugins.resolve(jar.getFileName()));
    TestDirs.giveToPostgres(plugins.resolve(jar.getFileName()));
    node.editConfig(yaml -> yaml + """
        callbacks:
          plugin_dir: %s
          timeout_ms: 3000
          plugins:
            role-change-log:
              file: %s
              types: [role_changed, callback_finished]
        """.formatted(plugins, node.dir.resolve("plugin.log")));
  }

  private void bootstrapCallsOnStartWithEachNodesRole(TestCluster cluster, AgentNode c0, AgentNode c1, AgentNode c2)
      throws IOException {
    // c0 bootstraps alone, so that c2 (whose pre_promote refuses) never leads from the start
    c0.start();
    Timing.await("c0 bootstrapped as leader", BOOT, () -> c0.get("/primary").code() == 200 ? Boolean.TRUE : null,
        cluster::describe);
    c1.start();
    c2.start();
    cluster.awaitStreaming(c0, List.of(c1, c2), BOOT);
    awaitCallbacks(c0, "on_start primary");
    awaitCallbacks(c1, "on_start replica");
    awaitCallbacks(c2, "on_start replica");
  }

  private void switchoverStopsAndDemotesTheOldLeaderAndPromotesTheCandidate(TestCluster cluster, AgentNode c0,
      AgentNode c1, AgentNode c2) {
    awaitStreamingReplicas(cluster, c1, c2);
    int c2Before = callbackLines(c2).size();
    AgentNode.Answer answer = c0.call("POST", "/switchover", "{\"leader\":\"c0\",\"candidate\":\"c1\"}");
    assertEquals(200, answer.code(), answer.body());
    Timing.await("c1 as the leader", STEP, () -> c1.get("/primary").code() == 200 ? Boolean.TRUE : null,
        cluster::describe);
    cluster.awaitStreaming(c1, List.of(c0, c2), BOOT);
    awaitStreamingReplicas(cluster, c0, c2);
    // patroni/ha.py demote stops PostgreSQL (patroni/postgresql/__init__.py stop: on_stop with the role it had),
    // then follow() starts it as a replica with block_callbacks and runs on_role_change only, once
    awaitCallbacks(c0, "on_stop primary", "on_role_change replica");
    // patroni/postgresql/__init__.py promote: on_role_change once pg_ctl promote succeeded
    awaitCallbacks(c1, "on_role_change primary");
    // c2 stays a replica: re-pointing it at c1 is a reload on PostgreSQL 13+ (only on_reload, left out)
    awaitCallbacks(c2);
    Timing.await("c2 reloaded to follow c1", STEP,
        () -> callbackLines(c2).subList(c2Before, callbackLines(c2).size()).stream().anyMatch(RELOAD)
            ? Boolean.TRUE : null, () -> "c2 received " + callbackLines(c2));
  }

  private void killedLeaderIsReplacedAndAFailingPrePromoteKeepsItsNodeFromPromoting(TestCluster cluster,
      AgentNode c0, AgentNode c1, AgentNode c2) throws IOException {
    // c0 sits out the race at first: c2, the only candidate, must take the key and be stopped by its pre_promote.
    // POST /reload, not SIGHUP: a JVM started with SIGHUP ignored (under nohup) cannot catch it
    c0.editConfig(yaml -> yaml.replace("tags:\n  nofailover: false", "tags:\n  nofailover: true"));
    assertEquals(202, c0.call("POST", "/reload", null).code(), "POST /reload");
    Timing.await("c0 tagged nofailover", STEP, () -> c0.status() != null
        && c0.status().path("tags").path("nofailover").asBoolean(false) ? Boolean.TRUE : null, cluster::describe);

    c1.crash();
    Timing.await("c2's pre_promote to refuse", STEP,
        () -> lines(c2.dir.resolve("pre_promote.log")).isEmpty() ? null : Boolean.TRUE, cluster::describe);
    // c2 holds the key for a cycle (its /primary answers 200 meanwhile, as Patroni's does), but PostgreSQL was
    // never promoted and the key is given back
    assertEquals("t", c2.sql("SELECT pg_is_in_recovery()"), "c2's PostgreSQL must still be in recovery");
    assertTrue(callbackLines(c2).stream().noneMatch(l -> l.startsWith("on_role_change")),
        "c2 never ran on_role_change: " + callbackLines(c2));

    c0.editConfig(yaml -> yaml.replace("tags:\n  nofailover: true", "tags:\n  nofailover: false"));
    assertEquals(202, c0.call("POST", "/reload", null).code(), "POST /reload");
    Timing.await("c0 as the new leader", STEP, () -> c0.get("/primary").code() == 200 ? Boolean.TRUE : null,
        cluster::describe);
    cluster.awaitStreaming(c0, List.of(c2), BOOT);
    assertEquals(503, c2.get("/primary").code(), "c2 was never promoted");
    awaitCallbacks(c0, "on_role_change primary");
    // c2 took the key and gave it back: it stays a replica throughout, and following c0 takes only a reload of
    // primary_conninfo (PostgreSQL 13+). c2 asks its own server (IDENTIFY_SYSTEM) which timeline it replays, so it
    // sees that it has not diverged from c0 and runs no pg_rewind (no stop and start)
    assertEquals(List.of(), uncheckedLines(c2), "c2 received only reloads: " + callbackLines(c2));
    checked.put(c2.name, callbackLines(c2).size());
    assertTrue(lines(c2.dir.resolve("pre_promote.log")).stream().allMatch("refused"::equals));
  }

  private static void thePluginFromPluginDirSawTheCallbacksAndTheRoleChanges(AgentNode c0) {
    List<String> plugin = Timing.await("the example plugin's file", STEP, () -> {
      List<String> l = lines(c0.dir.resolve("plugin.log"));
      return l.stream().anyMatch(x -> x.contains("\"type\":\"callback_finished\"")
          && x.contains("\"action\":\"on_role_change\"") && x.contains("\"role\":\"primary\""))
          && l.stream().anyMatch(x -> x.contains("\"type\":\"role_changed\"") && x.contains("\"new\":\"primary\""))
          ? l : null;
    }, () -> String.valueOf(lines(c0.dir.resolve("plugin.log"))) + "\n" + c0.logTail(40));
    assertTrue(plugin.stream().allMatch(x -> x.contains("\"member\":\"c0\"")), String.valueOf(plugin));
    assertTrue(plugin.stream().anyMatch(x -> x.contains("\"exit_code\":0")), String.valueOf(plugin));
  }

  /** As ClusterFailoverIT: a switchover needs candidates that report themselves streaming replicas. */
  private static void awaitStreamingReplicas(TestCluster cluster, AgentNode... replicas) {
    for (AgentNode replica : replicas) {
      Timing.await(replica.name + " running as a streaming replica", BOOT, () -> {
        var st = replica.status();
        return st != null && "replica".equals(st.path("role").asText())
            && "streaming".equals(st.path("replication_state").asText()) ? Boolean.TRUE : null;
      }, cluster::describe);
    }
  }

  private static List<String> lines(Path file) {
    try {
      return Files.exists(file) ? Files.readAllLines(file) : List.of();
    } catch (IOException e) {
      return List.of();
    }
  }

  private static List<String> callbackLines(AgentNode n) {
    return n.callbackLines();
  }

  private List<String> uncheckedLines(AgentNode n) {
    return withoutReloads(callbackLines(n), checked.getOrDefault(n.name, 0));
  }

  private static List<String> withoutReloads(List<String> all, int from) {
    return all.subList(Math.min(from, all.size()), all.size()).stream().filter(RELOAD.negate()).toList();
  }

  /**
   * Waits until {@code n}'s script has received exactly {@code expected} (in order, reloads aside) since the lines
   * earlier steps checked, and marks them checked.
   */
  private void awaitCallbacks(AgentNode n, String... expected) {
    List<String> want = List.of(expected).stream().map(e -> e + " " + SCOPE).toList();
    int from = checked.getOrDefault(n.name, 0);
    int upTo = Timing.await(n.name + "'s callbacks " + want, STEP, () -> {
      List<String> all = callbackLines(n);
      return withoutReloads(all, from).equals(want) ? all.size() : null;
    }, () -> n.name + " received " + callbackLines(n) + " (first " + from + " checked by earlier steps)");
    checked.put(n.name, upTo);
  }
}
