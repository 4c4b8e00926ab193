package io.vigil.ctl;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A test peer for vigilctl's REST client: one HTTP listener per member on 127.0.0.1, recording each request and
 * answering with the status and text set for {@code METHOD /path} (Patroni answers plain text for actions).
 */
final class FakePatroniApi implements AutoCloseable {
  record Request(String member, String method, String path, String body, String authorization) {}

  private final Vertx vertx = Vertx.vertx();
  private final Map<String, Integer> ports = new HashMap<>();
  private final Map<String, int[]> statuses = new HashMap<>();
  private final Map<String, String> bodies = new HashMap<>();
  final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
  /** Runs on each request before it is answered: what the agent would do to the cluster meanwhile. */
  volatile java.util.function.Consumer<Request> onRequest = r -> { };

  FakePatroniApi(String... members) throws Exception {
    this(new io.vertx.core.http.HttpServerOptions(), members);
  }

  /** Listeners with these options (TLS tests pass a key store). */
  FakePatroniApi(io.vertx.core.http.HttpServerOptions options, String... members) throws Exception {
    for (String member : members) {
      HttpServer server = vertx.createHttpServer(options).requestHandler(req -> req.body().onSuccess(buf -> {
        String key = member + " " + req.method().name() + " " + req.path();
        Request recorded = new Request(member, req.method().name(), req.path(), buf.toString(),
            req.getHeader("Authorization"));
        requests.add(recorded);
        onRequest.accept(recorded);
        String anyKey = "* " + req.method().name() + " " + req.path();
        int[] status = statuses.getOrDefault(key, statuses.getOrDefault(anyKey, new int[] {404}));
        String text = bodies.getOrDefault(key, bodies.getOrDefault(anyKey, "not found"));
        req.response().setStatusCode(status[0]).end(text);
      }));
      ports.put(member, server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture()
          .get(10, TimeUnit.SECONDS).actualPort());
    }
  }

  int port(String member) {
    return ports.get(member);
  }

  /** Answer {@code METHOD /path} on {@code member} ({@code *} for every member). */
  FakePatroniApi answer(String member, String method, String path, int status, String text) {
    statuses.put(member + " " + method + " " + path, new int[] {status});
    bodies.put(member + " " + method + " " + path, text);
    return this;
  }

  List<Request> requests(String method, String path) {
    synchronized (requests) {
      return requests.stream().filter(r -> r.method().equals(method) && r.path().equals(path)).toList();
    }
  }

  @Override
  public void close() {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("could not stop the fake REST API", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
