package io.vigil.clustertest;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Samples every node's timeline (GET /patroni) once a second and records any step back of a primary's timeline:
 * the timeline a node writes on only ever moves forward, and so does the highest timeline any primary writes on.
 * A node that does not answer is skipped.
 *
 * <p>A replica's reported timeline is only noted, not judged: when it is not streaming, the agent (as Patroni's
 * query does) falls back on the timeline of its last restartpoint, which can lag behind what it replayed.
 */
final class TimelineMonitor implements AutoCloseable {
  private final List<AgentNode> nodes;
  private final Map<String, Long> highest = new HashMap<>();
  private final List<String> violations = new CopyOnWriteArrayList<>();
  private final Map<String, Long> replicaHighest = new HashMap<>();
  private final List<String> replicaStepsBack = new CopyOnWriteArrayList<>();
  private final Thread thread;
  private volatile boolean running = true;

  TimelineMonitor(List<AgentNode> nodes) {
    this.nodes = List.copyOf(nodes);
    thread = new Thread(this::loop, "timeline-monitor");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    while (running) {
      nodes.forEach(this::check);
      Timing.pause(Duration.ofSeconds(1));
    }
  }

  /**
   * Samples one node now, besides the once-a-second round: a scenario calls it at the moment a stale answer is
   * most likely, e.g. the first request to an agent that was just thawed.
   */
  void check(AgentNode n) {
    if (!n.agentAlive()) {
      return;
    }
    JsonNode status = n.status();
    long timeline = status == null ? 0 : status.path("timeline").asLong(0);
    String role = status == null ? "" : status.path("role").asText("");
    boolean primary = role.equals("primary") || role.equals("master");
    if (timeline <= 0) {
      return;
    }
    synchronized (highest) {
      Map<String, Long> seen = primary ? highest : replicaHighest;
      long before = seen.getOrDefault(n.name, 0L);
      long anyPrimary = highest.values().stream().mapToLong(Long::longValue).max().orElse(0);
      if (primary && timeline < anyPrimary) {
        violations.add(n.name + " wrote as a primary on timeline " + timeline + " after a primary wrote on "
            + anyPrimary);
      }
      if (timeline < before) {
        (primary ? violations : replicaStepsBack).add(n.name + " (" + role + ") went back from timeline " + before
            + " to " + timeline);
      } else {
        seen.put(n.name, timeline);
      }
    }
  }

  /** The highest timeline seen on any node so far. */
  long highest() {
    synchronized (highest) {
      return highest.values().stream().mapToLong(Long::longValue).max().orElse(0);
    }
  }

  /** Steps back of replicas' reported timelines since the last call (and forgets them): noted only. */
  List<String> drainReplicaNotes() {
    List<String> out = List.copyOf(replicaStepsBack);
    replicaStepsBack.removeAll(out);
    return out.stream().distinct().toList();
  }

  /** Steps back seen since the last call (and forgets them). */
  List<String> drainViolations() {
    List<String> out = List.copyOf(violations);
    violations.removeAll(out);
    return out.stream().distinct().toList();
  }

  @Override
  public void close() {
    // no interrupt: the loop ends within its one-second pause, and a pause cut short would fail loudly
    running = false;
  }
}
