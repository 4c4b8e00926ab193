package io.vigil.clustertest;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Samples every node's timeline (GET /patroni) once a second and records any step back: a node's timeline only
 * ever moves forward, whatever fault the cluster goes through. A node that does not answer is skipped.
 */
final class TimelineMonitor implements AutoCloseable {
  private final List<AgentNode> nodes;
  private final Map<String, Long> highest = new HashMap<>();
  private final List<String> violations = new CopyOnWriteArrayList<>();
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
      for (AgentNode n : nodes) {
        if (!n.agentAlive()) {
          continue;
        }
        JsonNode status = n.status();
        long timeline = status == null ? 0 : status.path("timeline").asLong(0);
        if (timeline > 0) {
          synchronized (highest) {
            long before = highest.getOrDefault(n.name, 0L);
            if (timeline < before) {
              violations.add(n.name + " went back from timeline " + before + " to " + timeline);
            } else {
              highest.put(n.name, timeline);
            }
          }
        }
      }
      Timing.pause(Duration.ofSeconds(1));
    }
  }

  /** The highest timeline seen on any node so far. */
  long highest() {
    synchronized (highest) {
      return highest.values().stream().mapToLong(Long::longValue).max().orElse(0);
    }
  }

  /** Steps back seen since the last call (and forgets them). */
  List<String> drainViolations() {
    List<String> out = List.copyOf(violations);
    violations.removeAll(out);
    return out;
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
  }
}
