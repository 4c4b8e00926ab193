package com.example.vigil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vigil.callbacks.CallbackContext;
import io.vigil.callbacks.VigilCallback;
import io.vigil.events.EventType;
import io.vigil.events.VigilEvent;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RoleChangeLogTest {
  @TempDir Path dir;

  private static VigilEvent event(EventType type) {
    return new VigilEvent(5, 1_700_000_000_000L, "demo", "node1", type,
        Map.of("old", "replica", "new", "primary", "timeline", 2, "reason", "failover"));
  }

  private static CallbackContext context(Map<String, Object> settings) {
    return new CallbackContext("demo", "node1", null, settings, Instant.now().plusSeconds(5));
  }

  @Test
  void isFoundByServiceLoader() {
    assertTrue(ServiceLoader.load(VigilCallback.class).stream()
        .anyMatch(p -> p.type() == RoleChangeLog.class));
  }

  @Test
  void appendsRoleChangesAndPostsThemToTheWebhook() throws Exception {
    List<String> posted = new CopyOnWriteArrayList<>();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/hook", exchange -> {
      posted.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      exchange.sendResponseHeaders(204, -1);
      exchange.close();
    });
    server.start();
    try {
      Path file = dir.resolve("roles.log");
      Map<String, Object> settings = Map.of("file", file.toString(),
          "webhook", "http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
      RoleChangeLog plugin = new RoleChangeLog();
      Future<Void> done = plugin.onEvent(event(EventType.ROLE_CHANGED), context(settings));
      assertTrue(done.succeeded(), String.valueOf(done.cause()));
      plugin.onEvent(event(EventType.HA_CYCLE), context(settings));

      List<String> lines = Files.readAllLines(file);
      assertEquals(1, lines.size(), "only role_changed is written by default");
      JsonObject json = new JsonObject(lines.get(0));
      assertEquals("role_changed", json.getString("type"));
      assertEquals("primary", json.getJsonObject("data").getString("new"));
      assertEquals(List.of(lines.get(0)), posted);
    } finally {
      server.stop(0);
    }
  }

  @Test
  void typesSelectWhatIsWritten() throws Exception {
    Path file = dir.resolve("events.log");
    Map<String, Object> settings = Map.of("file", file.toString(), "types", List.of("callback_finished"));
    new RoleChangeLog().onEvent(event(EventType.ROLE_CHANGED), context(settings));
    new RoleChangeLog().onEvent(event(EventType.CALLBACK_FINISHED), context(settings));
    assertEquals(1, Files.readAllLines(file).size());
  }

  @Test
  void withoutAFileItFailsAndTheAgentLogsIt() {
    assertFalse(new RoleChangeLog().onEvent(event(EventType.ROLE_CHANGED), context(Map.of())).succeeded());
  }
}
