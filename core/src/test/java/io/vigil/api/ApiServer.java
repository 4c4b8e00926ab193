package io.vigil.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vigil.bus.Addresses;
import io.vigil.bus.NodeStatus;
import io.vigil.config.Credentials;
import io.vigil.config.HostPort;
import io.vigil.config.RestApiSettings;
import io.vigil.config.Secret;
import io.vigil.patroni.PyJson;
import io.vigil.testing.Timing;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** A real RestApiVerticle on a free 127.0.0.1 port, fed NodeStatus over the event bus. */
final class ApiServer implements AutoCloseable {
  /** The shared multiplier, -Dvigil.test.timing (a decimal): see {@link Timing}. */
  static final double TIMING = Timing.multiplier();
  final Vertx vertx;
  final Fixtures.TestClock clock = new Fixtures.TestClock();
  final FixedClusterDcs dcs;
  final RestApiVerticle verticle;
  final int port;
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static RestApiSettings settings(int port, Credentials auth, List<String> allowlist, boolean includeMembers) {
    return new RestApiSettings(new HostPort("127.0.0.1", port), new HostPort("127.0.0.1", port), auth, null, null,
        null, null, null, null, allowlist, includeMembers, Map.of("X-Extra", "plain"), Map.of("X-Tls", "yes"),
        "Minimal", 5);
  }

  static Credentials auth() {
    return new Credentials("admin", Secret.of("s3cret"));
  }

  ApiServer() {
    this(s -> s, null, List.of(), false);
  }

  ApiServer(java.util.function.UnaryOperator<RestApiSettings> tweak, Credentials auth, List<String> allowlist,
      boolean includeMembers) {
    this(tweak.apply(settings(freePort(), auth, allowlist, includeMembers)));
  }

  ApiServer(RestApiSettings settings) {
    this(settings, 60, 10);
  }

  ApiServer(RestApiSettings settings, int idleSeconds, int tlsHandshakeSeconds) {
    vertx = Vertx.vertx();
    dcs = new FixedClusterDcs(unreachableMembers(Fixtures.cluster(false, false)));
    verticle = new RestApiVerticle(settings, null, "anchor", "pg3", dcs, clock).withTimeouts(idleSeconds, tlsHandshakeSeconds, 50);
    vertx.deployVerticle(verticle, new DeploymentOptions()).await();
    port = verticle.actualPort();
  }

  /**
   * The fixture's api_urls name ports 8008-8010, where another agent may be running on a shared machine; the
   * switchover tests need members that surely do not answer.
   */
  static io.vigil.cluster.Cluster unreachableMembers(io.vigil.cluster.Cluster c) {
    int dead = freePort();
    List<io.vigil.cluster.Member> members = new java.util.ArrayList<>();
    for (io.vigil.cluster.Member m : c.members()) {
      Map<String, Object> data = new java.util.LinkedHashMap<>(m.data());
      data.put("api_url", "http://127.0.0.1:" + dead + "/patroni");
      members.add(new io.vigil.cluster.Member(m.name(), m.version(), m.session(), data));
    }
    io.vigil.cluster.Member leader = members.stream().filter(m -> m.name().equals(c.leaderName())).findFirst()
        .orElseThrow();
    return new io.vigil.cluster.Cluster(c.initialize(), c.config(),
        new io.vigil.cluster.Leader(c.leader().version(), c.leader().session(), leader), c.status(), members,
        c.failover(), c.sync(), c.history(), c.failsafe());
  }

  /** Publishes a status and waits until /patroni shows it. */
  void publish(NodeStatus status) throws Exception {
    vertx.eventBus().publish(Addresses.HA_CYCLE, status);
    String expected = PyJson.dumps(StatusJson.body(NodeView.of(status, clock), "4.0.4"));
    String[] body = {null};
    try {
      Timing.await("the status published on /patroni", Duration.ofSeconds(5), Duration.ofMillis(10), () -> {
        body[0] = get("/patroni").body();
        return body[0].equals(expected) ? Boolean.TRUE : null;
      }, () -> body[0]);
    } catch (AssertionError timedOut) {
      assertEquals(expected, body[0], "status not published");
    }
  }

  HttpResponse<String> get(String path) throws Exception {
    return send("GET", path, null, Map.of());
  }

  HttpResponse<String> send(String method, String path, String body, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Timing.scaled(Duration.ofSeconds(10)))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(b::header);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() {
    vertx.close().await();
  }
}
