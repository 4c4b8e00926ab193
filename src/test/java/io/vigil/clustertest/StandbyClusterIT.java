package io.vigil.clustertest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * docs/standby-cluster.md: cluster B (scope sc-b) is a standby cluster of cluster A (scope sc-a), both on the same
 * etcd. B's {@code standby_cluster.host} lists every member of A ({@code target_session_attrs=read-write} picks
 * A's primary). The steps build on each other, in order: B bootstraps from A and shows its roles as Patroni does;
 * B's standby leader is killed and another member takes over; A switches over and B follows A's new primary;
 * A becomes unreachable for B (its {@code standby_cluster} names a closed port) and B waits with the same standby
 * leader until A is back, then the same with a silent cut of A's PostgreSQL ports (iptables); B is promoted and
 * takes writes while A goes on untouched; B is demoted with
 * {@code vigilctl demote-cluster}, every member rewound from A's primary, and replicates A again.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandbyClusterIT {
  private static final Duration BOOT = Duration.ofSeconds(120);
  /** ttl 20 for the key of a killed standby leader to expire, plus a few HA cycles. */
  private static final Duration FAILOVER = Duration.ofSeconds(60);
  private static final Duration REPLICATED = Duration.ofSeconds(60);
  /** Callbacks run asynchronously, a moment after the step that runs them. */
  private static final Duration STEP = Duration.ofSeconds(30);
  /** A /config change reaches the standby leader in its next cycle (loop_wait 2); one more cycle to observe it. */
  private static final Duration NEXT_CYCLES = Duration.ofSeconds(20);
  /** HA cycles the standby leader goes through, key renewed, while A is unreachable. */
  private static final int CUT_CYCLES = 5;
  private TestCluster a;
  private TestCluster b;
  /** B's standby_cluster.host and .port: every member of A. */
  private String hosts;
  private String ports;

  @BeforeAll
  void startClusters() throws Exception {
    a = new TestCluster("sc-a");
    a.addNode("a0", null);
    a.addNode("a1", null);
    hosts = a.nodes.stream().map(n -> "127.0.0.1").collect(Collectors.joining(","));
    ports = a.nodes.stream().map(n -> Integer.toString(n.pgPort)).collect(Collectors.joining(","));
    b = TestCluster.sharingDcsWith("sc-b", a)
        .withDcs("standby_cluster", "{host: '" + hosts + "', port: '" + ports + "'}");
    b.addNode("b0", null);
    b.addNode("b1", null);
    for (AgentNode n : b.nodes) {
      n.recordCallbacks("");
    }
    a.startAll();
    AgentNode primary = a.awaitLeader(BOOT);
    primary.sql("CREATE TABLE marks(id int primary key, label text); INSERT INTO marks VALUES (1, 'before B')");
    b.startAll();
  }

  @AfterAll
  void stopClusters() {
    if (b != null) {
      b.close();
    }
    if (a != null) {
      a.close();
    }
  }

  private String describe() {
    return "\nA:" + a.describe() + "\nB:" + b.describe();
  }

  /** The one member of B answering 200 on /standby-leader. */
  private AgentNode awaitStandbyLeader(Duration timeout, AgentNode not) {
    return Timing.await("one standby leader in B", timeout, () -> {
      List<AgentNode> leaders = b.nodes.stream().filter(AgentNode::agentAlive).filter(n -> n != not)
          .filter(n -> n.get("/standby-leader").code() == 200).toList();
      return leaders.size() == 1 ? leaders.get(0) : null;
    }, this::describe);
  }

  private void awaitRow(AgentNode node, int id) {
    Timing.await(node.name + " has row " + id, REPLICATED, () -> {
      try {
        return "1".equals(node.sql("SELECT count(*) FROM marks WHERE id = " + id)) ? Boolean.TRUE : null;
      } catch (IllegalStateException e) {
        return null;
      }
    }, () -> walReceiver(node) + describe());
  }

  /** What the node's WAL receiver does, for failure messages. */
  private static String walReceiver(AgentNode node) {
    try {
      return node.name + " wal receiver: " + node.sql("SELECT coalesce(string_agg(status || ' ' || conninfo, ';'), "
          + "'none') FROM pg_stat_wal_receiver") + "; rows: " + node.sql("SELECT string_agg(id::text, ',') FROM marks");
    } catch (IllegalStateException e) {
      return node.name + ": " + e.getMessage();
    }
  }

  private List<AgentNode> aliveB() {
    return b.nodes.stream().filter(AgentNode::agentAlive).toList();
  }

  @Test
  @Order(1)
  void standbyClusterBootstrapsFromTheRemotePrimaryAndReplicatesToEveryMember() throws Exception {
    AgentNode standbyLeader = awaitStandbyLeader(BOOT, null);
    AgentNode replica = b.nodes.stream().filter(n -> n != standbyLeader).findFirst().orElseThrow();
    Timing.await("b replica streams from the standby leader", BOOT,
        () -> replica.get("/replica").code() == 200 ? Boolean.TRUE : null, this::describe);
    AgentNode primary = a.awaitLeader(BOOT);
    primary.sql("INSERT INTO marks VALUES (2, 'written on A')");
    for (AgentNode n : b.nodes) {
      awaitRow(n, 2);
      assertEquals(503, n.get("/primary").code(), n.name + ": /primary in a standby cluster");
      assertEquals(503, n.get("/read-write").code(), n.name + ": /read-write in a standby cluster");
      assertTrue(!n.acceptsWrites(), n.name + " must not take writes");
    }
    assertEquals("standby_leader", standbyLeader.status().path("role").asText(), describe());
    assertEquals("streaming", standbyLeader.status().path("replication_state").asText(), describe());
    assertEquals("replica", replica.status().path("role").asText(), describe());
    assertEquals(503, replica.get("/standby-leader").code());
    assertEquals(200, standbyLeader.get("/leader").code());
    // the standby leader streams from A's primary, the replica from the standby leader (cascading)
    assertTrue(primary.sql("SELECT string_agg(application_name, ',') FROM pg_stat_replication")
        .contains(standbyLeader.name), describe());
    assertEquals(replica.name, standbyLeader.sql("SELECT string_agg(application_name, ',') FROM pg_stat_replication"));

    TestCluster.CtlRun list = b.vigilctl(standbyLeader, "list");
    assertEquals(0, list.code(), list.out());
    assertTrue(list.out().contains(" Cluster: sc-b ("), list.out());
    assertTrue(list.out().lines().anyMatch(l -> l.startsWith("| " + standbyLeader.name + " ")
        && l.contains("| Standby Leader | streaming ")), list.out());
    assertTrue(list.out().lines().anyMatch(l -> l.startsWith("| " + replica.name + " ")
        && l.contains("| Replica        | streaming ")), list.out());
    // GET /cluster names the key holder's role as Patroni does
    JsonNode members = replica.get("/cluster").json().path("members");
    for (JsonNode m : members) {
      String expected = m.path("name").asText().equals(standbyLeader.name) ? "standby_leader" : "replica";
      assertEquals(expected, m.path("role").asText(), members.toString());
    }
    assertEquals(2, members.size(), members.toString());
    // patroni/ha.py post_bootstrap: on_start with the role standby_leader; nothing in B is ever a primary
    Timing.await(standbyLeader.name + "'s on_start standby_leader", STEP, () -> standbyLeader.callbackLines()
        .contains("on_start standby_leader sc-b") ? Boolean.TRUE : null, () -> callbacks(b.nodes));
    assertOnlyRole(standbyLeader, 0, "standby_leader");
    Timing.await(replica.name + "'s on_start replica", STEP, () -> replica.callbackLines()
        .contains("on_start replica sc-b") ? Boolean.TRUE : null, () -> callbacks(b.nodes));
    assertOnlyRole(replica, 0, "replica");
  }

  /** Every callback {@code node} received from line {@code from} on named {@code role}. */
  private static void assertOnlyRole(AgentNode node, int from, String role) {
    List<String> lines = node.callbackLines();
    List<String> since = lines.subList(Math.min(from, lines.size()), lines.size());
    assertTrue(since.stream().allMatch(l -> l.matches("on_[a-z_]+ " + role + " sc-b")),
        node.name + " received callbacks for another role than " + role + ": " + since);
  }

  private static String callbacks(List<AgentNode> nodes) {
    return nodes.stream().map(n -> n.name + ": " + n.callbackLines()).collect(Collectors.joining("\n", "\n", ""));
  }

  @Test
  @Order(2)
  void killedStandbyLeaderIsReplacedInsideTheStandbyCluster() throws Exception {
    AgentNode old = awaitStandbyLeader(BOOT, null);
    AgentNode survivor = b.nodes.stream().filter(n -> n != old).findFirst().orElseThrow();
    int survivorBefore = survivor.callbackLines().size();
    old.crash();
    AgentNode next = awaitStandbyLeader(FAILOVER, old);
    assertEquals("standby_leader", next.status().path("role").asText(), describe());
    // patroni/postgresql/__init__.py follow: a running replica that becomes the standby leader runs on_role_change
    // only (no on_reload, on_restart or on_start for the switch of upstream)
    Timing.await(next.name + "'s on_role_change standby_leader", STEP, () -> {
      List<String> lines = next.callbackLines();
      return lines.subList(survivorBefore, lines.size()).equals(List.of("on_role_change standby_leader sc-b"))
          ? Boolean.TRUE : null;
    }, () -> callbacks(b.nodes));
    int oldBefore = old.callbackLines().size();
    a.awaitLeader(BOOT).sql("INSERT INTO marks VALUES (3, 'after the standby leader died')");
    awaitRow(next, 3);
    assertEquals(503, next.get("/primary").code(), "the new standby leader is not a primary");
    old.start();
    Timing.await(old.name + " rejoins as a replica", BOOT,
        () -> old.get("/replica").code() == 200 ? Boolean.TRUE : null, this::describe);
    awaitRow(old, 3);
    Timing.await(old.name + "'s on_start replica", STEP, () -> {
      List<String> lines = old.callbackLines();
      return lines.subList(oldBefore, lines.size()).contains("on_start replica sc-b") ? Boolean.TRUE : null;
    }, () -> callbacks(b.nodes));
    assertOnlyRole(old, oldBefore, "replica");
  }

  @Test
  @Order(3)
  void standbyClusterFollowsTheRemoteClusterThroughASwitchover() {
    AgentNode oldPrimary = a.awaitLeader(BOOT);
    AgentNode candidate = a.nodes.stream().filter(n -> n != oldPrimary).findFirst().orElseThrow();
    AgentNode.Answer answer = oldPrimary.call("POST", "/switchover",
        "{\"leader\":\"" + oldPrimary.name + "\",\"candidate\":\"" + candidate.name + "\"}");
    assertEquals(200, answer.code(), answer.body());
    Timing.await("A's new primary is " + candidate.name, FAILOVER,
        () -> candidate.get("/primary").code() == 200 ? Boolean.TRUE : null, this::describe);
    candidate.sql("INSERT INTO marks VALUES (4, 'after the switchover in A')");
    for (AgentNode n : aliveB()) {
      awaitRow(n, 4);
    }
    AgentNode standbyLeader = awaitStandbyLeader(BOOT, null);
    Timing.await("the standby leader streams from A's new primary", REPLICATED, () -> candidate.sql(
        "SELECT count(*) FROM pg_stat_replication WHERE application_name = '" + standbyLeader.name + "'")
        .equals("1") ? Boolean.TRUE : null, this::describe);
  }

  @Test
  @Order(4)
  void unreachableRemotePrimaryLeavesTheStandbyLeaderInPlaceUntilItIsBack() throws Exception {
    AgentNode aPrimary = a.awaitLeader(BOOT);
    AgentNode standbyLeader = awaitStandbyLeader(BOOT, null);
    int closed = FreePorts.next();
    String unreachable = "remote primary 127.0.0.1:" + closed;
    String remote = "remote primary " + hosts + ":" + ports;
    // the switchover in A may have cut the stream for a moment: start once the log says it streams again
    awaitSettledStreaming(standbyLeader);
    long mark = Files.size(standbyLeader.log);
    // docs/standby-cluster.md §4: B's remote primary now is a port nobody listens on
    AgentNode.Answer cut = standbyLeader.call("PATCH", "/config",
        "{\"standby_cluster\": {\"host\": \"127.0.0.1\", \"port\": " + closed + "}}");
    assertEquals(200, cut.code(), cut.body());
    String notStreaming = "standby leader is not streaming from " + unreachable + " (replication state: none); "
        + "PostgreSQL keeps retrying";
    Timing.await(standbyLeader.name + " logs that it does not stream from " + unreachable, NEXT_CYCLES,
        () -> logSince(standbyLeader, mark).contains(notStreaming) ? Boolean.TRUE : null,
        () -> standbyLeader.logTail(20) + describe());
    Timing.await(standbyLeader.name + " reports no replication state in /patroni", NEXT_CYCLES, () -> {
      JsonNode status = standbyLeader.status();
      return status != null && status.path("replication_state").isMissingNode() ? Boolean.TRUE : null;
    }, () -> standbyLeader.get("/patroni").body() + describe());
    aPrimary.sql("INSERT INTO marks VALUES (6, 'written on A while B cannot reach it')");

    awaitCyclesWithoutTheRemote(standbyLeader, mark, notStreaming);
    assertEquals("0", standbyLeader.sql("SELECT count(*) FROM marks WHERE id = 6"),
        "nothing reaches B while A is unreachable" + walReceiver(standbyLeader));
    assertEquals(1, count(logSince(standbyLeader, mark), notStreaming), "said once: " + logSince(standbyLeader, mark));

    AgentNode.Answer back = standbyLeader.call("PATCH", "/config",
        "{\"standby_cluster\": {\"host\": \"" + hosts + "\", \"port\": \"" + ports + "\"}}");
    assertEquals(200, back.code(), back.body());
    for (AgentNode n : b.nodes) {
      awaitRow(n, 6);
    }
    String streamsAgain = "standby leader streams from " + remote + " again";
    Timing.await(standbyLeader.name + " logs that it streams again", NEXT_CYCLES,
        () -> logSince(standbyLeader, mark).contains(streamsAgain) ? Boolean.TRUE : null,
        () -> standbyLeader.logTail(20) + describe());
    Timing.await(standbyLeader.name + " reports streaming again", NEXT_CYCLES, () -> "streaming".equals(
        standbyLeader.status().path("replication_state").asText(null)) ? Boolean.TRUE : null, this::describe);
    String log = logSince(standbyLeader, mark);
    assertEquals(1, count(log, notStreaming), log);
    assertEquals(1, count(log, streamsAgain), log);
    assertEquals(standbyLeader, awaitStandbyLeader(BOOT, null), "the standby leader never changed");
  }

  /**
   * {@link #CUT_CYCLES} HA cycles of the standby leader after it logged {@code notStreaming}, each one logged once it
   * has renewed the key: nothing changes hands, nothing is writable.
   */
  private void awaitCyclesWithoutTheRemote(AgentNode standbyLeader, long mark, String notStreaming) {
    String cycleDone = "no action. I am (" + standbyLeader.name + "), the standby leader with the lock\n";
    Timing.await(CUT_CYCLES + " HA cycles of " + standbyLeader.name + " without its remote primary",
        NEXT_CYCLES.multipliedBy(2), () -> {
          assertStillWaiting(standbyLeader);
          String since = logSince(standbyLeader, mark);
          return count(since.substring(since.indexOf(notStreaming)), cycleDone) >= CUT_CYCLES ? Boolean.TRUE : null;
        }, () -> standbyLeader.logTail(20) + describe());
  }

  /** The standby leader streams from A, and its log has no "not streaming" line left without its answer. */
  private void awaitSettledStreaming(AgentNode standbyLeader) {
    Timing.await(standbyLeader.name + " streams from A with nothing pending in its log", REPLICATED, () -> {
      String log = logSince(standbyLeader, 0);
      boolean settled = log.lastIndexOf("standby leader is not streaming from ")
          < log.lastIndexOf("standby leader streams from ") || !log.contains("standby leader is not streaming from ");
      return settled && "streaming".equals(standbyLeader.status().path("replication_state").asText(null))
          ? Boolean.TRUE : null;
    }, () -> standbyLeader.logTail(20) + describe());
  }

  /**
   * docs/standby-cluster.md §4 with a silent cut, as a real partition behaves: every packet to and from A's
   * PostgreSQL ports is dropped (iptables), where the previous step's closed port refused at once. B's WAL receiver
   * notices only through {@code wal_receiver_timeout} (5 s here, set for B with {@code PATCH /config}), and its
   * reconnects hang in TCP's SYN retries. The standby leader keeps its key and role over several HA cycles at their
   * usual pace, nothing in B is writable, and once the cut is gone B catches up with what A wrote.
   */
  @Test
  @Order(5)
  void silentlyCutRemotePrimaryLeavesTheStandbyLeaderInPlaceUntilItIsBack() throws Exception {
    AgentNode aPrimary = a.awaitLeader(BOOT);
    AgentNode standbyLeader = awaitStandbyLeader(BOOT, null);
    AgentNode.Answer timeout = standbyLeader.call("PATCH", "/config",
        "{\"postgresql\": {\"parameters\": {\"wal_receiver_timeout\": \"5s\"}}}");
    assertEquals(200, timeout.code(), timeout.body());
    Timing.await(standbyLeader.name + " runs with wal_receiver_timeout 5s", NEXT_CYCLES,
        () -> "5s".equals(standbyLeader.sql("SHOW wal_receiver_timeout")) ? Boolean.TRUE : null, this::describe);
    awaitSettledStreaming(standbyLeader);
    long mark = Files.size(standbyLeader.log);
    String remote = "remote primary " + hosts + ":" + ports;
    String notStreaming = "standby leader is not streaming from " + remote + " (replication state: none); "
        + "PostgreSQL keeps retrying";
    try (PortCut cut = new PortCut("A's PostgreSQL, for B")) {
      for (AgentNode n : a.nodes) {
        cut.drop(n.pgPort);
      }
      Timing.await(standbyLeader.name + " logs that it does not stream from " + remote, Duration.ofSeconds(60),
          () -> logSince(standbyLeader, mark).contains(notStreaming) ? Boolean.TRUE : null,
          () -> standbyLeader.logTail(20) + describe());
      long cutSeenAt = System.nanoTime();
      awaitCyclesWithoutTheRemote(standbyLeader, mark, notStreaming);
      // loop_wait 2: nothing that talks to the unreachable remote may hold up the cycles
      long seconds = Duration.ofNanos(System.nanoTime() - cutSeenAt).toSeconds();
      assertTrue(seconds <= 3L * CUT_CYCLES, CUT_CYCLES + " cycles took " + seconds + " s");
    }
    assertEquals(List.of(), PortCut.leftovers(), "iptables rules left behind");
    aPrimary.sql("INSERT INTO marks VALUES (8, 'written on A after the silent cut')");
    for (AgentNode n : b.nodes) {
      Timing.await(n.name + " has row 8", Duration.ofSeconds(120), () -> {
        try {
          return "1".equals(n.sql("SELECT count(*) FROM marks WHERE id = 8")) ? Boolean.TRUE : null;
        } catch (IllegalStateException e) {
          return null;
        }
      }, () -> walReceiver(n) + describe());
    }
    String log = logSince(standbyLeader, mark);
    assertEquals(1, count(log, notStreaming), log);
    assertEquals(standbyLeader, awaitStandbyLeader(BOOT, null), "the standby leader never changed");
  }

  /**
   * B while its remote primary is unreachable: the standby leader keeps the leader key and its role, reports no
   * replication state (Patroni's {@code replication_state} exists only while the WAL receiver streams or a
   * restore_command is set), and no member of B is a primary or takes a write.
   */
  private void assertStillWaiting(AgentNode standbyLeader) {
    assertEquals(standbyLeader.name, ((EtcdServer) a.etcd).get("/service/" + b.scope + "/leader"),
        "B's leader key" + describe());
    JsonNode status = standbyLeader.status();
    if (status != null) {
      assertEquals("standby_leader", status.path("role").asText(), status.toString());
      assertTrue(status.path("replication_state").isMissingNode(), "no replication state: " + status);
    }
    for (AgentNode n : b.nodes) {
      int primary = n.get("/primary").code();
      assertTrue(primary != 200, n.name + ": /primary " + primary + describe());
      assertTrue(!n.acceptsWrites(), n.name + " must not take writes");
    }
    int code = standbyLeader.get("/standby-leader").code();
    assertTrue(code != 503, standbyLeader.name + ": /standby-leader " + code + describe());
  }

  /** The agent's log written after byte {@code mark}. */
  private static String logSince(AgentNode node, long mark) {
    try (RandomAccessFile f = new RandomAccessFile(node.log.toFile(), "r")) {
      byte[] tail = new byte[(int) Math.max(0, f.length() - mark)];
      f.seek(mark);
      f.readFully(tail);
      return new String(tail, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int count(String text, String line) {
    int n = 0;
    for (int i = text.indexOf(line); i >= 0; i = text.indexOf(line, i + line.length())) {
      n++;
    }
    return n;
  }

  @Test
  @Order(6)
  void promotedStandbyClusterTakesWritesAndLeavesTheRemoteClusterAlone() throws Exception {
    AgentNode aPrimary = a.awaitLeader(BOOT);
    AgentNode standbyLeader = awaitStandbyLeader(BOOT, null);
    TestCluster.CtlRun promote = b.vigilctl(standbyLeader, "promote-cluster", "--force");
    assertEquals(0, promote.code(), promote.out());
    assertTrue(promote.out().contains("cluster is successfully promoted"), promote.out());
    AgentNode bPrimary = b.awaitLeader(FAILOVER);
    assertEquals(standbyLeader, bPrimary, "the standby leader is the one promoted");
    bPrimary.sql("INSERT INTO marks VALUES (100, 'written on B')");
    for (AgentNode n : b.nodes) {
      if (n != bPrimary) {
        awaitRow(n, 100);
      }
    }
    assertEquals(aPrimary, a.awaitLeader(BOOT), "A keeps its primary");
    aPrimary.sql("INSERT INTO marks VALUES (5, 'A still takes writes')");
    assertEquals("0", aPrimary.sql("SELECT count(*) FROM marks WHERE id = 100"), "B's write stays in B");
    assertEquals("0", aPrimary.sql("SELECT count(*) FROM pg_stat_replication WHERE application_name LIKE 'b%'"),
        "nothing of B streams from A any more");
  }

  /**
   * docs/standby-cluster.md §5: B, promoted in the previous step, becomes a standby cluster of A again. B's
   * timeline forked from A's at the promotion and B took a write A never saw: every member of B is rewound from
   * A's primary, the write is gone, and B replicates A again with a standby leader and no writable member.
   */
  @Test
  @Order(7)
  void demotedClusterIsRewoundOntoTheRemotePrimaryAndReplicatesItAgain() throws Exception {
    AgentNode aPrimary = a.awaitLeader(BOOT);
    AgentNode bPrimary = b.awaitLeader(BOOT);
    long[] marks = new long[b.nodes.size()];
    for (int i = 0; i < marks.length; i++) {
      marks[i] = Files.size(b.nodes.get(i).log);
    }
    TestCluster.CtlRun demote = b.vigilctl(bPrimary, "demote-cluster", "--host", "127.0.0.1",
        "--port", Integer.toString(aPrimary.pgPort), "--force");
    assertEquals(0, demote.code(), demote.out());
    assertTrue(demote.out().contains("cluster is successfully demoted"), demote.out());
    AgentNode standbyLeader = awaitStandbyLeader(FAILOVER, null);
    aPrimary.sql("INSERT INTO marks VALUES (7, 'written on A after B was demoted')");
    for (AgentNode n : b.nodes) {
      awaitRow(n, 7);
      assertEquals("0", n.sql("SELECT count(*) FROM marks WHERE id = 100"),
          n.name + " still has the row B took while it was promoted");
      assertEquals(503, n.get("/primary").code(), n.name + " answers /primary in a standby cluster");
    }
    for (int i = 0; i < marks.length; i++) {
      AgentNode n = b.nodes.get(i);
      String log = logSince(n, marks[i]);
      assertTrue(log.contains("running pg_rewind from the remote primary"), n.name + " was not rewound from A:\n"
          + n.logTail(40));
      assertTrue(log.contains("pg_rewind finished successfully"), n.name + ": " + n.logTail(40));
    }
    Timing.await("the standby leader streams from A's primary", REPLICATED, () -> aPrimary.sql(
        "SELECT count(*) FROM pg_stat_replication WHERE application_name = '" + standbyLeader.name + "'")
        .equals("1") ? Boolean.TRUE : null, this::describe);
  }
}
