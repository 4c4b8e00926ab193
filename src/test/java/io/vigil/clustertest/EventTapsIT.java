package io.vigil.clustertest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vigil.testing.BridgeTap;
import io.vigil.testing.SseTap;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * The three event taps on a real 3-node cluster: an SSE tap ({@code GET /events}) and a TCP bridge tap on every
 * agent, through a switchover and a kill -9 failover. Each tap sees its agent's events in order with no gap in
 * sequence numbers; an SSE tap that reconnects with {@code Last-Event-ID} continues where it stopped; the role
 * changes, switchover and failover events appear on the members they concern, in causal order; {@code vigilctl
 * events} shows them.
 */
class EventTapsIT {
  private static final Duration BOOT = Duration.ofSeconds(120);
  private static final Duration CHANGE = Duration.ofSeconds(60);

  @Test
  void everyTapSeesItsAgentsEventsInOrderThroughASwitchoverAndAFailover() throws Exception {
    Vertx vertx = Vertx.vertx();
    Map<String, Integer> bridgePorts = new LinkedHashMap<>();
    try (TestCluster cluster = new TestCluster("taps")) {
      for (String name : List.of("t0", "t1", "t2")) {
        AgentNode node = cluster.addNode(name, null);
        int port = FreePorts.next();
        bridgePorts.put(name, port);
        node.editConfig(yaml -> yaml + "event_bridge:\n  listen: 127.0.0.1:" + port + "\n  addresses:\n"
            + "  - vigil.tap.events\n  - vigil.tap.events.role_changed\n");
      }
      cluster.startAll();
      AgentNode leader = cluster.awaitLeader(BOOT);
      List<AgentNode> replicas = cluster.nodes.stream().filter(n -> n != leader).toList();
      cluster.awaitStreaming(leader, replicas, BOOT);
      // as ClusterFailoverIT: a switchover needs candidates that report themselves streaming replicas
      for (AgentNode replica : replicas) {
        Timing.await(replica.name + " running as a streaming replica", BOOT, () -> {
          var st = replica.status();
          return st != null && "replica".equals(st.path("role").asText())
              && "streaming".equals(st.path("replication_state").asText()) ? Boolean.TRUE : null;
        }, cluster::describe);
      }

      // Last-Event-ID 0: each SSE tap starts from the agent's first event, so every seq must be there
      Map<String, SseTap> sse = new LinkedHashMap<>();
      Map<String, BridgeTap> bridge = new LinkedHashMap<>();
      Map<String, BridgeTap> roleBridge = new LinkedHashMap<>();
      for (AgentNode n : cluster.nodes) {
        sse.put(n.name, new SseTap(vertx, n.restPort, "/events", 0L, Map.of()));
        bridge.put(n.name, BridgeTap.connect(vertx, bridgePorts.get(n.name), "vigil.tap.events").await());
        roleBridge.put(n.name, BridgeTap.connect(vertx, bridgePorts.get(n.name), "vigil.tap.events.role_changed")
            .await());
        assertEquals(200, sse.get(n.name).status().await());
      }
      for (AgentNode n : cluster.nodes) {
        Timing.await(n.name + " taps connected", CHANGE, () -> n.get("/metrics").body()
            .contains("vigil_event_taps{scope=\"taps\",name=\"" + n.name + "\",kind=\"bridge\"} 2") ? true : null,
            () -> n.get("/metrics").body());
      }

      // switchover to a named candidate; marks: where each tap stood before the step
      AgentNode candidate = replicas.get(0);
      Map<String, Integer> beforeSwitchover = marks(sse);
      AgentNode.Answer answer = leader.call("POST", "/switchover",
          "{\"leader\":\"" + leader.name + "\",\"candidate\":\"" + candidate.name + "\"}");
      assertEquals(200, answer.code(), answer.body());
      Timing.await(candidate.name + " leads", CHANGE, () -> cluster.awaitLeader(CHANGE) == candidate ? true : null,
          cluster::describe);
      awaitEvent(sse.get(candidate.name), beforeSwitchover.get(candidate.name), "role_changed", cluster);
      awaitEvent(sse.get(leader.name), beforeSwitchover.get(leader.name), "role_changed", cluster);

      // one SSE tap drops its connection and resumes with Last-Event-ID
      AgentNode third = replicas.get(1);
      SseTap before = sse.get(third.name);
      Long lastSeen = before.lastId();
      before.close();
      SseTap resumed = new SseTap(vertx, third.restPort, "/events", lastSeen, Map.of());
      assertEquals(200, resumed.status().await());
      Map<String, SseTap> current = new LinkedHashMap<>(sse);
      current.put(third.name, resumed);

      // kill -9 of the new leader: one of the two others takes over, watched live by `vigilctl events --follow`
      Map<String, Integer> beforeFailover = marks(current);
      TestCluster.CtlFollower follower = cluster.vigilctlInBackground(third, "events", "--follow", "-f", "json",
          "--types", "role_changed");
      Timing.await("vigilctl events --follow printing the rings", CHANGE, () ->
          follower.out().contains("\"member\":\"" + candidate.name + "\"") ? true : null, follower::out);
      cluster.node(candidate.name).crash();
      AgentNode successor = Timing.await("a new leader", CHANGE, () -> {
        AgentNode l = cluster.awaitLeader(CHANGE);
        return l != candidate ? l : null;
      }, cluster::describe);
      awaitEvent(current.get(successor.name), beforeFailover.get(successor.name), "failover_finished", cluster);
      try (follower) {
        Timing.await("vigilctl events --follow shows " + successor.name + "'s promotion", CHANGE, () ->
            follower.out().lines().anyMatch(l -> l.contains("\"member\":\"" + successor.name + "\"")
                && l.contains("\"old\":\"replica\"") && l.contains("\"new\":\"primary\"")) ? true : null,
            follower::out);
        assertTrue(follower.alive(), "vigilctl events --follow keeps running when a member dies: " + follower.out());
      }
      AgentNode other = successor == leader ? third : leader;
      Timing.await(other.name + " follows " + successor.name, CHANGE, () ->
          current.get(other.name).events().stream().skip(beforeFailover.get(other.name))
              .anyMatch(e -> "leader_changed".equals(e.event())
              && successor.name.equals(e.json().getJsonObject("data").getString("new"))) ? true : null,
          () -> types(current.get(other.name)).toString());

      // 1. no gap and no duplicate in any tap of a healthy connection
      for (AgentNode n : List.of(leader, successor, other)) {
        if (n != third) {
          assertContiguousFrom(1, seqs(sse.get(n.name)), "SSE tap of " + n.name);
        }
        assertContiguous(bridge.get(n.name).events().stream().map(e -> e.getLong("seq")).toList(),
            "bridge tap of " + n.name);
      }
      // the killed agent's taps saw everything up to its death, then their connections closed
      assertContiguousFrom(1, seqs(sse.get(candidate.name)), "SSE tap of the killed " + candidate.name);
      bridge.get(candidate.name).closed().await();
      sse.get(candidate.name).ended().await();

      // 2. the reconnected tap continues exactly after the last id it had
      List<Long> joined = new ArrayList<>(seqs(before).stream().filter(id -> id <= lastSeen).toList());
      joined.addAll(seqs(resumed));
      assertContiguousFrom(1, joined, "SSE tap of " + third.name + " across its reconnect");
      assertEquals(lastSeen + 1, seqs(resumed).get(0));

      // 3. SSE and bridge taps of one agent agree on every event both saw
      for (AgentNode n : cluster.nodes) {
        Map<Long, String> bySse = new LinkedHashMap<>();
        SseTap s = n == third ? resumed : sse.get(n.name);
        s.events().forEach(e -> bySse.put(e.id(), e.data()));
        if (n == third) {
          before.events().forEach(e -> bySse.put(e.id(), e.data()));
        }
        for (JsonObject e : bridge.get(n.name).events()) {
          String seen = bySse.get(e.getLong("seq"));
          if (seen != null) {
            assertEquals(new JsonObject(seen), e, n.name + " seq " + e.getLong("seq"));
          }
        }
        assertTrue(roleBridge.get(n.name).events().stream().allMatch(e -> "role_changed".equals(e.getString("type"))),
            "the typed bridge address carries only role_changed");
      }

      // 4. the causal order of the switchover and the failover, as each member saw it
      assertOrder(sse.get(leader.name), beforeSwitchover.get(leader.name), leader.name, List.of(
          "switchover_started", "role_changed:primary->"));
      // the candidate's side of the switchover: its promotion, then the step's end
      assertOrder(sse.get(candidate.name), beforeSwitchover.get(candidate.name), candidate.name, List.of(
          "role_changed:->primary", "switchover_finished"));
      SseTap successorTap = current.get(successor.name);
      assertOrder(successorTap, beforeFailover.get(successor.name), successor.name, List.of("failover_started",
          "role_changed:->primary", "failover_finished"));
      assertTrue(roleBridge.get(successor.name).events().stream().anyMatch(e ->
          "primary".equals(e.getJsonObject("data").getString("new"))), "role change on the typed bridge address");

      // 5. vigilctl events shows the members' rings
      TestCluster.CtlRun ctl = cluster.vigilctl(successor, "events", "-f", "json", "--types", "role_changed");
      assertEquals(0, ctl.code(), ctl.out());
      assertTrue(ctl.out().lines().anyMatch(l -> l.contains("\"member\":\"" + successor.name + "\"")
          && l.contains("\"new\":\"primary\"")), ctl.out());
      assertTrue(ctl.out().lines().filter(l -> l.startsWith("{")).allMatch(l -> l.contains("\"type\":\"role_changed\"")),
          ctl.out());

      sse.values().forEach(SseTap::close);
      resumed.close();
      bridge.values().forEach(BridgeTap::close);
      roleBridge.values().forEach(BridgeTap::close);
    } finally {
      vertx.close().await();
    }
  }

  /** How many events each tap has received so far. */
  private static Map<String, Integer> marks(Map<String, SseTap> taps) {
    Map<String, Integer> out = new LinkedHashMap<>();
    taps.forEach((name, tap) -> out.put(name, tap.events().size()));
    return out;
  }

  private static void awaitEvent(SseTap tap, int from, String type, TestCluster cluster) {
    Timing.await(type + " at a tap after its event #" + from, CHANGE,
        () -> tap.events().stream().skip(from).anyMatch(e -> type.equals(e.event())) ? true : null,
        () -> types(tap) + "\n" + cluster.describe());
  }

  private static List<String> types(SseTap tap) {
    return tap.events().stream().map(e -> e.id() + ":" + e.event()).toList();
  }

  private static List<Long> seqs(SseTap tap) {
    return tap.events().stream().map(SseTap.Received::id).toList();
  }

  private static void assertContiguousFrom(long first, List<Long> seqs, String what) {
    assertTrue(!seqs.isEmpty(), what + " received nothing");
    assertEquals(first, seqs.get(0), what + " starts at " + first);
    assertContiguous(seqs, what);
  }

  private static void assertContiguous(List<Long> seqs, String what) {
    for (int i = 1; i < seqs.size(); i++) {
      assertEquals(seqs.get(i - 1) + 1, seqs.get(i), what + ": gap or duplicate at index " + i + " of " + seqs);
    }
  }

  /**
   * The steps appear in this order among the tap's events; {@code role_changed:a->b} matches a role change from
   * {@code a} to {@code b} (either side may be empty: any); {@code x|y} matches either type.
   */
  private static void assertOrder(SseTap tap, int start, String member, List<String> steps) {
    List<SseTap.Received> events = tap.events();
    int from = start;
    for (String step : steps) {
      int found = -1;
      for (int i = from; i < events.size() && found < 0; i++) {
        if (matches(events.get(i), step)) {
          found = i;
        }
      }
      assertTrue(found >= 0, member + ": no " + step + " after index " + from + " in " + types(tap));
      from = found + 1;
    }
  }

  private static boolean matches(SseTap.Received e, String step) {
    if (!step.startsWith("role_changed:")) {
      return List.of(step.split("\\|")).contains(e.event());
    }
    if (!"role_changed".equals(e.event())) {
      return false;
    }
    String[] roles = step.substring("role_changed:".length()).split("->", -1);
    JsonObject data = e.json().getJsonObject("data");
    return (roles[0].isEmpty() || Objects.equals(roles[0], data.getString("old")))
        && (roles[1].isEmpty() || Objects.equals(roles[1], data.getString("new")));
  }
}
