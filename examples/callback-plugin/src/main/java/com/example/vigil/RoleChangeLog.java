package com.example.vigil;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vigil.callbacks.CallbackContext;
import io.vigil.callbacks.VigilCallback;
import io.vigil.events.VigilEvent;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Appends every role change of this node to a file, one JSON line per event, and POSTs the same JSON to a webhook.
 *
 * <p>Settings, under {@code callbacks.plugins.role-change-log} in the agent's YAML:
 * <ul>
 *   <li>{@code file}: the file to append to (required)</li>
 *   <li>{@code webhook}: a URL to POST each event to (optional)</li>
 *   <li>{@code types}: the event types to act on, default {@code [role_changed]}</li>
 * </ul>
 *
 * <p>It runs on a thread of its own, so plain blocking I/O is fine; it must finish before the context's deadline.
 */
public final class RoleChangeLog implements VigilCallback {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Override
  public String name() {
    return "role-change-log";
  }

  @Override
  public Future<Void> onEvent(VigilEvent event, CallbackContext context) {
    Map<String, Object> settings = context.settings();
    Object types = settings.getOrDefault("types", List.of("role_changed"));
    if (!(types instanceof List<?> list) || !list.contains(event.type().wireName())) {
      return Future.succeededFuture();
    }
    Object file = settings.get("file");
    if (file == null) {
      return Future.failedFuture("callbacks.plugins.role-change-log.file is not set");
    }
    String line = new JsonObject(event.toJson()).encode();
    try {
      Files.writeString(Path.of(file.toString()), line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
      Object webhook = settings.get("webhook");
      if (webhook != null) {
        post(URI.create(webhook.toString()), line, context.deadline());
      }
      return Future.succeededFuture();
    } catch (IOException e) {
      return Future.failedFuture(e);
    } catch (InterruptedException e) {
      // the agent interrupts a call that overran its deadline
      Thread.currentThread().interrupt();
      return Future.failedFuture(e);
    }
  }

  private void post(URI uri, String body, Instant deadline) throws IOException, InterruptedException {
    Duration left = Duration.between(Instant.now(), deadline);
    HttpRequest request = HttpRequest.newBuilder(uri)
        .timeout(left.isNegative() || left.isZero() ? Duration.ofMillis(1) : left)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
    HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
    if (response.statusCode() >= 300) {
      throw new IOException("webhook " + uri + " answered " + response.statusCode());
    }
  }
}
