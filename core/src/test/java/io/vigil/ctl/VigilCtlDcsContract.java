package io.vigil.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vigil.cluster.Cluster;
import io.vigil.cluster.Status;
import io.vigil.dcs.Dcs;
import io.vigil.dcs.DcsKeys;
import io.vigil.dcs.DcsTestSupport;
import io.vigil.dcs.DcsTiming;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * vigilctl against a real DCS server through the real plugin (found by ServiceLoader, as {@code bin/vigilctl}
 * finds it), each plugin module running it with its own server: fake members are separate Dcs clients under
 * their own member names that touch their member keys and take the leader key, then vigilctl reads and edits
 * the cluster with {@code -d <url>}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class VigilCtlDcsContract {
  protected static final String SYSID = "7710484112634925804";

  protected Vertx vertx;
  protected Context context;
  private final List<Dcs> opened = new ArrayList<>();
  private Path tmp;

  protected abstract void startServer() throws Exception;

  protected abstract void stopServer() throws Exception;

  protected abstract void startServerAgain() throws Exception;

  protected abstract void destroyServer() throws Exception;

  /** {@code -d} for vigilctl, e.g. {@code etcd3://127.0.0.1:23790}. */
  protected abstract String dcsUrl();

  protected abstract Dcs newDcs(DcsKeys keys, String member, DcsTiming timing);

  @BeforeAll
  void startAll() throws Exception {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    tmp = Files.createTempDirectory("vigilctl-it-");
    startServer();
  }

  @AfterAll
  void stopAll() throws Exception {
    try {
      destroyServer();
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get();
    }
  }

  @BeforeEach
  @AfterEach
  void closeMembers() {
    for (Dcs d : opened) {
      try {
        DcsTestSupport.start(context, d::close).get(10, java.util.concurrent.TimeUnit.SECONDS);
      } catch (Exception e) {
        // the server may be down in a failure test
      }
    }
    opened.clear();
  }

  private <T> T call(Supplier<Future<T>> call) {
    return DcsTestSupport.await(DcsTestSupport.start(context, call), DcsTestSupport.scaled(Duration.ofSeconds(15)));
  }

  /** A fake member: its own client, under its own name, as an agent would have. */
  protected Dcs member(String scope, String name) {
    Dcs d = call(() -> Future.succeededFuture(newDcs(new DcsKeys("service", scope), name, new DcsTiming(30, 10, 5))));
    opened.add(d);
    return d;
  }

  private static Map<String, Object> memberData(int pgPort, Object... extra) {
    Map<String, Object> data = CtlFixtures.map("conn_url", "postgres://127.0.0.1:" + pgPort + "/postgres",
        "api_url", "http://127.0.0.1:" + CtlFixtures.closedPort() + "/patroni", "state", "running",
        "role", "replica", "version", "4.0.4", "timeline", 4);
    for (int i = 0; i < extra.length; i += 2) {
      data.put((String) extra[i], extra[i + 1]);
    }
    return data;
  }

  /** pg3 leads (initialize, leader key, config, history, status); pg1 and pg2 stream at the leader's optime. */
  protected Dcs plantAnchor(String scope) {
    Dcs pg1 = member(scope, "pg1");
    Dcs pg2 = member(scope, "pg2");
    Dcs pg3 = member(scope, "pg3");
    call(() -> pg1.touchMember(memberData(5432, "replication_state", "streaming", "receive_lsn", CtlFixtures.OPTIME,
        "replay_lsn", CtlFixtures.OPTIME)));
    call(() -> pg2.touchMember(memberData(5433, "replication_state", "streaming", "receive_lsn", CtlFixtures.OPTIME,
        "replay_lsn", CtlFixtures.OPTIME)));
    call(() -> pg3.touchMember(memberData(5434, "role", "primary")));
    assertTrue(call(() -> pg3.initialize(SYSID, true)));
    assertTrue(call(pg3::acquireLeaderKey));
    assertTrue(call(() -> pg3.writeConfig(CtlFixtures.sampleConfig(), null)));
    call(() -> pg3.writeHistory(CtlFixtures.sampleHistory()));
    call(() -> pg3.writeStatus(new Status(CtlFixtures.OPTIME, null, null)));
    return pg3;
  }

  protected CtlRun ctl(String stdin, String... args) {
    return ctlWithEnv(stdin, Map.of(), args);
  }

  protected CtlRun ctlWithEnv(String stdin, Map<String, String> env, String... args) {
    List<String> all = new ArrayList<>(List.of("-c", configFile().toString(), "-d", dcsUrl()));
    all.addAll(List.of(args));
    return CtlRun.real(stdin, env, all.toArray(new String[0]));
  }

  /** A patronictl.yaml with a short retry_timeout so that an unreachable DCS fails fast. */
  private Path configFile() {
    Path f = tmp.resolve("patronictl.yaml");
    try {
      if (!Files.exists(f)) {
        Files.writeString(f, "retry_timeout: 3\n");
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return f;
  }

  private Cluster load(Dcs d) {
    return call(d::loadCluster);
  }

  @Test
  void listShowsTheMembersAgentsWrote() {
    plantAnchor("anchor");
    CtlRun r = ctl(null, "list", "anchor");
    assertEquals(0, r.code(), r.err());
    assertEquals("""
        + Cluster: anchor (7710484112634925804) --------+----+-------------+-----+------------+-----+
        | Member | Host           | Role    | State     | TL | Receive LSN | Lag | Replay LSN | Lag |
        +--------+----------------+---------+-----------+----+-------------+-----+------------+-----+
        | pg1    | 127.0.0.1:5432 | Replica | streaming |  4 |   0/4140028 |   0 |  0/4140028 |   0 |
        | pg2    | 127.0.0.1:5433 | Replica | streaming |  4 |   0/4140028 |   0 |  0/4140028 |   0 |
        | pg3    | 127.0.0.1:5434 | Leader  | running   |  4 |             |     |            |     |
        +--------+----------------+---------+-----------+----+-------------+-----+------------+-----+
        """, r.out());
  }

  @Test
  void listJsonRoundTripsTheMemberKeys() {
    plantAnchor("json");
    CtlRun r = ctl(null, "list", "json", "-f", "json");
    assertEquals(0, r.code(), r.err());
    List<?> rows = (List<?>) CtlText.loadYaml(r.out());
    assertEquals(3, rows.size());
    assertEquals(CtlFixtures.map("Cluster", "json", "Member", "pg1", "Host", "127.0.0.1:5432", "Role", "Replica",
        "State", "streaming", "TL", 4L, "Receive LSN", "0/4140028", "Receive Lag", 0L, "Replay LSN", "0/4140028",
        "Replay Lag", 0L), rows.get(0));
    assertEquals("Leader", ((Map<?, ?>) rows.get(2)).get("Role"));
  }

  @Test
  void showConfigAndHistoryReadTheirKeys() {
    plantAnchor("cfg");
    CtlRun r = ctl(null, "show-config", "cfg");
    assertEquals(0, r.code(), r.err());
    assertEquals(ConfigEdits.format(CtlFixtures.sampleConfig()) + "\n", r.out());
    CtlRun h = ctl(null, "history", "cfg");
    assertEquals(0, h.code(), h.err());
    assertTrue(h.out().contains("|  3 | 67347608 | no recovery target specified | 2026-11-21T04:58:13.393697+00:00 | pg3"
        + "        |\n"), h.out());
  }

  @Test
  void editConfigWritesWithCompareAndSet() {
    Dcs leader = plantAnchor("edit");
    long before = load(leader).config().version();
    CtlRun r = ctl(null, "edit-config", "edit", "-s", "ttl=20", "-p", "work_mem=8MB", "--force");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().endsWith("Configuration changed\n"), r.out());
    Cluster after = load(leader);
    assertEquals(20, ((Number) after.config().data().get("ttl")).intValue());
    assertEquals("8MB", ((Map<?, ?>) ((Map<?, ?>) after.config().data().get("postgresql")).get("parameters"))
        .get("work_mem"));
    assertTrue(after.config().version() != before);
  }

  @Test
  void editConfigRefusesToOverwriteAConcurrentChange() throws Exception {
    Dcs leader = plantAnchor("race");
    // the "editor" appends a change, then waits until the test has changed /config behind vigilctl's back
    Path edited = tmp.resolve("edited");
    Path goOn = tmp.resolve("go-on");
    Path editor = tmp.resolve("editor.sh");
    Files.writeString(editor, "#!/bin/sh\necho 'loop_wait: 7' >> \"$1\"\ntouch " + edited + "\n"
        + "while [ ! -f " + goOn + " ]; do sleep 0.05; done\n");
    Files.setPosixFilePermissions(editor, PosixFilePermissions.fromString("rwx------"));
    CompletableFuture<CtlRun> run = CompletableFuture.supplyAsync(
        () -> ctlWithEnv(null, Map.of("EDITOR", editor.toString()), "edit-config", "race", "--force", "-q"));
    io.vigil.testing.Timing.until("the editor to run", Duration.ofSeconds(20), Duration.ofMillis(20),
        () -> Files.exists(edited));
    Map<String, Object> other = CtlFixtures.sampleConfig();
    other.put("ttl", 40);
    assertTrue(call(() -> leader.writeConfig(other, null)));
    Files.writeString(goOn, "");
    CtlRun r = run.get(30, java.util.concurrent.TimeUnit.SECONDS);
    assertEquals(1, r.code(), r.out());
    assertEquals("Error: Config modification aborted due to concurrent changes\n", r.err());
    Map<String, Object> stored = load(leader).config().data();
    assertEquals(40, ((Number) stored.get("ttl")).intValue());
    assertNull(stored.get("loop_wait") instanceof Number n && n.intValue() == 7 ? "overwritten" : null);
  }

  @Test
  void dsnFindsTheLeaderAndNamesUnknownMembers() {
    plantAnchor("dsn");
    assertEquals("host=127.0.0.1 port=5434\n", ctl(null, "dsn", "dsn").out());
    assertEquals("host=127.0.0.1 port=5433\n", ctl(null, "dsn", "dsn", "-m", "pg2").out());
    CtlRun unknown = ctl(null, "dsn", "dsn", "-m", "nosuch");
    assertEquals(1, unknown.code());
    assertEquals("Error: Can not find a suitable member\n", unknown.err());
  }

  @Test
  void removeDeletesTheClusterOnlyAfterAllConfirmations() {
    Dcs leader = plantAnchor("gone");
    CtlRun wrong = ctl("gone\nYes I am aware\npg1\n", "remove", "gone");
    assertEquals(1, wrong.code());
    assertEquals("Error: You did not specify the current leader of the cluster\n", wrong.err());
    assertEquals(3, load(leader).members().size());

    CtlRun r = ctl("gone\nYes I am aware\npg3\n", "remove", "gone");
    assertEquals(0, r.code(), r.err());
    Cluster after = load(member("gone", "observer"));
    assertTrue(after.members().isEmpty(), after.toString());
    assertNull(after.config());
    assertNull(after.initialize());
  }

  @Test
  void pauseNeedsAReachableMember() {
    plantAnchor("paused");
    CtlRun r = ctl(null, "pause", "paused");
    assertEquals(1, r.code());
    assertTrue(r.err().endsWith("Error: Can not find accessible cluster member\n"), r.err());
  }

  @Test
  void aClusterThatDoesNotExistListsEmpty() {
    CtlRun r = ctl(null, "list", "nothing-here");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("+ Cluster: nothing-here (uninitialized) -"), r.out());
    assertEquals(4, r.out().lines().count(), r.out());
  }

  @Test
  void aStoppedDcsFailsWithOneLineAndExitCodeOne() throws Exception {
    plantAnchor("down");
    stopServer();
    try {
      long started = System.nanoTime();
      CtlRun r = ctl(null, "list", "down");
      assertEquals(1, r.code(), r.out());
      assertTrue(r.err().startsWith("Error: could not read cluster down from the DCS: "), r.err());
      assertEquals(1, r.err().lines().count(), r.err());
      assertTrue(System.nanoTime() - started < Duration.ofSeconds(20).toNanos(), "fails within retry_timeout + slack");
    } finally {
      startServerAgain();
    }
  }

  /** {@code dcsUrl()} with the port replaced by one nobody listens on. */
  private String unreachableDcsUrl() {
    return dcsUrl().replaceFirst(":\\d+$", ":" + CtlFixtures.closedPort());
  }

  @Test
  void theProcessExitsWithOneAndOneLineWhenTheDcsIsUnreachable() throws Exception {
    // a separate JVM through main(): exit code, logging set-up and no library noise on stderr
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"), VigilCtl.class.getName(),
        "-c", configFile().toString(), "-d", unreachableDcsUrl(), "list", "batman")
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> {
      try {
        return new String(p.getErrorStream().readAllBytes());
      } catch (java.io.IOException e) {
        return e.toString();
      }
    });
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "vigilctl did not end");
    String stderr = err.get(5, java.util.concurrent.TimeUnit.SECONDS);
    assertEquals(1, p.exitValue(), out + stderr);
    assertEquals("", out);
    assertEquals(1, stderr.lines().count(), stderr);
    assertTrue(stderr.startsWith("Error: could not read cluster batman from the DCS: "), stderr);
  }

  /** Environment for runs that must not see the developer's own patronictl.yaml. */
  protected static Map<String, String> env() {
    return new HashMap<>();
  }
}
