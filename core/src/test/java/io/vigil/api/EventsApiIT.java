package io.vigil.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vigil.bus.Addresses;
import io.vigil.config.RestApiSettings;
import io.vigil.events.EventEmitter;
import io.vigil.events.EventType;
import io.vigil.taps.DropReason;
import io.vigil.taps.EventJournal;
import io.vigil.taps.TapStats;
import io.vigil.testing.SseTap;
import io.vigil.testing.Timing;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /events} on a real REST API verticle on 127.0.0.1, fed by a real {@link EventEmitter}: ordering,
 * filters, resume, heartbeats, access checks, a stalled client among healthy ones, and 100 taps at once.
 */
class EventsApiIT {
  static final Duration WAIT = Duration.ofSeconds(20);
  static final Duration POLL = Duration.ofMillis(10);

  Vertx vertx;
  Vertx clients;
  EventJournal journal;
  RestApiVerticle verticle;
  EventEmitter emitter;
  int port;
  final List<SseTap> taps = new ArrayList<>();

  void start(int ring, int tapQueue, UnaryOperator<RestApiSettings> tweak) {
    vertx = Vertx.vertx();
    clients = Vertx.vertx();
    journal = new EventJournal(ring, tapQueue);
    journal.attach(vertx).await();
    verticle = new RestApiVerticle(tweak.apply(ApiServer.settings(ApiServer.freePort(), null, List.of(), false)),
        null, "anchor", "pg3", new FixedClusterDcs(Fixtures.cluster(false, false)), new Fixtures.TestClock())
        .withEventJournal(journal).withEventTimings(200, 1500);
    vertx.deployVerticle(verticle).await();
    port = verticle.actualPort();
    vertx.eventBus().publish(Addresses.HA_CYCLE, Fixtures.leader());
    emitter = new EventEmitter(vertx, "anchor", "pg3");
  }

  void start() {
    start(1000, 1000, s -> s);
  }

  @AfterEach
  void tearDown() {
    taps.forEach(SseTap::close);
    if (clients != null) {
      clients.close().await();
    }
    if (vertx != null) {
      vertx.close().await();
    }
  }

  SseTap tap(String path, Long lastEventId) throws Exception {
    return tap(path, lastEventId, Map.of());
  }

  SseTap tap(String path, Long lastEventId, Map<String, String> headers) throws Exception {
    SseTap tap = new SseTap(clients, port, path, lastEventId, headers);
    taps.add(tap);
    assertEquals(200, tap.status().await(), "status of GET " + path);
    return tap;
  }

  void emit(int n, EventType type) {
    for (int i = 0; i < n; i++) {
      emitter.emit(type, Map.of("i", i));
    }
  }

  /** Waits until the journal has {@code n} taps connected (the server side of a connection is asynchronous). */
  void awaitTaps(int n) {
    Timing.until(n + " sse taps connected", WAIT, POLL, () -> journal.stats().connectedCount(TapStats.SSE) == n);
  }

  static List<Long> ids(SseTap tap) {
    return tap.events().stream().map(SseTap.Received::id).toList();
  }

  static List<Long> range(long from, long to) {
    List<Long> out = new ArrayList<>();
    for (long i = from; i <= to; i++) {
      out.add(i);
    }
    return out;
  }

  @Test
  void eventsArriveInOrderWithIdTypeAndTheEventJsonAndHeartbeatsKeepTheStreamAlive() throws Exception {
    start();
    SseTap tap = tap("/events", null);
    awaitTaps(1);
    emitter.emit(EventType.ROLE_CHANGED, Map.of("old", "replica", "new", "primary", "timeline", 2, "reason", "t"));
    emit(3, EventType.HA_CYCLE);
    Timing.until("4 events", WAIT, POLL, () -> tap.events().size() == 4);
    assertEquals(range(1, 4), ids(tap));
    SseTap.Received first = tap.events().get(0);
    assertEquals("role_changed", first.event());
    JsonObject json = first.json();
    assertEquals(1, json.getInteger("schema"));
    assertEquals(1L, json.getLong("seq"));
    assertEquals("anchor", json.getString("scope"));
    assertEquals("pg3", json.getString("member"));
    assertEquals("primary", json.getJsonObject("data").getString("new"));
    Timing.until("heartbeats", WAIT, POLL, () -> tap.heartbeats() >= 2);
  }

  @Test
  void anUnknownTypeInTheFilterIs400WithAJsonReasonNamingIt() throws Exception {
    start();
    HttpResponse<String> r = new ApiServerClient(port).get("/events?types=role_changed,rol_changed", Map.of());
    assertEquals(400, r.statusCode());
    assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
    JsonObject body = new JsonObject(r.body());
    assertEquals("rol_changed", body.getString("type"));
    assertTrue(body.getString("error").contains("rol_changed"), body.encode());
    assertTrue(body.getJsonArray("known").contains("role_changed"));
    assertEquals(400, new ApiServerClient(port).get("/events", Map.of("Last-Event-ID", "abc")).statusCode());
  }

  @Test
  void theTypesFilterKeepsOnlyTheNamedTypes() throws Exception {
    start();
    SseTap roles = tap("/events?types=role_changed,leader_changed", null);
    awaitTaps(1);
    emit(2, EventType.HA_CYCLE);
    emitter.emit(EventType.ROLE_CHANGED, Map.of());
    emit(2, EventType.HA_CYCLE);
    emitter.emit(EventType.LEADER_CHANGED, Map.of());
    Timing.until("2 events", WAIT, POLL, () -> roles.events().size() == 2);
    assertEquals(List.of(3L, 6L), ids(roles));
    assertEquals(List.of("role_changed", "leader_changed"), roles.events().stream().map(SseTap.Received::event).toList());
  }

  @Test
  void lastEventIdResumesFromTheRingAndAnIdOlderThanTheRingStartsWithAGapEvent() throws Exception {
    start(10, 1000, s -> s);
    emit(5, EventType.HA_CYCLE);
    Timing.until("ring filled", WAIT, POLL, () -> journal.ring().size() == 5);
    SseTap resumed = tap("/events", 3L);
    awaitTaps(1);
    emit(1, EventType.HA_CYCLE);
    Timing.until("4, 5 and 6", WAIT, POLL, () -> ids(resumed).equals(range(4, 6)));
    assertEquals(ids(resumed), resumed.received().stream().map(SseTap.Received::id).toList(), "no gap notice");

    emit(20, EventType.HA_CYCLE);
    Timing.until("ring rolled", WAIT, POLL, () -> journal.ring().get(0).seq() == 17);
    SseTap late = tap("/events", 6L);
    Timing.until("the ring's 10 events", WAIT, POLL, () -> ids(late).equals(range(17, 26)));
    SseTap.Received gap = late.received().get(0);
    assertEquals("gap", gap.event());
    assertEquals(-1, gap.id());
    assertEquals(new JsonObject().put("reason", "ring_overflow").put("last_event_id", 6).put("first_missing", 7)
        .put("first_available", 17), gap.json());

    SseTap once = new SseTap(clients, port, "/events?follow=false", 24L, Map.of());
    taps.add(once);
    once.ended().await();
    assertEquals(range(25, 26), ids(once));
  }

  @Test
  void eventsHaveTheSameAccessChecksAsTheWriteEndpoints() throws Exception {
    start(1000, 1000, s -> new RestApiSettings(s.listen(), s.connectAddress(), ApiServer.auth(), null, null, null,
        null, null, null, List.of(), false, Map.of(), Map.of(), "Minimal", 5));
    assertEquals(401, new ApiServerClient(port).get("/events", Map.of()).statusCode());
    String basic = "Basic " + java.util.Base64.getEncoder().encodeToString("admin:s3cret".getBytes(StandardCharsets.UTF_8));
    SseTap ok = tap("/events", null, Map.of("Authorization", basic));
    awaitTaps(1);
    emit(1, EventType.HA_CYCLE);
    Timing.until("event", WAIT, POLL, () -> ok.events().size() == 1);
    tearDown();
    start(1000, 1000, s -> new RestApiSettings(s.listen(), s.connectAddress(), null, null, null, null, null, null,
        null, List.of("10.1.2.0/24"), false, Map.of(), Map.of(), "Minimal", 5));
    assertEquals(403, new ApiServerClient(port).get("/events", Map.of()).statusCode());
  }

  @Test
  void aStalledClientIsDroppedAndCountedWhileOthersKeepReceivingEverything() throws Exception {
    start(1000, 200, s -> s);
    SseTap healthy = tap("/events", null);
    try (Socket stalled = new Socket()) {
      stalled.setReceiveBufferSize(4096);
      stalled.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      OutputStream out = stalled.getOutputStream();
      out.write("GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      awaitTaps(2);
      // never read from it; 2000 events of 8 KiB overflow any socket buffer, then its 200-event queue. They come
      // in bursts of 100 that the healthy tap reads before the next: a burst above its queue would drop it too
      String padding = "x".repeat(8192);
      for (int burst = 1; burst <= 20; burst++) {
        for (int i = 0; i < 100; i++) {
          emitter.emit(EventType.ACTION_PROGRESS, Map.of("action", "clone", "phase", padding, "percent", -1));
        }
        int expected = burst * 100;
        Timing.until("the healthy tap read burst " + burst, WAIT, POLL, () -> healthy.events().size() == expected);
      }
      Timing.until("the stalled tap dropped", WAIT, POLL, () -> journal.stats().connectedCount(TapStats.SSE) == 1);
      long drops = journal.stats().drops(TapStats.SSE, DropReason.QUEUE_FULL)
          + journal.stats().drops(TapStats.SSE, DropReason.STALLED);
      assertEquals(1, drops);
      assertEquals(range(1, 2000), ids(healthy));
      assertTrue(!healthy.ended().isComplete(), "the healthy tap is still connected");
      // the stalled client's connection was closed by the agent: reading to the end finishes
      stalled.setSoTimeout((int) Timing.scaledMillis(20_000));
      InputStream in = stalled.getInputStream();
      byte[] buf = new byte[65536];
      while (in.read(buf) >= 0) {
        // drain what the kernel already had
      }
    }
    String metrics = new ApiServerClient(port).get("/metrics", Map.of()).body();
    assertTrue(metrics.contains("vigil_event_taps{scope=\"anchor\",name=\"pg3\",kind=\"sse\"} 1"), metrics);
    assertTrue(metrics.contains("vigil_event_tap_drops_total{scope=\"anchor\",name=\"pg3\",kind=\"sse\",reason=\"queue_full\"} 1")
        || metrics.contains("vigil_event_tap_drops_total{scope=\"anchor\",name=\"pg3\",kind=\"sse\",reason=\"stalled\"} 1"),
        metrics);
  }

  @Test
  void aHundredTapsAllReceiveEveryEventAndTheEmitterNeverWaits() throws Exception {
    start();
    List<SseTap> hundred = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      hundred.add(tap(i % 2 == 0 ? "/events" : "/events?types=ha_cycle,role_changed", null));
    }
    awaitTaps(100);
    long slowest = 0;
    long start = System.nanoTime();
    for (int i = 0; i < 500; i++) {
      long t = System.nanoTime();
      emitter.emit(i % 50 == 0 ? EventType.ROLE_CHANGED : EventType.HA_CYCLE, Map.of("i", i));
      slowest = Math.max(slowest, System.nanoTime() - t);
    }
    long totalMillis = (System.nanoTime() - start) / 1_000_000;
    for (SseTap t : hundred) {
      Timing.until("500 events at every tap", WAIT, POLL, () -> t.events().size() == 500);
      assertEquals(range(1, 500), ids(t));
    }
    assertTrue(slowest / 1_000_000 < 100 * Timing.multiplier(), "slowest emit took " + slowest / 1000 + " us");
    assertTrue(totalMillis < 2000 * Timing.multiplier(), "500 emits took " + totalMillis + " ms");
    assertEquals(0, journal.stats().drops(TapStats.SSE, DropReason.QUEUE_FULL));
    String metrics = new ApiServerClient(port).get("/metrics", Map.of()).body();
    assertTrue(metrics.contains("vigil_event_taps{scope=\"anchor\",name=\"pg3\",kind=\"sse\"} 100"), metrics);
  }

  /** Plain requests to the verticle under test. */
  record ApiServerClient(int port) {
    HttpResponse<String> get(String path, Map<String, String> headers) throws Exception {
      java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
          .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
      java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(
          java.net.URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).GET();
      headers.forEach(b::header);
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
  }
}
