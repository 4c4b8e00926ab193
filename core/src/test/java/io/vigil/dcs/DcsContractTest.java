package io.vigil.dcs;

import static io.vigil.dcs.DcsTestSupport.await;
import static io.vigil.dcs.DcsTestSupport.awaitFailure;
import static io.vigil.dcs.DcsTestSupport.pause;
import static io.vigil.dcs.DcsTestSupport.poll;
import static io.vigil.dcs.DcsTestSupport.scaled;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vigil.cluster.Cluster;
import io.vigil.cluster.Failover;
import io.vigil.cluster.Failsafe;
import io.vigil.cluster.Status;
import io.vigil.cluster.SyncState;
import io.vigil.cluster.TimelineHistory;
import io.vigil.dcs.Dcs.DcsChange;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What every DCS plugin must do, checked against its real server. Reads through a client see that client's own
 * writes at once; other clients see them once their watch has delivered them (tests poll for that).
 *
 * <p> A plugin's {@code *IT} extends this class and
 * supplies the server lifecycle, the client and raw access to the store (to plant bad values and to check the
 * exact layout). Each test uses its own scope, so one server serves the whole class.
 *
 * <p>Timings are short ({@link #timing()}); the SPI has no lower bound of its own. All calls are made on one
 * Vert.x context, as the HA loop does, and awaited from the JUnit thread with a deadline.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class DcsContractTest {
  private static final AtomicInteger SCOPES = new AtomicInteger();

  protected Vertx vertx;
  protected Context context;
  protected DcsKeys keys;
  private final List<Dcs> opened = new ArrayList<>();

  // ------------------------------------------------------------------------------------------------ hooks

  /** Starts the server once for the class (free ports on 127.0.0.1, a temp data dir). */
  protected abstract void startServer() throws Exception;

  /** Stops the server abruptly (kill), keeping its data and ports for {@link #startServerAgain()}. */
  protected abstract void stopServer() throws Exception;

  /** Starts the stopped server again on the same ports and data, and returns once it is healthy. */
  protected abstract void startServerAgain() throws Exception;

  /** Stops the server for good and removes its data. */
  protected abstract void destroyServer() throws Exception;

  /** A client for cluster {@link #keys} as member {@code member}. Called on {@link #context}. */
  protected abstract Dcs newDcs(DcsKeys keys, String member, DcsTiming timing);

  /** Writes {@code value} at {@code keys.key(relativeKey)} directly, as another program could. */
  protected abstract void rawPut(String relativeKey, String value) throws Exception;

  /** Every key under {@code keys.base()} with its value, keys written as in docs/dcs-layout.md §1.1 ({@code /service/x/leader}). */
  protected abstract Map<String, String> rawDump() throws Exception;

  /**
   * Makes {@code dcs} stop renewing without releasing anything, like a killed agent. The default closes it,
   * which the SPI defines as not deleting the leader key; backends whose close would end the session at once
   * override this.
   */
  protected void abandon(Dcs dcs) {
    call(dcs::close);
  }

  /** Short timings for tests: ttl 5, loop_wait 1, retry_timeout 2 (loop_wait + 2·retry_timeout ≤ ttl). */
  protected DcsTiming timing() {
    return new DcsTiming(5, 1, 2);
  }

  // ------------------------------------------------------------------------------------------------ set-up

  @BeforeAll
  void startAll() throws Exception {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
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
  void newScope() {
    keys = new DcsKeys("service", "contract" + SCOPES.incrementAndGet() + "-" + ProcessHandle.current().pid());
  }

  @AfterEach
  void closeClients() {
    for (Dcs dcs : opened) {
      try {
        DcsTestSupport.start(context, dcs::close).get(10, java.util.concurrent.TimeUnit.SECONDS);
      } catch (Exception e) {
        // already closed, or the server is down: nothing left to release
      }
    }
    opened.clear();
  }

  protected Dcs dcs(String member) {
    Dcs dcs = await(DcsTestSupport.start(context, () -> Future.succeededFuture(newDcs(keys, member, timing()))),
        callDeadline());
    opened.add(dcs);
    return dcs;
  }

  /**
   * How long after the store went away a backend may still answer {@code loadCluster} from its watch cache: the
   * cache's staleness bound (zero for a backend without one). The etcd cache stays fresh until the watch stream
   * reports its error or etcd has been silent for that long, whichever comes first.
   */
  protected Duration cachedReadsFor() {
    return Duration.ZERO;
  }

  /** retry_timeout plus scheduling slack: the longest any call may take. */
  protected Duration callDeadline() {
    return scaled(Duration.ofMillis(timing().retryTimeout() * 1000L + 1500));
  }

  protected <T> T call(Supplier<Future<T>> call) {
    return await(DcsTestSupport.start(context, call), callDeadline());
  }

  protected Cluster load(Dcs dcs) {
    return call(dcs::loadCluster);
  }

  protected static Map<String, Object> memberData(String name, int port) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("conn_url", "postgres://127.0.0.1:" + port + "/postgres");
    data.put("api_url", "http://127.0.0.1:" + (port + 2576) + "/patroni");
    data.put("state", "running");
    data.put("role", "replica");
    data.put("version", "4.0.4");
    data.put("xlog_location", 67373552L);
    data.put("timeline", 4L);
    return data;
  }

  /** Watch events as they arrive, with arrival time. */
  protected static final class Recorder {
    public record Event(DcsChange change, long nanos) {}

    public final List<Event> events = new CopyOnWriteArrayList<>();

    public void accept(DcsChange change) {
      events.add(new Event(change, System.nanoTime()));
    }

    public Event first(DcsChange change, long afterNanos) {
      return events.stream().filter(e -> e.change() == change && e.nanos() >= afterNanos).findFirst().orElse(null);
    }
  }

  protected Recorder watch(Dcs dcs) {
    Recorder recorder = new Recorder();
    call(() -> {
      dcs.watch(recorder::accept);
      return Future.succeededFuture();
    });
    return recorder;
  }

  // ------------------------------------------------------------------------------------------------ leader key

  @Test
  void twoClientsRacingForTheLeaderKeyHaveExactlyOneWinner() {
    Dcs a = dcs("a");
    Dcs b = dcs("b");
    CompletableFuture<Boolean> ra = DcsTestSupport.start(context, a::acquireLeaderKey);
    CompletableFuture<Boolean> rb = DcsTestSupport.start(context, b::acquireLeaderKey);
    boolean aWon = await(ra, callDeadline());
    boolean bWon = await(rb, callDeadline());
    assertTrue(aWon ^ bWon, "exactly one winner, got a=" + aWon + " b=" + bWon);
    String winner = aWon ? "a" : "b";
    assertEquals(winner, load(a).leaderName());
    assertEquals(winner, load(b).leaderName());
    assertFalse(call((aWon ? b : a)::acquireLeaderKey), "the loser cannot take it later either");
    assertTrue(call((aWon ? a : b)::renewLeaderKey));
    assertFalse(call((aWon ? b : a)::renewLeaderKey), "the loser does not hold it");
  }

  @Test
  void abandonedLeaderKeyExpiresWithinTtlAndTheWatchFiresAtOnce() throws Exception {
    Dcs a = dcs("a");
    Dcs b = dcs("b");
    Recorder recorder = watch(b);
    load(b);
    call(() -> a.touchMember(memberData("a", 5432)));
    assertTrue(call(a::acquireLeaderKey));
    poll("b's watch reports a taking the leader key", scaled(Duration.ofSeconds(5)), 20,
        () -> recorder.first(DcsChange.LEADER_CHANGED, 0) != null);

    long renewedAt = System.nanoTime();
    assertTrue(call(a::renewLeaderKey));
    abandon(a);
    long watchFrom = System.nanoTime();
    String leaderKey = keys.key(DcsKeys.LEADER);
    String memberKey = keys.member("a");
    assertTrue(rawDump().containsKey(leaderKey), "the key outlives the agent until its ttl runs out");
    Duration expiry = scaled(Duration.ofMillis(timing().ttl() * 1000L + 1000)).minusNanos(System.nanoTime() - renewedAt);
    poll("leader and member keys expire within ttl + 1 s", expiry, 20, () -> {
      try {
        Map<String, String> raw = rawDump();
        return !raw.containsKey(leaderKey) && !raw.containsKey(memberKey);
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    });
    long goneAt = System.nanoTime();
    poll("b's watch fires within 1 s of the expiry", scaled(Duration.ofSeconds(1)), 10,
        () -> recorder.first(DcsChange.LEADER_CHANGED, watchFrom) != null);
    long firedAt = recorder.first(DcsChange.LEADER_CHANGED, watchFrom).nanos();
    assertTrue(firedAt - goneAt < scaled(Duration.ofSeconds(1)).toNanos());
    Cluster seen = load(b);
    assertTrue(seen.isUnlocked());
    assertFalse(seen.hasMember("a"));
  }

  @Test
  void renewingKeepsTheLeaderKeyForThreeTtls() throws Exception {
    Dcs a = dcs("a");
    Dcs b = dcs("b");
    call(() -> a.touchMember(memberData("a", 5432)));
    assertTrue(call(a::acquireLeaderKey));
    long end = System.nanoTime() + Duration.ofSeconds(3L * timing().ttl()).toNanos();
    long step = timing().ttl() * 1000L / 3;
    while (System.nanoTime() < end) {
      pause(step);
      assertTrue(call(a::renewLeaderKey), "renew succeeds while the key is ours");
      Cluster seen = load(b);
      assertEquals("a", seen.leaderName());
      assertTrue(seen.hasMember("a"), "the member key lives on the same lease/session");
      assertTrue(rawDump().containsKey(keys.key(DcsKeys.LEADER)));
    }
  }

  @Test
  void onlyTheOwnerCanReleaseTheLeaderKey() throws Exception {
    Dcs a = dcs("a");
    Dcs b = dcs("b");
    assertTrue(call(a::acquireLeaderKey));
    assertFalse(call(b::releaseLeaderKey));
    assertEquals("a", load(b).leaderName());
    assertTrue(call(a::releaseLeaderKey));
    assertFalse(rawDump().containsKey(keys.key(DcsKeys.LEADER)));
    assertTrue(load(a).isUnlocked());
    poll("b sees the key gone", callDeadline(), 20, () -> load(b).isUnlocked());
    assertFalse(call(a::releaseLeaderKey), "already gone");
    assertTrue(call(b::acquireLeaderKey), "free for the next one at once");
  }

  @Test
  void takeLeaderKeyWritesUnconditionally() {
    Dcs a = dcs("a");
    Dcs b = dcs("b");
    assertTrue(call(a::acquireLeaderKey));
    call(b::takeLeaderKey);
    assertEquals("b", load(b).leaderName());
    assertTrue(call(b::renewLeaderKey));
    poll("a sees b's leader key", callDeadline(), 20, () -> "b".equals(load(a).leaderName()));
    assertFalse(call(a::renewLeaderKey));
  }

  // ------------------------------------------------------------------------------------------------ CAS keys

  @Test
  void configWritesCompareAndSetOnTheVersion() {
    Dcs a = dcs("a");
    assertTrue(call(() -> a.writeConfig(Map.of("ttl", 30L), null)));
    long v1 = load(a).config().version();
    assertTrue(call(() -> a.writeConfig(Map.of("ttl", 20L), v1)));
    assertFalse(call(() -> a.writeConfig(Map.of("ttl", 10L), v1)), "stale version");
    Cluster c = load(a);
    assertEquals(Map.of("ttl", 20L), c.config().data());
    long v2 = c.config().version();
    assertTrue(v2 != v1);
    assertTrue(call(() -> a.writeConfig(Map.of("ttl", 40L), null)), "no version: unconditional");
  }

  @Test
  void failoverWritesCompareAndSetAndClearWithEmptyObject() throws Exception {
    Dcs a = dcs("a");
    assertTrue(call(() -> a.writeFailover(new Failover(0, "a", "b", null), null)));
    Failover f1 = load(a).failover();
    assertEquals("a", f1.leader());
    assertEquals("b", f1.candidate());
    assertTrue(call(() -> a.writeFailover(new Failover(0, null, "c", null), f1.version())));
    assertFalse(call(() -> a.writeFailover(new Failover(0, null, "d", null), f1.version())), "stale version");
    Failover f2 = load(a).failover();
    assertEquals("c", f2.candidate());
    assertTrue(call(() -> a.writeFailover(null, f2.version())));
    assertNull(load(a).failover());
    assertEquals("{}", rawDump().get(keys.key(DcsKeys.FAILOVER)));
  }

  @Test
  void syncStateWritesAndDeletesCompareAndSet() {
    Dcs a = dcs("a");
    assertTrue(call(() -> a.writeSyncState(new SyncState(0, "a", List.of("b"), null), null)));
    SyncState s1 = load(a).sync();
    assertEquals(List.of("b"), s1.syncStandbys());
    assertTrue(call(() -> a.writeSyncState(new SyncState(0, "a", List.of("c", "b"), null), s1.version())));
    assertFalse(call(() -> a.writeSyncState(new SyncState(0, "a", List.of(), null), s1.version())), "stale");
    SyncState s2 = load(a).sync();
    assertEquals(List.of("b", "c"), s2.syncStandbys());
    assertFalse(call(() -> a.deleteSyncState(s1.version())), "stale delete");
    assertTrue(call(() -> a.deleteSyncState(s2.version())));
    SyncState gone = load(a).sync();
    assertTrue(gone == null || gone.leader() == null, "deleted (or {} on ZooKeeper): " + gone);
  }

  @Test
  void initializeIsCreateOnly() {
    Dcs a = dcs("a");
    Dcs b = dcs("b");
    assertTrue(call(() -> a.initialize("7710484112634925804", true)));
    assertFalse(call(() -> b.initialize("1111111111111111111", true)));
    assertEquals("7710484112634925804", load(b).initialize(), "a lost race leaves the loser's view current");
    assertTrue(call(() -> a.initialize("7710484112634925805", false)), "plain write by the leader");
    assertEquals("7710484112634925805", load(a).initialize());
    call(a::cancelInitialization);
    assertNull(load(a).initialize());
    assertTrue(call(() -> b.initialize("", true)), "the race is open again; empty while bootstrapping");
    assertEquals("", load(b).initialize());
    poll("the other client sees it too", callDeadline(), 20, () -> "".equals(load(a).initialize()));
  }

  @Test
  void historyStatusAndFailsafeRoundTrip() {
    Dcs a = dcs("a");
    TimelineHistory history = new TimelineHistory(0, List.of(
        new TimelineHistory.Line(1, 67299200, "no recovery target specified", "2026-11-21T04:56:50.313697+00:00", "a")));
    call(() -> a.writeHistory(history));
    call(() -> a.writeStatus(new Status(67373552, Map.of("a", 1L), List.of("a"))));
    call(() -> a.writeFailsafe(new Failsafe(Map.of("a", "http://127.0.0.1:8008/patroni"))));
    Cluster c = load(a);
    assertEquals(history.lines(), c.history().lines());
    assertEquals(2, c.timeline());
    assertEquals(new Status(67373552, Map.of("a", 1L), List.of("a")), c.status());
    assertEquals(Map.of("a", "http://127.0.0.1:8008/patroni"), c.failsafe().members());
  }

  @Test
  void deleteClusterRemovesEveryKey() throws Exception {
    Dcs a = dcs("a");
    call(() -> a.initialize("1", true));
    call(() -> a.touchMember(memberData("a", 5432)));
    call(a::acquireLeaderKey);
    call(a::deleteCluster);
    assertEquals(Map.of(), rawDump());
    assertEquals(Cluster.empty(), load(a));
  }

  // ------------------------------------------------------------------------------------------------ bad data

  @Test
  void malformedValuesAreToleratedAndReadAsAbsent() throws Exception {
    rawPut("config", "{not json");
    rawPut("status", "oops");
    rawPut("sync", "[");
    rawPut("failover", "[1,2]");
    rawPut("history", "{}");
    rawPut("failsafe", "[]");
    rawPut("members/x", "garbage");
    rawPut("leader", "ghost");
    Dcs a = dcs("a");
    call(() -> a.touchMember(memberData("a", 5432)));
    Cluster c = load(a);
    assertNull(c.config());
    assertEquals(Status.empty(), c.status());
    assertNotNull(c.sync());
    assertNull(c.sync().leader());
    assertNull(c.failover());
    assertNull(c.history());
    assertEquals(0, c.timeline());
    assertNull(c.failsafe());
    assertEquals(Map.of(), c.member("x").orElseThrow().data(), "a bad member key is a member without data");
    assertEquals(memberData("a", 5432), c.member("a").orElseThrow().data());
    assertEquals("ghost", c.leaderName(), "a leader without member key is kept with empty data");
    assertEquals(Map.of(), c.leader().member().data());

    rawPut("failover", "a:b");
    rawPut("members/y", "postgres://10.0.0.9:5432/postgres?application_name=http://10.0.0.9:8008/patroni");
    poll("a sees the new values", callDeadline(), 20, () -> load(a).hasMember("y"));
    c = load(a);
    assertEquals("a", c.failover().leader());
    assertEquals("b", c.failover().candidate());
    assertEquals("http://10.0.0.9:8008/patroni", c.member("y").orElseThrow().apiUrl());
  }

  // ------------------------------------------------------------------------------------------------ outages

  @Test
  void everyCallFailsWithinRetryTimeoutWhileTheServerIsDown() throws Exception {
    Dcs a = dcs("a");
    watch(a);
    call(() -> a.touchMember(memberData("a", 5432)));
    assertTrue(call(a::acquireLeaderKey));
    load(a);
    stopServer();
    long stoppedAt = System.nanoTime();
    try {
      Map<String, Supplier<Future<?>>> calls = new TreeMap<>();
      calls.put("loadCluster", () -> loadUntilItFails(a, stoppedAt));
      calls.put("acquireLeaderKey", a::acquireLeaderKey);
      calls.put("renewLeaderKey", a::renewLeaderKey);
      calls.put("takeLeaderKey", a::takeLeaderKey);
      calls.put("releaseLeaderKey", a::releaseLeaderKey);
      calls.put("touchMember", () -> a.touchMember(memberData("a", 5433)));
      calls.put("initialize", () -> a.initialize("1", true));
      calls.put("cancelInitialization", a::cancelInitialization);
      calls.put("writeConfig", () -> a.writeConfig(Map.of("ttl", 30L), 1L));
      calls.put("writeFailover", () -> a.writeFailover(null, 1L));
      calls.put("writeSyncState", () -> a.writeSyncState(SyncState.empty(0), 1L));
      calls.put("deleteSyncState", () -> a.deleteSyncState(1L));
      calls.put("writeHistory", () -> a.writeHistory(new TimelineHistory(0, List.of())));
      calls.put("writeStatus", () -> a.writeStatus(new Status(1, null, null)));
      calls.put("writeFailsafe", () -> a.writeFailsafe(new Failsafe(Map.of())));
      calls.put("deleteCluster", a::deleteCluster);
      // all at once: each call must give up on its own deadline, not queue behind the others
      long started = System.nanoTime();
      Map<String, CompletableFuture<?>> running = new TreeMap<>();
      calls.forEach((name, c) -> running.put(name, DcsTestSupport.start(context, c::get)));
      List<String> problems = new ArrayList<>();
      for (Map.Entry<String, CompletableFuture<?>> e : running.entrySet()) {
        Throwable failure;
        try {
          failure = awaitFailure(e.getValue(), deadlineOf(e.getKey()));
        } catch (AssertionError ae) {
          problems.add(e.getKey() + ": " + ae.getMessage());
          continue;
        }
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        if (!(failure instanceof DcsUnavailableException)) {
          problems.add(e.getKey() + ": failed with " + failure);
        } else if (tookMs > deadlineOf(e.getKey()).toMillis()) {
          problems.add(e.getKey() + ": took " + tookMs + " ms");
        } else if (!failure.getMessage().contains(keys.base().replaceAll("^/", ""))) {
          problems.add(e.getKey() + ": message does not name the cluster key: " + failure.getMessage());
        }
      }
      assertEquals(List.of(), problems);
    } finally {
      startServerAgain();
    }
  }

  /**
   * loadCluster until it fails: a read may still come from the watch cache within {@link #cachedReadsFor()} of the
   * outage, never later. The answer of the last read is the failure; a success past the bound fails the test.
   */
  private Duration deadlineOf(String call) {
    return call.equals("loadCluster") ? callDeadline().plus(scaled(cachedReadsFor())) : callDeadline();
  }

  private Future<?> loadUntilItFails(Dcs dcs, long stoppedAt) {
    return dcs.loadCluster().compose(cluster -> {
      long sinceStopMs = (System.nanoTime() - stoppedAt) / 1_000_000;
      if (sinceStopMs > scaled(cachedReadsFor()).toMillis()) {
        return Future.failedFuture(new AssertionError(
            "loadCluster answered " + sinceStopMs + " ms after the store went away (bound " + cachedReadsFor() + ")"));
      }
      Promise<Void> pause = Promise.promise();
      vertx.setTimer(20, id -> pause.complete());
      return pause.future().compose(v -> loadUntilItFails(dcs, stoppedAt));
    });
  }

  @Test
  void theSameClientRecoversAfterTheServerRestarts() throws Exception {
    Dcs a = dcs("a");
    Recorder recorder = watch(a);
    call(() -> a.touchMember(memberData("a", 5432)));
    assertTrue(call(() -> a.writeConfig(Map.of("ttl", 20L), null)));
    load(a);
    stopServer();
    try {
      assertInstanceOf(DcsUnavailableException.class,
          awaitFailure(DcsTestSupport.start(context, a::acquireLeaderKey), callDeadline()));
    } finally {
      startServerAgain();
    }
    Duration recovery = scaled(Duration.ofSeconds(15));
    poll("loadCluster works again", recovery, 200, () -> succeeds(a::loadCluster));
    poll("acquireLeaderKey works again", recovery, 200, () -> succeeds(a::acquireLeaderKey));
    assertEquals("a", load(a).leaderName());
    assertTrue(call(a::renewLeaderKey));
    call(() -> a.touchMember(memberData("a", 5433)));
    assertEquals(memberData("a", 5433), load(a).member("a").orElseThrow().data());

    long before = System.nanoTime();
    Dcs b = dcs("b");
    assertTrue(call(() -> b.writeConfig(Map.of("ttl", 30L), null)));
    poll("a's watch works again (config change seen)", recovery, 20,
        () -> recorder.first(DcsChange.CONFIG_CHANGED, before) != null);
  }

  private boolean succeeds(Supplier<Future<?>> op) {
    try {
      Object result = await(DcsTestSupport.start(context, op::get), callDeadline());
      return !Boolean.FALSE.equals(result);
    } catch (DcsUnavailableException e) {
      return false;
    }
  }

  // ------------------------------------------------------------------------------------------------ layout

  /** The exact keys and texts Patroni writes (docs/dcs-layout.md §1.1, docs/patroni-formats.md), for one typical cluster. */
  @Test
  void keysAndValuesAreLaidOutExactlyAsPatroniDoes() throws Exception {
    Dcs a = dcs("pg1");
    assertTrue(call(() -> a.initialize("7710484112634925804", true)));
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("ttl", 30L);
    config.put("loop_wait", 10L);
    config.put("retry_timeout", 10L);
    config.put("postgresql", Map.of("use_pg_rewind", true));
    assertTrue(call(() -> a.writeConfig(config, null)));
    call(() -> a.touchMember(memberData("pg1", 5432)));
    assertTrue(call(a::acquireLeaderKey));
    Map<String, Long> slots = new LinkedHashMap<>();
    slots.put("pg2", 67373000L);
    call(() -> a.writeStatus(new Status(67373552, slots, List.of("pg2"))));
    call(() -> a.writeHistory(new TimelineHistory(0, List.of(
        new TimelineHistory.Line(1, 67299200, "no recovery target specified",
            "2026-11-21T04:56:50.313697+00:00", "pg1"),
        new TimelineHistory.Line(2, 67319168, "no recovery target specified", null, null)))));
    assertTrue(call(() -> a.writeSyncState(new SyncState(0, "pg1", List.of("pg3", "pg2"), null), null)));
    assertTrue(call(() -> a.writeFailover(new Failover(0, "pg1", "pg2",
        java.time.OffsetDateTime.parse("2026-11-21T05:00:00+00:00")), null)));
    Map<String, String> failsafe = new LinkedHashMap<>();
    failsafe.put("pg1", "http://127.0.0.1:8008/patroni");
    failsafe.put("pg2", "http://127.0.0.1:8009/patroni");
    call(() -> a.writeFailsafe(new Failsafe(failsafe)));

    Function<String, String> key = rel -> "/service/" + keys.scope() + "/" + rel;
    Map<String, String> expected = new TreeMap<>();
    expected.put(key.apply("initialize"), "7710484112634925804");
    expected.put(key.apply("config"),
        "{\"ttl\":30,\"loop_wait\":10,\"retry_timeout\":10,\"postgresql\":{\"use_pg_rewind\":true}}");
    expected.put(key.apply("members/pg1"),
        "{\"conn_url\":\"postgres://127.0.0.1:5432/postgres\",\"api_url\":\"http://127.0.0.1:8008/patroni\","
            + "\"state\":\"running\",\"role\":\"replica\",\"version\":\"4.0.4\",\"xlog_location\":67373552,"
            + "\"timeline\":4}");
    expected.put(key.apply("leader"), "pg1");
    expected.put(key.apply("status"), "{\"optime\":67373552,\"slots\":{\"pg2\":67373000},\"retain_slots\":[\"pg2\"]}");
    expected.put(key.apply("history"), "[[1,67299200,\"no recovery target specified\","
        + "\"2026-11-21T04:56:50.313697+00:00\",\"pg1\"],[2,67319168,\"no recovery target specified\"]]");
    expected.put(key.apply("sync"), "{\"leader\":\"pg1\",\"quorum\":0,\"sync_standby\":\"pg2,pg3\"}");
    expected.put(key.apply("failover"),
        "{\"leader\":\"pg1\",\"member\":\"pg2\",\"scheduled_at\":\"2026-11-21T05:00:00+00:00\"}");
    expected.put(key.apply("failsafe"),
        "{\"pg1\":\"http://127.0.0.1:8008/patroni\",\"pg2\":\"http://127.0.0.1:8009/patroni\"}");
    assertEquals(expected, new TreeMap<>(rawDump()));

    Cluster c = load(a);
    assertEquals("pg1", c.leaderName());
    assertEquals(3, c.timeline());
    assertEquals(List.of("pg2", "pg3"), c.sync().syncStandbys());
  }
}
