package io.vigil.dcs.consul.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The emulator's HTTP edge, as a Consul client sees it; each test names the section of Consul's HTTP API docs. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsulEmulatorTest {
  private static final String TOKEN = "s3cr3t-token";
  private Vertx vertx;
  private ConsulEmulator emulator;
  private WebClient http;
  private int port;

  @BeforeAll
  void start() throws Exception {
    vertx = Vertx.vertx();
    emulator = new ConsulEmulator(vertx, ConsulEmulator.Options.onPort(0).withAclToken(TOKEN)
        .withSessionTtlMin(Duration.ofSeconds(1)));
    port = await(emulator.start());
    http = WebClient.create(vertx);
  }

  @AfterAll
  void stop() throws Exception {
    await(emulator.close());
    await(vertx.close());
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private HttpResponse<Buffer> send(HttpMethod method, String uri, String body) throws Exception {
    return await(http.request(method, port, "127.0.0.1", uri).putHeader("X-Consul-Token", TOKEN)
        .sendBuffer(Buffer.buffer(body == null ? "" : body)));
  }

  /** KV Store API, "Read Key": Value is base64, recurse lists the prefix, X-Consul-Index is set; 404 when absent. */
  @Test
  void readKeyEncodesValuesAndSetsTheIndex() throws Exception {
    assertEquals("true", send(HttpMethod.PUT, "/v1/kv/read/a", "hello").bodyAsString());
    assertEquals("true", send(HttpMethod.PUT, "/v1/kv/read/b/c", "").bodyAsString());
    HttpResponse<Buffer> all = send(HttpMethod.GET, "/v1/kv/read/?recurse", null);
    assertEquals(200, all.statusCode());
    JsonArray entries = all.bodyAsJsonArray();
    assertEquals(2, entries.size());
    assertEquals("read/a", entries.getJsonObject(0).getString("Key"));
    assertEquals("hello", new String(Base64.getDecoder().decode(entries.getJsonObject(0).getString("Value")),
        StandardCharsets.UTF_8));
    assertEquals(null, entries.getJsonObject(1).getValue("Value"), "an empty value reads as null");
    assertEquals(Long.toString(entries.getJsonObject(1).getLong("ModifyIndex")), all.getHeader("X-Consul-Index"));
    assertEquals(new JsonArray().add("read/a").add("read/b/"),
        send(HttpMethod.GET, "/v1/kv/read/?keys&separator=/", null).bodyAsJsonArray());
    assertEquals("hello", send(HttpMethod.GET, "/v1/kv/read/a?raw", null).bodyAsString());
    HttpResponse<Buffer> missing = send(HttpMethod.GET, "/v1/kv/read/none?consistent", null);
    assertEquals(404, missing.statusCode());
    assertTrue(Long.parseLong(missing.getHeader("X-Consul-Index")) > 0, "a 404 still carries the index");
  }

  /** "Blocking Queries": index + wait holds the answer until the index passes, or until wait is over. */
  @Test
  void blockingQueryReturnsAsSoonAsTheIndexMoves() throws Exception {
    send(HttpMethod.PUT, "/v1/kv/block/leader", "a");
    long index = Long.parseLong(send(HttpMethod.GET, "/v1/kv/block/?recurse", null).getHeader("X-Consul-Index"));

    long started = System.nanoTime();
    HttpResponse<Buffer> timedOut = send(HttpMethod.GET, "/v1/kv/block/?recurse&index=" + index + "&wait=300ms", null);
    long tookMs = (System.nanoTime() - started) / 1_000_000;
    assertTrue(tookMs >= 290 && tookMs < 2000, "waited " + tookMs + " ms for a 300 ms wait");
    assertEquals(Long.toString(index), timedOut.getHeader("X-Consul-Index"), "nothing changed");

    Future<HttpResponse<Buffer>> waiting = http.request(HttpMethod.GET, port, "127.0.0.1",
        "/v1/kv/block/?recurse&index=" + index + "&wait=30s").putHeader("X-Consul-Token", TOKEN).send();
    Thread.sleep(200);
    assertTrue(!waiting.isComplete(), "still blocked while nothing changes");
    long deletedAt = System.nanoTime();
    assertEquals("true", send(HttpMethod.DELETE, "/v1/kv/block/leader", null).bodyAsString());
    HttpResponse<Buffer> woke = await(waiting);
    long wokeMs = (System.nanoTime() - deletedAt) / 1_000_000;
    assertTrue(wokeMs < 250, "woke " + wokeMs + " ms after the delete");
    assertEquals(404, woke.statusCode(), "the prefix is empty now");
    assertTrue(Long.parseLong(woke.getHeader("X-Consul-Index")) > index);
  }

  /** Session API, "Create Session", "Read Session", "Renew Session", "Destroy Session", "List Sessions". */
  @Test
  void sessionLifecycleOverHttp() throws Exception {
    HttpResponse<Buffer> created = send(HttpMethod.PUT, "/v1/session/create",
        "{\"name\":\"batman-pg1\",\"ttl\":\"15.0s\",\"lockdelay\":\"0.001s\",\"behavior\":\"delete\",\"checks\":[]}");
    assertEquals(200, created.statusCode(), created.bodyAsString());
    String id = created.bodyAsJsonObject().getString("ID");
    JsonObject info = send(HttpMethod.GET, "/v1/session/info/" + id, null).bodyAsJsonArray().getJsonObject(0);
    assertEquals("batman-pg1", info.getString("Name"), "lower-case field names, as python-consul sends them");
    assertEquals("15s", info.getString("TTL"));
    assertEquals(1_000_000L, info.getLong("LockDelay"), "LockDelay in nanoseconds");
    assertEquals("delete", info.getString("Behavior"));
    assertEquals(200, send(HttpMethod.PUT, "/v1/session/renew/" + id, null).statusCode());
    assertTrue(send(HttpMethod.GET, "/v1/session/list", null).bodyAsString().contains(id));
    assertEquals("true", send(HttpMethod.PUT, "/v1/kv/sess/leader?acquire=" + id, "pg1").bodyAsString());
    send(HttpMethod.PUT, "/v1/session/destroy/" + id, null);
    assertEquals(404, send(HttpMethod.GET, "/v1/kv/sess/leader", null).statusCode(), "behavior delete");
    assertEquals(404, send(HttpMethod.PUT, "/v1/session/renew/" + id, null).statusCode());
    assertEquals(new JsonArray(), send(HttpMethod.GET, "/v1/session/info/" + id, null).bodyAsJsonArray());

    HttpResponse<Buffer> tooShort = send(HttpMethod.PUT, "/v1/session/create", "{\"TTL\":\"0.5s\"}");
    assertEquals(500, tooShort.statusCode());
    assertTrue(tooShort.bodyAsString().contains("Invalid Session TTL"));
    assertEquals(1_000_000_000L, send(HttpMethod.GET, "/v1/agent/self", null).bodyAsJsonObject()
        .getJsonObject("Config").getLong("SessionTTLMin"), "where Patroni reads the minimum from");
  }

  /** Session TTL end to end: a session that is not renewed is gone after at most 2 × TTL (plus the 50 ms tick). */
  @Test
  void unrenewedSessionExpiresWithItsKeys() throws Exception {
    String id = send(HttpMethod.PUT, "/v1/session/create", "{\"TTL\":\"1s\",\"Behavior\":\"delete\",\"LockDelay\":\"0s\"}")
        .bodyAsJsonObject().getString("ID");
    send(HttpMethod.PUT, "/v1/kv/exp/members/pg1?acquire=" + id, "{}");
    long started = System.nanoTime();
    while (send(HttpMethod.GET, "/v1/kv/exp/members/pg1", null).statusCode() == 200) {
      assertTrue(System.nanoTime() - started < Duration.ofSeconds(4).toNanos(), "not expired after 4 s");
      Thread.sleep(50);
    }
    long tookMs = (System.nanoTime() - started) / 1_000_000;
    assertTrue(tookMs >= 1800, "expired after " + tookMs + " ms, before 2 × TTL");
  }

  /** ACL ("ACL Rules", default policy deny): no token → 403 Permission denied; a wrong one → 403 ACL not found. */
  @Test
  void tokensAreEnforced() throws Exception {
    HttpResponse<Buffer> none = await(http.get(port, "127.0.0.1", "/v1/kv/x").send());
    assertEquals(403, none.statusCode());
    assertEquals("Permission denied", none.bodyAsString());
    HttpResponse<Buffer> wrong = await(http.get(port, "127.0.0.1", "/v1/kv/x").putHeader("X-Consul-Token", "nope").send());
    assertEquals(403, wrong.statusCode());
    assertEquals("ACL not found", wrong.bodyAsString());
    assertEquals(404, await(http.get(port, "127.0.0.1", "/v1/kv/x?token=" + TOKEN).send()).statusCode());
  }

  /**
   * Agent Service API, "Register Service" with an HTTP check (Checks docs: 2xx passing, other critical), and
   * "Deregister Service".
   */
  @Test
  void registeredServiceIsCheckedOverHttpAndDeregistered() throws Exception {
    int[] status = {200};
    var target = await(vertx.createHttpServer().requestHandler(r -> r.response().setStatusCode(status[0]).end())
        .listen(0, "127.0.0.1"));
    try {
      String url = "http://127.0.0.1:" + target.actualPort() + "/primary";
      assertEquals(200, send(HttpMethod.PUT, "/v1/agent/service/register",
          "{\"name\":\"batman\",\"id\":\"batman/pg1\",\"address\":\"127.0.0.1\",\"port\":5432,"
              + "\"tags\":[\"primary\",\"master\"],\"check\":{\"http\":\"" + url + "\",\"interval\":\"0.2s\"}}")
          .statusCode());
      JsonObject service = send(HttpMethod.GET, "/v1/agent/services", null).bodyAsJsonObject().getJsonObject("batman/pg1");
      assertEquals(new JsonArray().add("primary").add("master"), service.getJsonArray("Tags"));
      awaitCheck("passing");
      status[0] = 503;
      awaitCheck("critical");
      assertEquals(200, send(HttpMethod.PUT, "/v1/agent/service/deregister/batman/pg1", null).statusCode());
      assertEquals(new JsonObject(), send(HttpMethod.GET, "/v1/agent/services", null).bodyAsJsonObject());
      assertEquals(404, send(HttpMethod.PUT, "/v1/agent/service/deregister/batman/pg1", null).statusCode());
    } finally {
      await(target.close());
    }
  }

  private void awaitCheck(String wanted) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (true) {
      JsonObject check = send(HttpMethod.GET, "/v1/agent/checks", null).bodyAsJsonObject()
          .getJsonObject("service:batman/pg1");
      if (check != null && wanted.equals(check.getString("Status"))) {
        return;
      }
      assertTrue(System.nanoTime() < deadline, "check never became " + wanted + ": " + check);
      Thread.sleep(50);
    }
  }

  /** Status API, "Get Raft Leader". */
  @Test
  void statusLeaderNamesTheServer() throws Exception {
    assertEquals("\"127.0.0.1:8300\"", send(HttpMethod.GET, "/v1/status/leader", null).bodyAsString());
  }
}
