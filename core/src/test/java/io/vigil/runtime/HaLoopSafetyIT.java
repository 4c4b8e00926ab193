package io.vigil.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.Vertx;
import io.vigil.async.AsyncExecutor;
import io.vigil.bus.Addresses;
import io.vigil.bus.NodeStatus;
import io.vigil.config.Settings;
import io.vigil.events.EventEmitter;
import io.vigil.postgres.PgFixtures;
import io.vigil.postgres.PostgresController;
import io.vigil.runtime.FaultyDcs.Call;
import io.vigil.runtime.FaultyDcs.Mode;
import io.vigil.runtime.FaultyDcs.Op;
import io.vigil.testing.Timing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A real {@link HaLoopVerticle} with a real PostgreSQL 15 and a DCS whose calls hang, refuse or fail: a primary
 * never stays writable once its leader key may be gone. Each test bootstraps a fresh single-node cluster (ttl 20,
 * loop_wait 2, retry_timeout 4), waits until the agent runs it as the leader, then injects one fault.
 *
 * <p>"Writable primary" is observed from outside the agent, with psql over the unix socket: connects and answers
 * {@code pg_is_in_recovery() = f}. Times are monotonic ms, the fake DCS's call log and the observations share
 * the clock.
 */
class HaLoopSafetyIT {
  private static final int TTL = 20;
  private static final int LOOP_WAIT = 2;
  private static final int RETRY_TIMEOUT = 4;
  private static final long LEASE_MILLIS = TTL * 1000L;
  private static final long MARGIN_MILLIS = 5_000;

  private Vertx vertx;
  private Path base;
  private Settings settings;
  private FaultyDcs dcs;
  private HaLoopVerticle loop;
  private final List<Integer> exits = new CopyOnWriteArrayList<>();
  private final List<NodeStatus> published = new CopyOnWriteArrayList<>();

  @BeforeEach
  void bootstrapALeader() throws Exception {
    vertx = Vertx.vertx();
    base = PgFixtures.postgresOwnedTempDir("vigil-haloop-");
    settings = NodeFixtures.settings("pg1", base, PgFixtures.freePort(), PgFixtures.freePort(),
        Map.of("ttl", TTL, "loop_wait", LOOP_WAIT, "retry_timeout", RETRY_TIMEOUT));
    dcs = new FaultyDcs(vertx, "pg1");
    vertx.eventBus().<NodeStatus>consumer(Addresses.HA_CYCLE, m -> published.add(m.body()));
    // the supervisor and the loop, not the DCS watch: the fake DCS has no watch, and the tests read the loop's
    // cadence from its cluster reads, which the watch's read after each cycle would blur
    Addresses.registerCodecs(vertx);
    EventEmitter events = new EventEmitter(vertx, "demo", "pg1");
    AsyncExecutor async = new AsyncExecutor(vertx);
    PostgresController pg = PostgresController.create(vertx, settings, async)
        .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    loop = new HaLoopVerticle(settings, dcs, pg, async, events, exits::add);
    vertx.deployVerticle(new PostgresSupervisorVerticle(pg, events)).compose(id -> vertx.deployVerticle(loop))
        .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    waitUntil("the agent bootstrapped and leads", 90_000,
        () -> "pg1".equals(dcs.leader()) && renewals(Mode.NORMAL).size() >= 2 && writablePrimary());
    assertEquals(new io.vigil.dcs.DcsTiming(TTL, LOOP_WAIT, RETRY_TIMEOUT), dcs.timing(), "bootstrap.dcs applied");
  }

  @AfterEach
  void tearDown() throws Exception {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } finally {
      Path data = settings == null ? null : settings.postgresql().dataDir();
      if (data != null && Files.exists(data.resolve("postmaster.pid"))) {
        signal("CONT", postmasterPid());
        run(List.of("runuser", "-u", "postgres", "--", NodeFixtures.BIN.resolve("pg_ctl").toString(), "-D",
            data.toString(), "-m", "immediate", "-w", "stop"), 30);
      }
      PgFixtures.deleteTree(base);
    }
    assertEquals(List.of(), exits, "the agent asked to exit");
  }

  // --- what the bootstrap cycle publishes ---

  @Test
  void theCycleThatBootstrappedPublishesTheKeysItWrote() {
    // the REST API answers GET /config from this snapshot: the keyless one the cycle started from gave 502
    NodeStatus bootstrapped = published.stream().filter(s -> "initialized a new cluster".equals(s.message()))
        .findFirst().orElseThrow(() -> new AssertionError("no cycle said it bootstrapped: " + published));
    assertNotNull(bootstrapped.cluster().config(), "config written by the bootstrap");
    assertEquals("pg1", bootstrapped.cluster().leaderName());
    assertNotNull(bootstrapped.cluster().initialize());
  }

  // --- renewal refused / failed ---

  @Test
  void aRefusedRenewalDemotesInTheSameCycleWithoutWritingTheMemberKey() throws Exception {
    dcs.mode(Op.RENEW, Mode.REFUSE);
    long refusedAt = waitForCall(Op.RENEW, Mode.REFUSE, 10_000).atMillis();
    long demotedAt = waitUntil("PostgreSQL stops being a writable primary", 15_000, () -> !writablePrimary());
    assertTrue(demotedAt - refusedAt < LOOP_WAIT * 1000L + 1000,
        "demoted " + (demotedAt - refusedAt) + " ms after the refused renewal");
    // a refusal is no DCS error: Patroni still touches the member key in that cycle, but only after the demotion
    noPrimaryTouchAfter(refusedAt);
  }

  @Test
  void aFailedRenewalDemotesInTheSameCycleWithoutWritingTheMemberKey() throws Exception {
    dcs.mode(Op.RENEW, Mode.FAIL);
    long failedAt = waitForCall(Op.RENEW, Mode.FAIL, 10_000).atMillis();
    long demotedAt = waitUntil("PostgreSQL stops being a writable primary", 15_000, () -> !writablePrimary());
    assertTrue(demotedAt - failedAt < LOOP_WAIT * 1000L + 1000,
        "demoted " + (demotedAt - failedAt) + " ms after the failed renewal");
    noPrimaryTouchAfter(failedAt);
    noTouchInTheCycleOf(failedAt);
  }

  /** Every member key written after {@code since} says this node is no primary any more. */
  private void noPrimaryTouchAfter(long since) {
    for (Call c : dcs.calls(c -> c.op() == Op.TOUCH_MEMBER && c.atMillis() >= since)) {
      assertTrue(!"primary".equals(c.data().get("role")) || !"running".equals(c.data().get("state")),
          "member key written as a running primary " + (c.atMillis() - since) + " ms after the renewal: "
              + c.data());
    }
  }

  /** Patroni skips touch_member in a cycle whose leader-key update raised a DCS error: none until the next cycle. */
  private void noTouchInTheCycleOf(long renewalAt) throws Exception {
    Call next = waitForCall(c -> c.op() == Op.LOAD_CLUSTER && c.atMillis() > renewalAt, 10_000);
    List<Call> touches = dcs.calls(c -> c.op() == Op.TOUCH_MEMBER && c.atMillis() >= renewalAt
        && c.atMillis() < next.atMillis());
    assertEquals(List.of(), touches, "member key written in the cycle of the failed renewal");
  }

  // --- the DCS stops answering ---

  @Test
  void aDcsThatTimesOutAfterRetryTimeoutStopsThePrimaryBeforeTheKeyExpires() throws Exception {
    dcs.all(Mode.FAIL_AFTER_RETRY_TIMEOUT);
    long lastRenewal = lastSuccessfulRenewalSentAt();
    long demotedAt = waitUntil("PostgreSQL stops being a writable primary", LEASE_MILLIS,
        () -> !writablePrimary());
    assertTrue(demotedAt <= lastRenewal + LEASE_MILLIS - MARGIN_MILLIS,
        "still writable " + (demotedAt - lastRenewal) + " ms after the last renewal was sent");
    stillNotWritableUntil(lastRenewal + LEASE_MILLIS + 2_000);
  }

  @Test
  void aDcsCallThatNeverCompletesStillStopsThePrimaryBeforeTheKeyExpires() throws Exception {
    dcs.all(Mode.HANG);
    long lastRenewal = lastSuccessfulRenewalSentAt();
    long demotedAt = waitUntil("PostgreSQL stops being a writable primary", LEASE_MILLIS,
        () -> !writablePrimary());
    assertTrue(demotedAt <= lastRenewal + LEASE_MILLIS - MARGIN_MILLIS,
        "still writable " + (demotedAt - lastRenewal) + " ms after the last renewal was sent");
    stillNotWritableUntil(lastRenewal + LEASE_MILLIS + 2_000);
  }

  /** The send time of the last renewal that succeeded; none can start once the fault is injected. */
  private long lastSuccessfulRenewalSentAt() {
    List<Call> ok = renewals(Mode.NORMAL);
    assertTrue(!ok.isEmpty());
    return ok.get(ok.size() - 1).atMillis();
  }

  private void stillNotWritableUntil(long untilMillis) throws Exception {
    while (now() < untilMillis) {
      assertTrue(!writablePrimary(), "writable again without a lease");
      Timing.pause(Duration.ofMillis(200));
    }
  }

  // --- PostgreSQL hangs ---

  @Test
  void aHungPostmasterNeitherStallsTheLoopNorOutlivesTheLease() throws Exception {
    long pid = postmasterPid();
    long stoppedAt = now();
    signal("STOP", pid);
    try {
      long observeUntil = stoppedAt + LEASE_MILLIS + 2_000;
      while (now() < observeUntil) {
        Timing.pause(Duration.ofMillis(500));
        long t = now();
        // the loop keeps cycling: never longer without a cycle than a cycle's deadline plus a loop_wait
        long lastLoad = lastCall(Op.LOAD_CLUSTER).atMillis();
        assertTrue(t - lastLoad <= (LOOP_WAIT + 2L * RETRY_TIMEOUT) * 1000L + LOOP_WAIT * 1000L + 1000, "no cycle started for " + (t - lastLoad) + " ms: the loop stalled");
        // and a postmaster that is still there is covered by a renewal less than ttl - margin old
        if (processAlive(pid)) {
          long lastRenewal = lastSuccessfulRenewalSentAt();
          assertTrue(t - lastRenewal < LEASE_MILLIS - MARGIN_MILLIS + 1000,
              "postmaster alive " + (t - lastRenewal) + " ms after the last successful renewal");
        }
      }
    } finally {
      signal("CONT", pid);
    }
  }

  // --- scheduling ---

  @Test
  void cyclesStartLoopWaitAfterThePreviousOneStarted() throws Exception {
    // every cycle now takes a second longer: start-to-start keeps loop_wait, end-to-start would add the second
    dcs.delay(Op.TOUCH_MEMBER, 1_000);
    long from = now() + 3_000;
    waitUntil("six more cycles", 30_000,
        () -> dcs.calls(c -> c.op() == Op.LOAD_CLUSTER && c.atMillis() >= from).size() >= 6);
    List<Call> loads = dcs.calls(c -> c.op() == Op.LOAD_CLUSTER && c.atMillis() >= from);
    List<Long> gaps = new ArrayList<>();
    for (int i = 1; i < loads.size(); i++) {
      gaps.add(loads.get(i).atMillis() - loads.get(i - 1).atMillis());
    }
    List<Long> sorted = gaps.stream().sorted().toList();
    long median = sorted.get(sorted.size() / 2);
    assertTrue(median >= LOOP_WAIT * 1000L - 100 && median < LOOP_WAIT * 1000L + 600,
        "cycle starts " + gaps + " ms apart; loop_wait is " + LOOP_WAIT + " s");
  }

  // --- shutdown ---

  @Test
  void nothingTakesTheKeyOrStartsPostgresAfterShutdownReleasedIt() throws Exception {
    // the next cycle's read takes 3 s: shutdown comes while it is in flight
    dcs.delay(Op.LOAD_CLUSTER, 3_000);
    long delayedFrom = now();
    Call slowRead = waitForCall(c -> c.op() == Op.LOAD_CLUSTER && c.atMillis() >= delayedFrom, 10_000);
    Timing.pause(Duration.ofMillis(500));
    assertTrue(now() - slowRead.atMillis() < 2_500, "shutdown starts while the read is in flight");
    loop.shutdown().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);

    Call release = lastCall(Op.RELEASE);
    assertNotNull(release, "the leader key was released");
    assertNull(dcs.leader(), "no leader key after shutdown");
    Path pid = settings.postgresql().dataDir().resolve("postmaster.pid");
    long until = now() + 6_000;
    while (now() < until) {
      assertTrue(!Files.exists(pid), "PostgreSQL was started after shutdown released the key");
      Timing.pause(Duration.ofMillis(100));
    }
    List<Call> keyWrites = dcs.calls(c -> c.atMillis() > release.atMillis()
        && (c.op() == Op.ACQUIRE || c.op() == Op.TAKE || c.op() == Op.RENEW));
    assertEquals(List.of(), keyWrites, "leader key written after it was released");
    assertNull(dcs.leader(), "no leader key after shutdown");
  }

  // --- helpers ---

  private List<Call> renewals(Mode mode) {
    return dcs.calls(c -> c.op() == Op.RENEW && c.mode() == mode);
  }

  private Call lastCall(Op op) {
    List<Call> calls = dcs.calls(c -> c.op() == op);
    return calls.isEmpty() ? null : calls.get(calls.size() - 1);
  }

  private Call waitForCall(Op op, Mode mode, long timeoutMillis) throws Exception {
    return waitForCall(c -> c.op() == op && c.mode() == mode, timeoutMillis);
  }

  private Call waitForCall(java.util.function.Predicate<Call> which, long timeoutMillis) throws Exception {
    waitUntil("a DCS call", timeoutMillis, () -> !dcs.calls(which).isEmpty());
    return dcs.calls(which).get(0);
  }

  /** Polls {@code condition}; returns the monotonic time it was first seen true. */
  private static long waitUntil(String what, long timeoutMillis, BooleanSupplier condition) throws Exception {
    return Timing.await(what, Duration.ofMillis(timeoutMillis), Duration.ofMillis(100),
        () -> condition.getAsBoolean() ? now() : null, () -> "false");
  }

  private static long now() {
    return System.nanoTime() / 1_000_000;
  }

  /** psql over the unix socket: connects within 2 s and is not in recovery. */
  private boolean writablePrimary() {
    Object sockets = settings.postgresql().parameters().get("unix_socket_directories");
    String out = run(List.of(NodeFixtures.BIN.resolve("psql").toString(), "-h", String.valueOf(sockets), "-p",
        String.valueOf(settings.postgresql().listen().port()), "-U", "postgres", "-d", "postgres", "-Atqc",
        "SELECT pg_is_in_recovery()"), 3);
    return "f".equals(out);
  }

  private long postmasterPid() throws Exception {
    List<String> lines = Files.readAllLines(settings.postgresql().dataDir().resolve("postmaster.pid"));
    return Long.parseLong(lines.get(0).trim());
  }

  private static boolean processAlive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)
        && !String.valueOf(run(List.of("ps", "-o", "stat=", "-p", Long.toString(pid)), 3)).startsWith("Z");
  }

  private static void signal(String sig, long pid) {
    run(List.of("kill", "-" + sig, Long.toString(pid)), 5);
  }

  /** Runs a command; its trimmed stdout when it exits 0 within {@code seconds}, otherwise null. */
  private static String run(List<String> command, int seconds) {
    try {
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(false)
          .redirectError(ProcessBuilder.Redirect.DISCARD);
      pb.environment().put("PGCONNECT_TIMEOUT", "2");
      Process p = pb.start();
      if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return null;
      }
      String out = new String(p.getInputStream().readAllBytes()).trim();
      return p.exitValue() == 0 ? out : null;
    } catch (Exception e) {
      return null;
    }
  }
}
