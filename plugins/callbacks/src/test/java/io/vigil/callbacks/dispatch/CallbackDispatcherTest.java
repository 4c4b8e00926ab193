package io.vigil.callbacks.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vigil.bus.Addresses;
import io.vigil.callbacks.CallbackContext;
import io.vigil.callbacks.ScriptAction;
import io.vigil.callbacks.VigilCallback;
import io.vigil.config.Settings;
import io.vigil.config.SettingsLoader;
import io.vigil.config.SettingsLoaderTest;
import io.vigil.events.EventEmitter;
import io.vigil.events.EventType;
import io.vigil.events.VigilEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dispatcher on a real event bus: scripts' events, plugins fed from vigil.events, the combined veto. */
class CallbackDispatcherTest {
  @TempDir Path dir;
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private Settings settings() throws Exception {
    Path script = dir.resolve("cb.sh");
    Files.writeString(script, "#!/bin/sh\nexit 0\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path file = dir.resolve("node.yml");
    Files.writeString(file, SettingsLoaderTest.baseYaml() + """
          callbacks:
            on_role_change: %s
        callbacks:
          timeout_ms: 500
          plugins:
            recorder:
              answer: "no"
        """.formatted(script));
    return SettingsLoader.load(file, Map.of(), dir).settings();
  }

  /** Records events; vetoes when its settings say so. */
  private static final class Recorder implements VigilCallback {
    final List<VigilEvent> events = new CopyOnWriteArrayList<>();

    @Override
    public String name() {
      return "recorder";
    }

    @Override
    public Future<Void> onEvent(VigilEvent event, CallbackContext context) {
      events.add(event);
      return Future.succeededFuture();
    }

    @Override
    public Future<Boolean> allowPromotion(CallbackContext context) {
      return Future.succeededFuture(!"no".equals(context.settings().get("answer")));
    }
  }

  private static <T> T await(java.util.function.Supplier<T> probe) {
    return io.vigil.testing.Timing.await("the dispatcher", java.time.Duration.ofSeconds(10),
        java.time.Duration.ofMillis(20), probe::get, () -> "nothing");
  }

  @Test
  void scriptsArePublishedAndPluginsGetEveryEventAndTheirSettings() throws Exception {
    Settings settings = settings();
    EventEmitter emitter = new EventEmitter(vertx, settings.scope(), settings.name());
    Recorder recorder = new Recorder();
    CallbackDispatcher dispatcher = new CallbackDispatcher(settings, emitter,
        List.of(new PluginLoader.Loaded(recorder, "test")), false, System.getenv());
    vertx.deployVerticle(dispatcher).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    List<VigilEvent> onBus = new CopyOnWriteArrayList<>();
    vertx.eventBus().<VigilEvent>localConsumer(Addresses.EVENTS, m -> onBus.add(m.body()));

    dispatcher.script(ScriptAction.ON_ROLE_CHANGE, "primary");
    dispatcher.script(ScriptAction.ON_START, "primary");   // not configured: nothing runs
    VigilEvent finished = await(() -> onBus.stream().filter(e -> e.type() == EventType.CALLBACK_FINISHED)
        .findFirst().orElse(null));
    VigilEvent started = onBus.stream().filter(e -> e.type() == EventType.CALLBACK_STARTED).findFirst().orElseThrow();
    assertTrue(started.seq() < finished.seq());
    assertEquals("postgresql.callbacks.on_role_change", finished.data().get("callback"));
    assertEquals("on_role_change", finished.data().get("action"));
    assertEquals("primary", finished.data().get("role"));
    assertEquals(0, finished.data().get("exit_code"));
    assertEquals(false, finished.data().get("killed"));
    assertTrue(finished.data().get("command").toString().endsWith("cb.sh on_role_change primary demo"));
    assertEquals(2, onBus.size(), "on_start has no script: " + onBus);

    // the plugin receives the same events, its own settings, and vetoes as they say
    await(() -> recorder.events.size() == 2 ? Boolean.TRUE : null);
    assertEquals(List.of(EventType.CALLBACK_STARTED, EventType.CALLBACK_FINISHED),
        recorder.events.stream().map(VigilEvent::type).toList());
    assertFalse(dispatcher.allowPromotion().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS));
  }

  @Test
  void withoutPluginsPromotionIsAllowed() throws Exception {
    Settings settings = settings();
    CallbackDispatcher dispatcher = new CallbackDispatcher(settings,
        new EventEmitter(vertx, settings.scope(), settings.name()), List.of(), false, System.getenv());
    assertTrue(dispatcher.allowPromotion().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS));
  }
}
