package io.vigil.taps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vigil.config.EventBridgeSettings;
import io.vigil.config.HostPort;
import io.vigil.events.EventEmitter;
import io.vigil.events.EventType;
import io.vigil.testing.BridgeTap;
import io.vigil.testing.Timing;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The TCP event bridge on 127.0.0.1 fed by a real {@link EventEmitter}: outbound events on the allowed addresses,
 * inbound sends refused, malformed frames closing only their own connection, a stalled client dropped.
 */
class EventBridgeIT {
  static final Duration WAIT = Duration.ofSeconds(20);
  static final Duration POLL = Duration.ofMillis(10);
  static final String ALL = EventBridgeSettings.ALL_EVENTS_ADDRESS;
  static final String ROLES = ALL + ".role_changed";

  Vertx vertx;
  Vertx clients;
  EventJournal journal;
  EventEmitter emitter;
  int port;
  final List<BridgeTap> taps = new ArrayList<>();

  void start(boolean keepOnInbound, int tapQueue) {
    vertx = Vertx.vertx();
    clients = Vertx.vertx();
    journal = new EventJournal(1000, tapQueue);
    journal.attach(vertx).await();
    EventBridgeVerticle bridge = new EventBridgeVerticle(new EventBridgeSettings(new HostPort("127.0.0.1", freePort()), null,
        null, null, "none", List.of(ALL, ROLES), keepOnInbound), journal, 1500);
    vertx.deployVerticle(bridge).await();
    port = bridge.actualPort();
    emitter = new EventEmitter(vertx, "demo", "node1");
  }

  @AfterEach
  void tearDown() {
    taps.forEach(BridgeTap::close);
    if (clients != null) {
      clients.close().await();
    }
    if (vertx != null) {
      vertx.close().await();
    }
  }

  static int freePort() {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  BridgeTap connect(String... addresses) {
    BridgeTap tap = BridgeTap.connect(clients, port, addresses).await();
    taps.add(tap);
    return tap;
  }

  void awaitTaps(int n) {
    Timing.until(n + " bridge taps", WAIT, POLL, () -> journal.stats().connectedCount(TapStats.BRIDGE) == n);
  }

  @Test
  void clientsReceiveEveryEventOnTheAllAddressAndOnlyTheirTypeOnATypedAddress() {
    start(false, 1000);
    BridgeTap all = connect(ALL);
    BridgeTap roles = connect(ROLES);
    awaitTaps(2);
    emitter.emit(EventType.HA_CYCLE, Map.of("message", "no action. I am (node1), the leader with the lock"));
    emitter.emit(EventType.ROLE_CHANGED, Map.of("old", "replica", "new", "primary", "timeline", 3, "reason", "x"));
    emitter.emit(EventType.HA_CYCLE, Map.of());
    Timing.until("3 events", WAIT, POLL, () -> all.events().size() == 3);
    assertEquals(List.of(1L, 2L, 3L), all.events().stream().map(e -> e.getLong("seq")).toList());
    assertEquals(ALL, all.messages().get(0).json().getString("address"));
    Timing.until("the role change", WAIT, POLL, () -> roles.events().size() == 1);
    JsonObject role = roles.events().get(0);
    assertEquals("role_changed", role.getString("type"));
    assertEquals("primary", role.getJsonObject("data").getString("new"));
    assertEquals(ROLES, roles.messages().get(0).json().getString("address"));
  }

  @Test
  void pingIsAnsweredAndRegisteringToAnAddressThatIsNotAllowedIsRefusedButKeepsTheConnection() {
    start(false, 1000);
    BridgeTap tap = connect();
    tap.send(new JsonObject().put("type", "register").put("address", "vigil.ha.wake"));
    tap.send(new JsonObject().put("type", "ping"));
    Timing.until("err and pong", WAIT, POLL, () -> tap.frames().size() == 2);
    assertEquals(new JsonObject().put("type", "err").put("message", "access_denied"), tap.frames().get(0).json());
    assertEquals("pong", tap.frames().get(1).json().getString("type"));
    assertTrue(!tap.closed().isComplete());
  }

  @Test
  void anInboundSendIsRefusedLoggedCountedAndTheConnectionClosed() {
    start(false, 1000);
    List<Object> delivered = new ArrayList<>();
    vertx.eventBus().consumer("vigil.ha.wake", m -> delivered.add(m.body()));
    BridgeTap tap = connect(ALL);
    awaitTaps(1);
    tap.send(new JsonObject().put("type", "send").put("address", "vigil.ha.wake").put("body", "from outside"));
    tap.closed().await();
    assertEquals("err", tap.frames().get(0).json().getString("type"));
    assertEquals(1, journal.stats().inboundRefusedCount());
    awaitTaps(0);
    assertEquals(List.of(), delivered, "nothing reached the event bus");
  }

  @Test
  void withKeepConnectionOnInboundTheSenderIsRefusedButStays() {
    start(true, 1000);
    BridgeTap tap = connect(ALL);
    awaitTaps(1);
    tap.send(new JsonObject().put("type", "publish").put("address", ALL).put("body", new JsonObject()));
    // the refusal travels over TCP, the event does not: emit only once the server has answered the publish
    Timing.until("the refusal", WAIT, POLL, () -> journal.stats().inboundRefusedCount() == 1);
    emitter.emit(EventType.PAUSED, Map.of());
    Timing.until("the err frame and then the event", WAIT, POLL, () -> tap.frames().size() == 2);
    assertEquals("err", tap.frames().get(0).json().getString("type"));
    assertEquals("paused", tap.events().get(0).getString("type"));
    assertTrue(!tap.closed().isComplete());
    assertEquals(1, journal.stats().inboundRefusedCount());
  }

  @Test
  void malformedFramesCloseOnlyTheirConnection() {
    start(false, 1000);
    BridgeTap healthy = connect(ALL);
    BridgeTap badJson = connect(ALL);
    BridgeTap hugeLength = connect(ALL);
    BridgeTap unknownType = connect(ALL);
    awaitTaps(4);
    byte[] junk = "{not json".getBytes(StandardCharsets.UTF_8);
    badJson.sendRaw(Buffer.buffer().appendInt(junk.length).appendBytes(junk));
    hugeLength.sendRaw(Buffer.buffer().appendInt(Integer.MAX_VALUE).appendBytes(new byte[16]));
    unknownType.send(new JsonObject().put("type", "launch").put("address", ALL));
    badJson.closed().await();
    hugeLength.closed().await();
    unknownType.closed().await();
    awaitTaps(1);
    emitter.emit(EventType.RESUMED, Map.of());
    Timing.until("the healthy client still receives", WAIT, POLL, () -> healthy.events().size() == 1);
    BridgeTap later = connect(ALL);
    awaitTaps(2);
    emitter.emit(EventType.PAUSED, Map.of());
    Timing.until("a new client receives", WAIT, POLL, () -> later.events().size() == 1);
  }

  @Test
  void aClientThatStopsReadingIsDroppedAndOthersKeepReceiving() throws Exception {
    start(false, 200);
    BridgeTap healthy = connect(ALL);
    try (Socket stalled = new Socket()) {
      stalled.setReceiveBufferSize(4096);
      stalled.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      OutputStream out = stalled.getOutputStream();
      out.write(BridgeTap.frame(new JsonObject().put("type", "register").put("address", ALL)).getBytes());
      out.flush();
      awaitTaps(2);
      String padding = "x".repeat(8192);
      for (int burst = 1; burst <= 20; burst++) {
        for (int i = 0; i < 100; i++) {
          emitter.emit(EventType.ACTION_PROGRESS, Map.of("action", "clone", "phase", padding, "percent", -1));
        }
        int expected = burst * 100;
        Timing.until("the healthy tap read burst " + burst, WAIT, POLL, () -> healthy.events().size() == expected);
      }
      awaitTaps(1);
      assertEquals(1, journal.stats().drops(TapStats.BRIDGE, DropReason.QUEUE_FULL)
          + journal.stats().drops(TapStats.BRIDGE, DropReason.STALLED));
      assertTrue(!healthy.closed().isComplete());
    }
  }
}
