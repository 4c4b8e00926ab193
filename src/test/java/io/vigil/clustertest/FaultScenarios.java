package io.vigil.clustertest;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Real faults on a running 3-node cluster under write load, one round at a time, each measured as a
 * {@link FaultRound} against the safety invariants: never two primaries acknowledging writes (overlap &le; 0), no
 * acknowledged write lost in synchronous mode, timelines only forward, and one leader with every other node
 * streaming within ttl + loop_wait + 30 s of the heal. Every cut is removed in a finally, so a failed round leaves
 * the cluster whole for the next one.
 *
 * <p>The cluster must be {@linkplain TestCluster#partitionable partitionable}. The cuts, on one machine where only
 * ports can be told apart:
 * <ul>
 *   <li>node to DCS: node i talks to etcd on a client port of its own; that port is dropped.</li>
 *   <li>leader to replicas: the leader's PostgreSQL connect address (127.0.0.1:port, which replicas stream from)
 *       and its REST port are dropped. The writers would be cut too, so they reach every PostgreSQL on a second
 *       address ({@value AgentNode#OBSERVER_HOST}) the cut does not cover, as clients on the leader's side of a
 *       partition would; the agent's own connections use that address too (first in {@code listen}), so the
 *       leader keeps its DCS and its own database, exactly the fault the scenario means. The harness itself
 *       cannot see the leader's REST during the cut; the writers tell whether it takes writes.</li>
 * </ul>
 */
final class FaultScenarios implements AutoCloseable {
  enum Scenario {
    /** Planned switchover to a replica while the writers run. */
    SWITCHOVER_UNDER_LOAD(false),
    /** The leader's traffic to etcd silently dropped; PostgreSQL and REST stay reachable. */
    LEADER_CUT_FROM_DCS(false),
    /** The same in synchronous mode: no confirmed write may be lost. */
    SYNC_LEADER_CUT_FROM_DCS(true),
    /** The leader cut off from the replicas (replication and REST) but not from etcd: nothing may change. */
    LEADER_CUT_FROM_REPLICAS(false),
    /** One replica's traffic to etcd dropped: it must not promote, the leader must stay. */
    REPLICA_CUT_FROM_DCS(false),
    /**
     * SIGSTOP of the leader's agent for longer than ttl: without a watchdog the old primary keeps taking writes
     * until the thaw; with one ({@link #withWatchdog()}) it must be stopped before another node promotes.
     */
    LEADER_AGENT_FROZEN(false),
    /** etcd stopped (SIGKILL) for longer than ttl, failsafe_mode off. */
    DCS_STOPPED(false),
    /** kill -9 of the leader's agent only, restarted at once: PostgreSQL survives, nothing may change. */
    LEADER_AGENT_KILLED(false),
    /** kill -9 of the leader's agent and postmaster in synchronous mode: no confirmed write may be lost. */
    SYNC_LEADER_CRASH(true);

    final boolean synchronous;

    Scenario(boolean synchronous) {
      this.synchronous = synchronous;
    }
  }

  private static final Duration BOOT = Duration.ofSeconds(180);
  private final TestCluster cluster;
  private final String agent;
  private AckWriters writers;
  private TimelineMonitor timelines;
  /** The agents run with a watchdog (docs/watchdog.md): a frozen agent's primary must stop before a failover. */
  private boolean watchdog;

  FaultScenarios(TestCluster cluster, String agent) {
    this.cluster = cluster;
    this.agent = agent;
  }

  /**
   * The nodes run with a watchdog: {@link Scenario#LEADER_AGENT_FROZEN} then expects what every other scenario
   * does, no second writable primary at any moment.
   */
  FaultScenarios withWatchdog() {
    this.watchdog = true;
    return this;
  }

  /** Starts the agents and, once the cluster is healthy, the writers and the timeline monitor. */
  FaultScenarios start() throws IOException {
    PortCut.removeLeftovers();
    cluster.startAll();
    AgentNode leader = healthy();
    AckWriters.createTable(leader);
    writers = new AckWriters(cluster.nodes);
    timelines = new TimelineMonitor(cluster.nodes);
    return this;
  }

  private Duration convergeDeadline() {
    return Duration.ofSeconds(cluster.ttl() + cluster.loopWait() + 30L);
  }

  private AgentNode healthy() {
    AgentNode leader = cluster.awaitLeader(BOOT);
    cluster.awaitStreaming(leader, others(leader), BOOT);
    return leader;
  }

  private List<AgentNode> others(AgentNode leader) {
    return cluster.nodes.stream().filter(n -> n != leader).toList();
  }

  private int indexOf(AgentNode n) {
    return cluster.nodes.indexOf(n);
  }

  /**
   * One round: wait for a healthy cluster and writes on the leader, wait {@code phase} (a fault strikes at any
   * moment of the heartbeat), inject, hold, heal, await convergence and measure.
   */
  FaultRound run(Scenario scenario, Duration phase) {
    AgentNode leader = healthy();
    List<String> problems = new ArrayList<>();
    if (scenario.synchronous) {
      setSynchronousMode(leader, true);
    }
    long roundStart = System.nanoTime();
    Timing.await("writes acknowledged by the leader " + leader.name, Duration.ofSeconds(30),
        () -> writers.ackedSince(leader.name, roundStart) ? Boolean.TRUE : null, cluster::describe);
    long timelineBefore = timelines.highest();
    Timing.pause(phase);
    long cut = System.nanoTime();
    long heal;
    try {
      heal = inject(scenario, leader, cut, problems);
    } catch (RuntimeException | Error e) {
      problems.add("the fault could not be held: " + e);
      heal = System.nanoTime();
    }

    long convergeStart = System.nanoTime();
    AgentNode finalLeader = null;
    double convergeMs = Double.NaN;
    try {
      finalLeader = cluster.awaitLeader(convergeDeadline());
      cluster.awaitStreaming(finalLeader, others(finalLeader), convergeDeadline());
      convergeMs = (System.nanoTime() - convergeStart) / 1e6;
    } catch (AssertionError e) {
      problems.add("did not converge within ttl + loop_wait + 30 s: " + e.getMessage());
    }
    Set<String> rows = null;
    long readAt = System.nanoTime();
    if (finalLeader != null) {
      AgentNode last = finalLeader;
      long converged = System.nanoTime();
      try {
        Timing.await("writes on the final leader " + last.name, Duration.ofSeconds(30),
            () -> writers.ackedSince(last.name, converged) ? Boolean.TRUE : null, cluster::describe);
      } catch (AssertionError e) {
        problems.add("the final leader " + last.name + " took no write: " + e.getMessage());
      }
      readAt = System.nanoTime();
      rows = writers.rowsOn(last);
    }
    problems.addAll(timelines.drainViolations());
    for (String note : timelines.drainReplicaNotes()) {
      System.out.println("  note, " + scenario + ": " + note);
    }
    if (finalLeader != null && finalLeader != leader && timelines.highest() <= timelineBefore) {
      problems.add("the leader changed but the timeline did not move past " + timelineBefore);
    }
    if (scenario.synchronous && finalLeader != null) {
      setSynchronousMode(finalLeader, false);
    }
    FaultRound round = FaultRound.measure(scenario.name(), agent, leader.name,
        finalLeader == null ? "-" : finalLeader.name, writers.acksSince(roundStart), roundStart, cut, heal, readAt, rows,
        convergeMs, problems);
    return expectations(scenario, round, cut, heal);
  }

  /** Injects and holds the fault; heals it (always) and returns when it healed. */
  private long inject(Scenario scenario, AgentNode leader, long cut, List<String> problems) {
    Duration longest = Duration.ofSeconds(cluster.ttl() + cluster.loopWait() + cluster.retryTimeout() + 20L);
    Duration noChange = Duration.ofSeconds(cluster.ttl() + cluster.loopWait() + 5L);
    AgentNode replica = others(leader).get(0);
    switch (scenario) {
      case SWITCHOVER_UNDER_LOAD -> {
        AgentNode.Answer a = leader.call("POST", "/switchover",
            "{\"leader\":\"" + leader.name + "\",\"candidate\":\"" + replica.name + "\"}");
        if (a.code() != 200) {
          problems.add("switchover refused: " + a.code() + " " + a.body());
        }
        holdUntil(longest, () -> writers.ackedSince(replica.name, cut));
        return System.nanoTime();
      }
      case LEADER_CUT_FROM_DCS, SYNC_LEADER_CUT_FROM_DCS -> {
        try (PortCut c = new PortCut(leader.name + " from etcd").drop(cluster.etcd.clientPortOf(indexOf(leader)))) {
          // until another node took writes and the old leader took none for 3 s, or the longest a failover may take
          holdUntil(longest, () -> othersAckedSince(leader, cut) && !writers.ackedSince(leader.name, System.nanoTime() - 3_000_000_000L));
          return System.nanoTime();
        }
      }
      case LEADER_CUT_FROM_REPLICAS -> {
        try (PortCut c = new PortCut(leader.name + " from the replicas").drop("127.0.0.1", leader.pgPort).drop(leader.restPort)) {
          Timing.pause(noChange);
          return System.nanoTime();
        }
      }
      case REPLICA_CUT_FROM_DCS -> {
        try (PortCut c = new PortCut(replica.name + " from etcd").drop(cluster.etcd.clientPortOf(indexOf(replica)))) {
          Timing.pause(noChange);
          return System.nanoTime();
        }
      }
      case LEADER_AGENT_FROZEN -> {
        leader.freeze();
        try {
          holdUntil(longest, () -> othersAckedSince(leader, cut));
          Timing.pause(Duration.ofSeconds(3));
        } finally {
          leader.thaw();
        }
        long thawed = System.nanoTime();
        // the thawed agent's REST API answers before its HA loop has cycled: it must not present the status it
        // published before the freeze as a running primary on the old timeline
        timelines.check(leader);
        holdUntil(Duration.ofSeconds(cluster.loopWait() + cluster.retryTimeout() + 10L),
            () -> !writers.ackedSince(leader.name, System.nanoTime() - 2_000_000_000L));
        return thawed;
      }
      case DCS_STOPPED -> {
        cluster.etcd.stop();
        try {
          Timing.pause(Duration.ofSeconds(cluster.ttl() + 5L));
        } finally {
          try {
            cluster.etcd.start();
          } catch (IOException e) {
            throw new IllegalStateException("etcd did not start again", e);
          }
        }
        return System.nanoTime();
      }
      case LEADER_AGENT_KILLED -> {
        AgentNode.signal(leader.agentPid(), "KILL");
        Timing.await(leader.name + "'s agent to exit", Duration.ofSeconds(10), () -> leader.agentAlive() ? null : Boolean.TRUE,
            () -> "alive");
        Timing.pause(Duration.ofSeconds(1));
        try {
          leader.start();
        } catch (IOException e) {
          throw new IllegalStateException("cannot restart " + leader.name, e);
        }
        Timing.pause(Duration.ofSeconds(2L * cluster.loopWait()));
        return System.nanoTime();
      }
      case SYNC_LEADER_CRASH -> {
        leader.crash();
        try {
          holdUntil(longest, () -> othersAckedSince(leader, cut));
        } finally {
          try {
            leader.start();
          } catch (IOException e) {
            throw new IllegalStateException("cannot restart " + leader.name, e);
          }
        }
        return System.nanoTime();
      }
      default -> throw new IllegalArgumentException(scenario.name());
    }
  }

  /** What Patroni promises per scenario, beyond overlap and lost writes, added to the round's problems. */
  private FaultRound expectations(Scenario scenario, FaultRound r, long cut, long heal) {
    List<String> p = new ArrayList<>(r.problems());
    boolean frozenWithoutWatchdog = scenario == Scenario.LEADER_AGENT_FROZEN && !watchdog;
    if (frozenWithoutWatchdog) {
      // expected here (see below): the thawed agent's primary may still answer as primary on the old timeline
      p.removeIf(s -> s.startsWith(r.oldLeader() + " wrote as a primary on timeline"));
    }
    boolean failedOver = !Double.isNaN(r.failoverMs());
    if (!frozenWithoutWatchdog && r.overlapMs() > 0) {
      p.add(String.format("two writable primaries: %s took writes %.0f ms after another node's first write",
          r.oldLeader(), r.overlapMs()));
    }
    if (frozenWithoutWatchdog && r.overlapMs() > 0) {
      // Without a watchdog Patroni cannot stop a primary whose agent is frozen: the old primary takes writes until
      // the agent runs again and demotes it. What must hold: it stops within a cycle (+ retry) after the thaw.
      double afterThaw = r.overlapMs() - (heal - cut) / 1e6 + r.failoverMs();
      if (afterThaw > (cluster.loopWait() + cluster.retryTimeout() + 5) * 1000.0) {
        p.add(String.format("the thawed agent let its primary take writes %.0f ms after the thaw", afterThaw));
      }
    }
    if (scenario.synchronous && r.lost() > 0) {
      p.add(r.lost() + " acknowledged writes lost in synchronous mode");
    }
    if (Set.of(Scenario.LEADER_CUT_FROM_REPLICAS, Scenario.REPLICA_CUT_FROM_DCS, Scenario.LEADER_AGENT_KILLED)
        .contains(scenario) && (failedOver || !r.oldLeader().equals(r.newLeader()))) {
      p.add("leadership moved though the leader kept its DCS and its database");
    }
    if (scenario == Scenario.DCS_STOPPED && !(r.demoteMs() < cluster.ttl() * 1000.0)) {
      p.add("the leader did not stop taking writes before ttl with the DCS down (demote " + r.demoteMs() + " ms)");
    }
    if (scenario == Scenario.DCS_STOPPED && failedOver && r.failoverMs() < (heal - cut) / 1e6) {
      p.add("a node took writes while the DCS was down");
    }
    return new FaultRound(r.scenario(), r.agent(), r.oldLeader(), r.newLeader(), r.overlapMs(), r.splitBrainWindows(),
        r.lost(), r.acknowledged(), r.unconfirmed(), r.demoteMs(), r.failoverMs(), r.convergeMs(), List.copyOf(p));
  }

  private boolean othersAckedSince(AgentNode leader, long since) {
    return cluster.nodes.stream().anyMatch(n -> n != leader && writers.ackedSince(n.name, since));
  }

  private static void holdUntil(Duration longest, BooleanSupplier done) {
    long deadline = System.nanoTime() + Timing.scaled(longest).toNanos();
    while (!done.getAsBoolean() && System.nanoTime() < deadline) {
      Timing.pause(Duration.ofMillis(200));
    }
  }

  private void setSynchronousMode(AgentNode leader, boolean on) {
    AgentNode.Answer a = leader.call("PATCH", "/config", "{\"synchronous_mode\":" + on + "}");
    if (a.code() != 200) {
      throw new AssertionError("PATCH /config synchronous_mode=" + on + " refused: " + a.code() + " " + a.body());
    }
    if (on) {
      Timing.await("a synchronous standby recorded in /sync", BOOT, () -> others(leader).stream()
          .anyMatch(n -> n.get("/sync").code() == 200) ? Boolean.TRUE : null, cluster::describe);
    }
  }

  @Override
  public void close() {
    try {
      if (timelines != null) {
        timelines.close();
      }
    } finally {
      try {
        if (writers != null) {
          writers.close();
        }
      } finally {
        PortCut.removeLeftovers();
      }
    }
  }
}
