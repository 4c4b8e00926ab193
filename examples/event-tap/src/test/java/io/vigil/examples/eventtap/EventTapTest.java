package io.vigil.examples.eventtap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.bridge.BridgeOptions;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.eventbus.bridge.tcp.TcpEventBusBridge;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The example against Vert.x's own TCP event-bus bridge server (the protocol Vigil's bridge speaks), fed with
 * events in Vigil's JSON schema: it prints the role changes and failovers, and nothing else.
 */
class EventTapTest {
  static JsonObject event(long seq, String member, String type, JsonObject data) {
    return new JsonObject().put("schema", 1).put("seq", seq).put("time", "2026-12-04T10:00:0" + seq + ".000Z")
        .put("scope", "demo").put("member", member).put("type", type).put("data", data);
  }

  @Test
  void linesForRoleChangesAndFailoversOnly() {
    assertEquals(Optional.of("2026-12-04T10:00:01.000Z demo/node2 role replica -> primary (timeline 3): promoted"),
        EventLines.line(event(1, "node2", "role_changed", new JsonObject().put("old", "replica")
            .put("new", "primary").put("timeline", 3).put("reason", "promoted"))));
    assertEquals(Optional.of("2026-12-04T10:00:02.000Z demo/node2 FAILOVER done: node2 is the new primary "
        + "(timeline 3), replacing node1"), EventLines.line(event(2, "node2", "failover_finished",
        new JsonObject().put("leader", "node1").put("candidate", "node2").put("timeline", 3))));
    assertEquals(Optional.empty(), EventLines.line(event(3, "node2", "ha_cycle", new JsonObject())));
  }

  @Test
  void printsWhatTheBridgeDelivers() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      TcpEventBusBridge bridge = TcpEventBusBridge.create(vertx,
          new BridgeOptions().addOutboundPermitted(new PermittedOptions().setAddress(EventTap.ADDRESS)));
      int port = freePort();
      bridge.listen(port, "127.0.0.1").await();
      List<String> lines = new ArrayList<>();
      EventTap tap = new EventTap(vertx, null, line -> {
        synchronized (lines) {
          lines.add(line);
        }
      });
      tap.watch("127.0.0.1", port);
      long deadline = System.currentTimeMillis() + 20_000;
      // publish until the tap has registered and printed the failover (registration is asynchronous)
      while (System.currentTimeMillis() < deadline) {
        vertx.eventBus().publish(EventTap.ADDRESS, event(1, "node0", "ha_cycle", new JsonObject()));
        vertx.eventBus().publish(EventTap.ADDRESS, event(2, "node1", "failover_started",
            new JsonObject().put("leader", "node0").put("candidate", "node1")));
        Thread.sleep(50);
        synchronized (lines) {
          if (lines.stream().anyMatch(l -> l.contains("FAILOVER started"))) {
            break;
          }
        }
      }
      tap.stop();
      synchronized (lines) {
        assertTrue(lines.get(0).startsWith("# connected to 127.0.0.1:"), lines.toString());
        assertTrue(lines.contains("2026-12-04T10:00:02.000Z demo/node1 FAILOVER started: node1 races for the leader "
            + "key (last leader node0)"), lines.toString());
        assertTrue(lines.stream().noneMatch(l -> l.contains("ha_cycle")), lines.toString());
      }
    } finally {
      vertx.close().await();
    }
  }

  /** The stock bridge does not say which port 0 became: ask the OS for a free one instead. */
  private static int freePort() throws java.io.IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
