package io.vigil.testing;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A test client of {@code GET /events}: records every Server-Sent Event it receives (and when), parses each
 * block as the SSE spec says ({@code id:}, {@code event:}, {@code data:}, comment lines ignored).
 */
public final class SseTap implements AutoCloseable {
  /** One received event: {@code id} is -1 when the block had none (the gap notice). */
  public record Received(long id, String event, String data, long receivedNanos) {
    public JsonObject json() {
      return new JsonObject(data);
    }
  }

  private final HttpClient client;
  private final List<Received> received = new ArrayList<>();
  private final Promise<Integer> status = Promise.promise();
  private final Promise<Void> ended = Promise.promise();
  private final StringBuilder pending = new StringBuilder();
  private int heartbeats;

  /**
   * @param path path and query, for example {@code /events?types=role_changed}
   * @param lastEventId sent as {@code Last-Event-ID} when not null
   */
  public SseTap(Vertx vertx, int port, String path, Long lastEventId, Map<String, String> headers) {
    client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false).setConnectTimeout(5000));
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port)
        .setURI(path);
    headers.forEach(options::addHeader);
    if (lastEventId != null) {
      options.addHeader("Last-Event-ID", Long.toString(lastEventId));
    }
    client.request(options).compose(req -> req.send()).onSuccess(resp -> {
      status.tryComplete(resp.statusCode());
      resp.handler(this::data);
      resp.endHandler(v -> ended.tryComplete());
      resp.exceptionHandler(e -> ended.tryComplete());
    }).onFailure(e -> {
      status.tryFail(e);
      ended.tryComplete();
    });
  }

  public SseTap(Vertx vertx, int port, String path) {
    this(vertx, port, path, null, Map.of());
  }

  private void data(Buffer chunk) {
    long now = System.nanoTime();
    synchronized (this) {
      pending.append(chunk.toString(StandardCharsets.UTF_8));
      int end;
      while ((end = pending.indexOf("\n\n")) >= 0) {
        String block = pending.substring(0, end);
        pending.delete(0, end + 2);
        parse(block, now);
      }
    }
  }

  private void parse(String block, long now) {
    long id = -1;
    String event = "message";
    StringBuilder data = null;
    boolean any = false;
    for (String line : block.split("\n")) {
      if (line.startsWith(":")) {
        heartbeats++;
        continue;
      }
      int colon = line.indexOf(':');
      String field = colon < 0 ? line : line.substring(0, colon);
      String value = colon < 0 ? "" : line.substring(colon + 1).stripLeading();
      switch (field) {
        case "id" -> id = Long.parseLong(value);
        case "event" -> event = value;
        case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
        default -> { }
      }
      any |= field.equals("data");
    }
    if (any) {
      received.add(new Received(id, event, data.toString(), now));
    }
  }

  /** The answer's status code. */
  public Future<Integer> status() {
    return status.future();
  }

  /** Completes when the server ended the answer or closed the connection. */
  public Future<Void> ended() {
    return ended.future();
  }

  public synchronized List<Received> received() {
    return new ArrayList<>(received);
  }

  /** The received agent events (the gap notice excluded). */
  public synchronized List<Received> events() {
    return received.stream().filter(r -> r.id() >= 0).toList();
  }

  public synchronized int heartbeats() {
    return heartbeats;
  }

  /** The id of the last event received, or null before the first. */
  public synchronized Long lastId() {
    for (int i = received.size() - 1; i >= 0; i--) {
      if (received.get(i).id() >= 0) {
        return received.get(i).id();
      }
    }
    return null;
  }

  @Override
  public void close() {
    client.close();
  }
}
