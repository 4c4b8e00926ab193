package io.vigil.dcs.consul;

import static io.vigil.dcs.DcsTestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vigil.config.DcsSettings;
import io.vigil.dcs.Dcs;
import io.vigil.dcs.Dcs.DcsChange;
import io.vigil.dcs.DcsContext;
import io.vigil.dcs.DcsKeys;
import io.vigil.dcs.DcsTestSupport;
import io.vigil.dcs.DcsTiming;
import io.vigil.dcs.DcsUnavailableException;
import io.vigil.dcs.consul.emulator.ConsulEmulator;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** What the Consul backend does beyond the shared contract: tokens, service registration, watch latency. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsulDcsIT {
  private static final String TOKEN = "vigil-consul-token";
  private static final Duration DEADLINE = Duration.ofSeconds(5);
  private Vertx vertx;
  private Context context;
  private ConsulEmulator emulator;
  private int port;

  @BeforeAll
  void start() throws Exception {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    emulator = new ConsulEmulator(vertx, ConsulEmulator.Options.onPort(0).withAclToken(TOKEN)
        .withSessionTtlMin(Duration.ofSeconds(1)));
    port = emulator.start().toCompletionStage().toCompletableFuture().get();
  }

  @AfterAll
  void stop() throws Exception {
    emulator.close().toCompletionStage().toCompletableFuture().get();
    vertx.close().toCompletionStage().toCompletableFuture().get();
  }

  private Dcs dcs(String scope, String member, Map<String, Object> extra) {
    Map<String, Object> section = new LinkedHashMap<>(Map.of("host", "127.0.0.1:" + port, "token", TOKEN));
    section.putAll(extra);
    DcsContext c = new DcsContext(new DcsKeys("service", scope), member, new DcsSettings("consul", section),
        new DcsTiming(5, 1, 2));
    return await(DcsTestSupport.start(context, () -> Future.succeededFuture(new ConsulDcsFactory().create(vertx, c))),
        DEADLINE);
  }

  private <T> T call(Supplier<Future<T>> call) {
    return await(DcsTestSupport.start(context, call), DEADLINE);
  }

  private static Map<String, Object> member(String role, int apiPort) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("conn_url", "postgres://127.0.0.1:5432/postgres");
    data.put("api_url", "http://127.0.0.1:" + apiPort + "/patroni");
    data.put("state", "running");
    data.put("role", role);
    return data;
  }

  @Test
  void aRefusedTokenIsUnavailableWithAMessageNamingTheSetting() {
    Dcs wrong = dcs("token", "pg1", Map.of("token", "not-the-token"));
    CompletableFuture<?> load = DcsTestSupport.start(context, wrong::loadCluster);
    Throwable failure = DcsTestSupport.awaitFailure(load, DEADLINE);
    assertInstanceOf(DcsUnavailableException.class, failure);
    assertTrue(failure.getMessage().contains("consul.token"), failure.getMessage());
    Throwable acquire = DcsTestSupport.awaitFailure(DcsTestSupport.start(context, wrong::acquireLeaderKey), DEADLINE);
    assertTrue(acquire.getMessage().contains("PATRONI_CONSUL_TOKEN"), acquire.getMessage());
    call(wrong::close);
  }

  /** A replica's watch reports the leader key's deletion within 0.25 s, as on etcd. */
  @Test
  void theWatchWakesAReplicaAsSoonAsTheLeaderKeyIsGone() {
    Dcs leader = dcs("watch", "pg1", Map.of());
    Dcs replica = dcs("watch", "pg2", Map.of());
    call(() -> leader.touchMember(member("primary", 1)));
    assertTrue(call(leader::acquireLeaderKey));
    List<Long> leaderEvents = new CopyOnWriteArrayList<>();
    call(() -> {
      replica.watch(change -> {
        if (change == DcsChange.LEADER_CHANGED) {
          leaderEvents.add(System.nanoTime());
        }
      });
      return Future.succeededFuture();
    });
    pause(300);
    long released = System.nanoTime();
    assertTrue(call(leader::releaseLeaderKey));
    long deadline = released + Duration.ofSeconds(2).toNanos();
    while (leaderEvents.isEmpty() && System.nanoTime() < deadline) {
      pause(5);
    }
    assertTrue(!leaderEvents.isEmpty(), "no LEADER_CHANGED within 2 s");
    long ms = (leaderEvents.get(0) - released) / 1_000_000;
    assertTrue(ms <= 250, "the watch fired " + ms + " ms after the release");
    call(leader::close);
    call(replica::close);
  }

  /** A new ttl makes a new session; the leader and member keys move to it without ever being free. */
  @Test
  void aTtlChangeMovesTheKeysToANewSession() throws Exception {
    Dcs leader = dcs("ttl", "pg1", Map.of());
    call(() -> leader.touchMember(member("primary", 1)));
    assertTrue(call(leader::acquireLeaderKey));
    String before = kv("service/ttl/leader").getString("Session");
    call(() -> {
      leader.setTiming(new DcsTiming(8, 1, 2));
      return Future.succeededFuture();
    });
    assertTrue(call(leader::renewLeaderKey));
    JsonObject moved = kv("service/ttl/leader");
    assertNotNull(moved.getString("Session"));
    assertTrue(!moved.getString("Session").equals(before), "the leader key is held by the new session");
    assertEquals(moved.getString("Session"), kv("service/ttl/members/pg1").getString("Session"),
        "the member key moved with it, before the old session was ended");
    call(() -> leader.touchMember(member("primary", 1)));
    assertEquals(moved.getString("Session"), kv("service/ttl/members/pg1").getString("Session"));
    assertEquals("4s", agentArray("/v1/session/info/" + moved.getString("Session")).getJsonObject(0).getString("TTL"));
    assertEquals(0, agentArray("/v1/session/info/" + before).size(), "the old session is ended");
    call(leader::close);
  }

  private JsonObject kv(String key) throws Exception {
    return agentArray("/v1/kv/" + key).getJsonObject(0);
  }

  private io.vertx.core.json.JsonArray agentArray(String path) throws Exception {
    WebClient client = WebClient.create(vertx);
    try {
      return client.get(port, "127.0.0.1", path).putHeader("X-Consul-Token", TOKEN).send()
          .toCompletionStage().toCompletableFuture().get().body().toJsonArray();
    } finally {
      client.close();
    }
  }

  /** Patroni's register_service: service <scope>, tags by role (and master), an HTTP check on /<role>. */
  @Test
  void theServiceFollowsTheRoleAndIsDeregisteredOnClose() throws Exception {
    Dcs pg = dcs("svc", "pg1", Map.of("register_service", true, "service_tags", "dc-a",
        "service_check_interval", "1s"));
    call(() -> pg.touchMember(member("replica", 18008)));
    JsonObject services = agent("/v1/agent/services");
    JsonObject service = services.getJsonObject("svc/pg1");
    assertNotNull(service, services.encode());
    assertEquals("svc", service.getString("Service"));
    assertEquals(List.of("dc-a", "replica"), service.getJsonArray("Tags").getList());
    assertEquals(5432, service.getInteger("Port"));
    assertEquals("http://127.0.0.1:18008/replica", agent("/v1/agent/checks").getJsonObject("service:svc/pg1")
        .getString("HTTP"));
    call(() -> pg.touchMember(member("primary", 18008)));
    assertEquals(List.of("dc-a", "primary", "master"),
        agent("/v1/agent/services").getJsonObject("svc/pg1").getJsonArray("Tags").getList());
    call(pg::close);
    assertEquals(new JsonObject(), agent("/v1/agent/services"));
  }

  private JsonObject agent(String path) throws Exception {
    WebClient client = WebClient.create(vertx);
    try {
      Buffer body = client.get(port, "127.0.0.1", path).putHeader("X-Consul-Token", TOKEN).send()
          .toCompletionStage().toCompletableFuture().get().body();
      return body.toJsonObject();
    } finally {
      client.close();
    }
  }

  private static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
