package io.vigil.bench;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vigil.dcs.etcd.PluginClient;
import io.vigil.runtime.AgentRuntime;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The runtime an agent stands on, with nothing or only an etcd client's idle traffic on it, for
 * {@code bin/bench-footprint --floor} (README, "Footprint"). Always: a Vert.x with the agent's options
 * ({@link AgentRuntime#vertxOptions()}) and an HTTP server answering 200 on every path. The bench starts
 * it with bin/vigil's JVM options and measures it in the agents' idle window.
 *
 * <ul>
 *   <li>{@code none}: and a timer firing every loop_wait that does nothing. What no change to the agent's own work
 *       can go below.</li>
 *   <li>{@code jetcd}: what an idle agent's etcd plugin does today, alone: the jetcd client the plugin builds
 *       ({@link PluginClient}: its own one-loop Vert.x, HTTP/2 keepalive every 10 s, call deadlines), a watch on a
 *       prefix with a progress request every loop_wait / 3, and one lease keepalive per loop_wait.</li>
 *   <li>{@code gateway}: the same duties over etcd's JSON gateway on the agent's Vert.x, as Patroni's etcd3 client
 *       does: a watch stream, and per loop_wait one linearizable range of the prefix and one lease keepalive. The
 *       range stands in for the progress requests: etcd 3.4's gateway answers a streaming request only once its
 *       body has ended, so a watch there cannot carry progress requests.</li>
 * </ul>
 *
 * <p>Arguments: HTTP port, loop_wait in seconds, then optionally the mode and etcd's client URL. Runs until killed.
 */
public final class RuntimeFloor {
  private static final Base64.Encoder B64 = Base64.getEncoder();
  private static final Duration SETUP_BOUND = Duration.ofSeconds(10);
  /** bin/bench-footprint's retry_timeout, which sets the plugin client's ping timeout and call deadlines. */
  private static final int RETRY_TIMEOUT_SECONDS = 10;

  private RuntimeFloor() {
  }

  public static void main(String[] args) {
    try {
      start(args);
    } catch (Exception e) {
      System.err.println("RuntimeFloor: " + e);
      System.exit(1);
    }
  }

  /** The mode's client is set up before the HTTP server listens: the bench takes an answer as "running". */
  private static void start(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    long loopWaitMillis = Long.parseLong(args[1]) * 1000L;
    String mode = args.length > 2 ? args[2] : "none";
    Vertx vertx = Vertx.vertx(AgentRuntime.vertxOptions());
    String prefix = "/floor/" + port + "/";
    switch (mode) {
      case "none" -> vertx.setPeriodic(loopWaitMillis, id -> { });
      case "jetcd" -> jetcd(vertx, args[3], prefix, loopWaitMillis);
      case "gateway" -> gateway(vertx, args[3], prefix, loopWaitMillis);
      default -> throw new IllegalArgumentException("mode must be none, jetcd or gateway: " + mode);
    }
    bounded(vertx.createHttpServer().requestHandler(request -> request.response().end()).listen(port, "127.0.0.1")
        .toCompletionStage().toCompletableFuture());
  }

  /** Waits on main's thread (never an event loop) for a set-up step, at most {@link #SETUP_BOUND}. */
  private static <T> T bounded(CompletableFuture<T> step) throws Exception {
    return step.get(SETUP_BOUND.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static void jetcd(Vertx vertx, String endpoint, String prefix, long loopWaitMillis) throws Exception {
    Client client = bounded(PluginClient.build(vertx, endpoint, RETRY_TIMEOUT_SECONDS).toCompletionStage()
        .toCompletableFuture());
    ByteSequence key = ByteSequence.from(prefix, StandardCharsets.UTF_8);
    long lease = bounded(client.getLeaseClient().grant(30)).getID();
    Watch.Watcher watcher = client.getWatchClient().watch(key,
        WatchOption.builder().isPrefix(true).withRequireLeader(true).build(), response -> { });
    vertx.setPeriodic(loopWaitMillis / 3, id -> watcher.requestProgress());
    vertx.setPeriodic(loopWaitMillis, id -> client.getLeaseClient().keepAliveOnce(lease));
  }

  private static void gateway(Vertx vertx, String endpoint, String prefix, long loopWaitMillis) throws Exception {
    java.net.URI uri = java.net.URI.create(endpoint);
    HttpClientOptions options = new HttpClientOptions().setDefaultHost(uri.getHost()).setDefaultPort(uri.getPort());
    HttpClient requests = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(1));
    HttpClient watches = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(1));
    String range = new JsonObject().put("key", b64(prefix)).put("range_end", b64(prefixEnd(prefix))).encode();
    long lease = Long.parseLong(new JsonObject(bounded(post(requests, "/v3/lease/grant", "{\"TTL\":30}")
        .toCompletionStage().toCompletableFuture()).toString()).getString("ID"));
    bounded(watches.request(HttpMethod.POST, "/v3/watch")
        .compose(request -> request.send(new JsonObject().put("create_request", new JsonObject(range)).encode()))
        .onSuccess(response -> response.handler(chunk -> { }))
        .toCompletionStage().toCompletableFuture());
    String keepalive = new JsonObject().put("ID", Long.toString(lease)).encode();
    vertx.setPeriodic(loopWaitMillis, id -> post(requests, "/v3/kv/range", range)
        .compose(answer -> post(requests, "/v3/lease/keepalive", keepalive)));
  }

  private static Future<Buffer> post(HttpClient client, String path, String body) {
    return client.request(HttpMethod.POST, path).compose(request -> request.send(body))
        .compose(HttpClientResponse::body);
  }

  private static String b64(String s) {
    return B64.encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  /** The prefix with its last character incremented: the end of etcd's range of the prefix ("/" + 1 is "0"). */
  private static String prefixEnd(String prefix) {
    return prefix.substring(0, prefix.length() - 1) + (char) (prefix.charAt(prefix.length() - 1) + 1);
  }
}
