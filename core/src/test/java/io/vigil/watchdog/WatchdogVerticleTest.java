package io.vigil.watchdog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vigil.bus.Addresses;
import io.vigil.bus.NodeStatus;
import io.vigil.bus.RecordCodec;
import io.vigil.config.Tags;
import io.vigil.events.EventEmitter;
import io.vigil.events.EventType;
import io.vigil.events.VigilEvent;
import io.vigil.postgres.PostgresRole;
import io.vigil.postgres.PostgresState;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The feeder on a real event bus with the recording device: fed once per HA cycle that confirmed the leader key,
 * never otherwise, disarmed when the node runs no primary any more, and every change published as an event.
 */
class WatchdogVerticleTest {
  private Vertx vertx;
  private final RecordingWatchdogDevice device = new RecordingWatchdogDevice();
  private Watchdog watchdog;
  private final List<VigilEvent> events = new CopyOnWriteArrayList<>();

  @BeforeEach
  void deploy() throws Exception {
    vertx = Vertx.vertx();
    RecordCodec.register(vertx, NodeStatus.class);
    watchdog = new Watchdog(new WatchdogConfig(WatchdogMode.REQUIRED, "/dev/watchdog", 5, "default", 30, 10),
        c -> device);
    EventEmitter emitter = new EventEmitter(vertx, "demo", "node1");
    vertx.eventBus().<VigilEvent>localConsumer(Addresses.EVENTS, m -> events.add(m.body()));
    vertx.deployVerticle(new WatchdogVerticle(watchdog, emitter)).toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static PostgresState pg(boolean running, boolean primary) {
    return new PostgresState(running ? "running" : "stopped", primary ? PostgresRole.PRIMARY : PostgresRole.REPLICA,
        false, running, !primary, "1", 1, 0L, null, null, null, null, false, null, List.of(), null, 150000, null,
        false, null, 0);
  }

  private static NodeStatus cycle(boolean leaseConfirmed, PostgresState pg) {
    return new NodeStatus("demo", "node1", pg.isPrimary() ? "primary" : "replica", "a cycle", pg, null, Tags.none(),
        false, !leaseConfirmed, false, 0, 0, 30, null, null, false, leaseConfirmed);
  }

  private void publish(NodeStatus s) {
    vertx.eventBus().publish(Addresses.HA_CYCLE, s);
  }

  private static void await(String what, BooleanSupplier done) {
    io.vigil.testing.Timing.until(what, Duration.ofSeconds(10), Duration.ofMillis(10),
        done::getAsBoolean);
  }

  @Test
  void feedsOncePerCycleThatConfirmedTheLeaderKeyAndNeverOtherwise() throws Exception {
    assertTrue(watchdog.activate());
    // a cycle that could not renew (DCS trouble) with the primary still running: not fed, not disarmed
    publish(cycle(true, pg(true, true)));
    publish(cycle(false, pg(true, true)));
    publish(cycle(false, pg(true, true)));
    publish(cycle(true, pg(true, true)));
    await("two keepalives", () -> device.keepalives() == 2);
    // a stalled loop publishes nothing: nothing feeds the device (no timer in the verticle)
    Thread.sleep(500);
    assertEquals(List.of("open", "timeout=25", "keepalive", "keepalive"), device.calls());
    assertTrue(watchdog.isRunning());
  }

  @Test
  void disarmsWithTheMagicCloseOnceTheNodeRunsNoPrimary() throws Exception {
    watchdog.activate();
    publish(cycle(true, pg(true, true)));
    publish(cycle(false, pg(false, false))); // demoted: PostgreSQL stopped, key released
    await("magic close", () -> device.calls().contains("magic-close"));
    assertEquals(List.of("open", "timeout=25", "keepalive", "magic-close"), device.calls());
    publish(cycle(false, pg(true, false))); // the replica's cycles leave the closed device alone
    publish(cycle(true, pg(true, true)));   // leading again without activation: nothing to feed
    Thread.sleep(200);
    assertEquals(List.of("open", "timeout=25", "keepalive", "magic-close"), device.calls());
  }

  @Test
  void publishesEveryChangeAsAWatchdogChangedEvent() throws Exception {
    watchdog.activate();
    watchdog.disable();
    device.openFails = true;
    watchdog.activate();
    await("three events", () -> events.size() == 3);
    assertEquals(List.of(EventType.WATCHDOG_CHANGED, EventType.WATCHDOG_CHANGED, EventType.WATCHDOG_CHANGED),
        events.stream().map(VigilEvent::type).toList());
    assertEquals("active", events.get(0).data().get("state"));
    assertEquals(25, events.get(0).data().get("timeout"));
    assertEquals("disabled", events.get(1).data().get("state"));
    assertEquals("failed", events.get(2).data().get("state"));
  }
}
