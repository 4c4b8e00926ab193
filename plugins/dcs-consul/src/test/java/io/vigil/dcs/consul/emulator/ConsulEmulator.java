package io.vigil.dcs.consul.emulator;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * A development stand-in for one Consul agent's HTTP API, enough for Patroni's and Vigil's Consul backends: the
 * KV Store API (with blocking queries, {@code recurse}, {@code keys}, {@code cas}, {@code acquire},
 * {@code release}), the Session API (create / renew / destroy / info / list, TTL with Consul's 2× grace,
 * {@code behavior}, {@code lock_delay}), {@code /v1/status/leader}, {@code /v1/agent/self}, agent service and check
 * registration with HTTP checks, and ACL tokens (403 when missing or wrong). One node, one datacenter, in memory;
 * every consistency mode reads the same data. It is a test and development tool, not a Consul replacement.
 *
 * <p>Run it with {@code dev/consul-emulator --port PORT}. All state lives on one Vert.x context, so the store
 * needs no locks.
 */
public final class ConsulEmulator {
  private static final Duration DEFAULT_WAIT = Duration.ofMinutes(5);
  private static final Duration MAX_WAIT = Duration.ofMinutes(10);

  /** How the emulator is started. */
  public record Options(String host, int port, String aclToken, Duration sessionTtlMin) {
    public static Options onPort(int port) {
      return new Options("127.0.0.1", port, null, Duration.ofSeconds(10));
    }

    public Options withAclToken(String token) {
      return new Options(host, port, token, sessionTtlMin);
    }

    /** Consul's {@code session_ttl_min} agent setting (10 s by default). */
    public Options withSessionTtlMin(Duration min) {
      return new Options(host, port, aclToken, min);
    }
  }

  /** A blocking query waiting for the index of its prefix to pass {@code index}. */
  private record Parked(HttpServerRequest request, String key, boolean recurse, long index, long timer) {}

  private final Vertx vertx;
  private final Options options;
  private final EmulatedStore store = new EmulatedStore(System::currentTimeMillis);
  private final List<Parked> parked = new ArrayList<>();
  private final Map<String, Long> checkTimers = new HashMap<>();
  private HttpServer server;
  private HttpClient checker;
  private long expiryTimer = -1;
  private int lastPort;

  public ConsulEmulator(Vertx vertx, Options options) {
    this.vertx = vertx;
    this.options = options;
  }

  /**
   * Listens; the future completes with the bound port. After {@link #stop()} it starts again on the same port with
   * the same data, like a restarted Consul server (sessions get a fresh TTL, as after a leader election).
   */
  public Future<Integer> start() {
    if (checker == null) {
      checker = vertx.createHttpClient();
    }
    store.resetSessionTimers();
    expiryTimer = vertx.setPeriodic(50, id -> {
      if (store.expireSessions()) {
        wakeBlockingQueries();
      }
    });
    int port = server == null && lastPort > 0 ? lastPort : options.port();
    return vertx.createHttpServer().requestHandler(this::handle).listen(port, options.host())
        .map(s -> {
          server = s;
          lastPort = s.actualPort();
          return lastPort;
        });
  }

  /** Stops listening and drops every open connection, like a killed server; the data stays for {@link #start()}. */
  public Future<Void> stop() {
    vertx.cancelTimer(expiryTimer);
    parked.forEach(p -> vertx.cancelTimer(p.timer()));
    parked.clear();
    Future<Void> closed = server == null ? Future.succeededFuture() : server.close();
    server = null;
    return closed;
  }

  /** Stops for good, with the HTTP checks. */
  public Future<Void> close() {
    checkTimers.values().forEach(vertx::cancelTimer);
    checkTimers.clear();
    return stop().compose(v -> checker == null ? Future.succeededFuture() : checker.close());
  }

  // ------------------------------------------------------------------------------------------------ routing

  private void handle(HttpServerRequest request) {
    request.body().onSuccess(body -> {
      try {
        route(request, body);
      } catch (BadRequest e) {
        respond(request, 400, e.getMessage());
      } catch (RuntimeException e) {
        respond(request, 500, String.valueOf(e.getMessage()));
      }
    });
  }

  private static final class BadRequest extends RuntimeException {
    BadRequest(String message) {
      super(message);
    }
  }

  private void route(HttpServerRequest request, Buffer body) {
    String path = URLDecoder.decode(request.path(), StandardCharsets.UTF_8);
    if (!authorized(request)) {
      return;
    }
    HttpMethod method = request.method();
    if (path.startsWith("/v1/kv/")) {
      String key = path.substring("/v1/kv/".length());
      if (method == HttpMethod.GET) {
        readKv(request, key);
      } else if (method == HttpMethod.PUT) {
        writeKv(request, key, body);
      } else if (method == HttpMethod.DELETE) {
        deleteKv(request, key);
      } else {
        respond(request, 405, "method not allowed");
      }
    } else if (path.equals("/v1/session/create") && method == HttpMethod.PUT) {
      createSession(request, body);
    } else if (path.startsWith("/v1/session/renew/") && method == HttpMethod.PUT) {
      EmulatedStore.Session s = store.renewSession(path.substring("/v1/session/renew/".length()));
      if (s == null) {
        respond(request, 404, "Session id '" + path.substring("/v1/session/renew/".length()) + "' not found");
      } else {
        json(request, new JsonArray().add(sessionJson(s)));
      }
    } else if (path.startsWith("/v1/session/destroy/") && method == HttpMethod.PUT) {
      store.destroySession(path.substring("/v1/session/destroy/".length()));
      changed();
      respond(request, 200, "true");
    } else if (path.startsWith("/v1/session/info/") && method == HttpMethod.GET) {
      EmulatedStore.Session s = store.session(path.substring("/v1/session/info/".length()));
      json(request, s == null ? new JsonArray() : new JsonArray().add(sessionJson(s)));
    } else if (path.equals("/v1/session/list") && method == HttpMethod.GET) {
      JsonArray all = new JsonArray();
      store.sessions().forEach(s -> all.add(sessionJson(s)));
      json(request, all);
    } else if (path.equals("/v1/status/leader")) {
      respond(request, 200, "\"127.0.0.1:8300\"");
    } else if (path.equals("/v1/status/peers")) {
      respond(request, 200, "[\"127.0.0.1:8300\"]");
    } else if (path.equals("/v1/agent/self")) {
      long ttlMinNanos = options.sessionTtlMin().toNanos();
      json(request, new JsonObject()
          .put("Config", new JsonObject().put("Datacenter", "dc1").put("NodeName", "emulator")
              .put("SessionTTLMin", ttlMinNanos))
          .put("DebugConfig", new JsonObject().put("SessionTTLMin", options.sessionTtlMin().toMillis() + "ms"))
          .put("Member", new JsonObject().put("Name", "emulator").put("Addr", "127.0.0.1")));
    } else if (path.equals("/v1/agent/service/register") && method == HttpMethod.PUT) {
      registerService(request, body);
    } else if (path.startsWith("/v1/agent/service/deregister/") && method == HttpMethod.PUT) {
      String id = path.substring("/v1/agent/service/deregister/".length());
      stopChecksOf(id);
      if (store.deregisterService(id)) {
        respond(request, 200, "");
      } else {
        respond(request, 404, "Unknown service ID \"" + id + "\". Ensure that the service ID is passed, not the service name.");
      }
    } else if (path.equals("/v1/agent/services")) {
      JsonObject all = new JsonObject();
      store.services().forEach((id, s) -> all.put(id, new JsonObject(new LinkedHashMap<>(s))));
      json(request, all);
    } else if (path.equals("/v1/agent/checks")) {
      JsonObject all = new JsonObject();
      store.checks().forEach((id, c) -> all.put(id, new JsonObject(new LinkedHashMap<>(c))));
      json(request, all);
    } else {
      respond(request, 404, "no handler for " + method + " " + path);
    }
  }

  /**
   * ACL: with a token configured (default policy "deny"), a request without it is refused with "Permission
   * denied" and one with an unknown token with "ACL not found", both 403, as Consul answers.
   */
  private boolean authorized(HttpServerRequest request) {
    if (options.aclToken() == null) {
      return true;
    }
    String token = request.getHeader("X-Consul-Token");
    if (token == null) {
      token = request.getParam("token");
    }
    if (token == null && request.getHeader("Authorization") != null) {
      token = request.getHeader("Authorization").replaceFirst("^Bearer ", "");
    }
    if (options.aclToken().equals(token)) {
      return true;
    }
    respond(request, 403, token == null || token.isEmpty() ? "Permission denied" : "ACL not found");
    return false;
  }

  // ------------------------------------------------------------------------------------------------ KV

  private void readKv(HttpServerRequest request, String key) {
    boolean recurse = request.params().contains("recurse") || request.params().contains("keys");
    String index = request.getParam("index");
    long wanted = index == null ? 0 : parseLong(index, "index");
    if (wanted > 0 && store.indexOf(key, recurse) <= wanted) {
      Duration wait = request.getParam("wait") == null ? DEFAULT_WAIT : parseDuration(request.getParam("wait"));
      wait = wait.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : wait;
      // Consul adds up to wait/16 of random jitter so that many waiters do not wake at once
      long ms = Math.max(1, wait.toMillis() + (long) (Math.random() * wait.toMillis() / 16));
      Parked[] self = new Parked[1];
      long timer = vertx.setTimer(ms, id -> {
        parked.remove(self[0]);
        answerKv(request, key, recurse);
      });
      self[0] = new Parked(request, key, recurse, wanted, timer);
      parked.add(self[0]);
      request.connection().closeHandler(v -> {
        if (parked.remove(self[0])) {
          vertx.cancelTimer(timer);
        }
      });
      return;
    }
    answerKv(request, key, recurse);
  }

  private void answerKv(HttpServerRequest request, String key, boolean recurse) {
    if (request.response().ended() || request.response().closed()) {
      return;
    }
    boolean recursive = request.params().contains("recurse");
    List<EmulatedStore.Entry> entries = recurse ? store.list(key)
        : store.get(key) == null ? List.of() : List.of(store.get(key));
    request.response().putHeader("X-Consul-Index", Long.toString(store.indexOf(key, recurse)))
        .putHeader("X-Consul-KnownLeader", "true").putHeader("X-Consul-LastContact", "0");
    if (entries.isEmpty()) {
      respond(request, 404, "");
    } else if (request.params().contains("keys")) {
      JsonArray keys = new JsonArray();
      String separator = request.getParam("separator");
      for (EmulatedStore.Entry e : entries) {
        String k = e.key();
        int cut = separator == null || separator.isEmpty() ? -1 : k.indexOf(separator, key.length());
        String shown = cut < 0 ? k : k.substring(0, cut + separator.length());
        if (!keys.contains(shown)) {
          keys.add(shown);
        }
      }
      json(request, keys);
    } else if (request.params().contains("raw") && !recursive) {
      request.response().setStatusCode(200).end(Buffer.buffer(entries.get(0).value()));
    } else {
      JsonArray out = new JsonArray();
      entries.forEach(e -> out.add(entryJson(e)));
      json(request, out);
    }
  }

  private static JsonObject entryJson(EmulatedStore.Entry e) {
    JsonObject o = new JsonObject().put("LockIndex", e.lockIndex()).put("Key", e.key()).put("Flags", e.flags())
        // an empty value is null, as Consul shows it
        .put("Value", e.value().length == 0 ? null : Base64.getEncoder().encodeToString(e.value()))
        .put("CreateIndex", e.createIndex()).put("ModifyIndex", e.modifyIndex());
    if (e.session() != null) {
      o.put("Session", e.session());
    }
    return o;
  }

  private void writeKv(HttpServerRequest request, String key, Buffer body) {
    MultiMap q = request.params();
    Long cas = q.contains("cas") ? parseLong(q.get("cas"), "cas") : null;
    long flags = q.contains("flags") ? parseLong(q.get("flags"), "flags") : 0;
    EmulatedStore.Outcome outcome = store.put(key, body.getBytes(), flags, cas, q.get("acquire"), q.get("release"));
    changed();
    respond(request, outcome.status(), outcome.body());
  }

  private void deleteKv(HttpServerRequest request, String key) {
    MultiMap q = request.params();
    Long cas = q.contains("cas") ? parseLong(q.get("cas"), "cas") : null;
    boolean done = store.delete(key, q.contains("recurse"), cas);
    changed();
    respond(request, 200, Boolean.toString(done));
  }

  /** Answers every blocking query whose prefix moved past its index. */
  private void changed() {
    wakeBlockingQueries();
  }

  private void wakeBlockingQueries() {
    for (Iterator<Parked> it = parked.iterator(); it.hasNext(); ) {
      Parked p = it.next();
      if (store.indexOf(p.key(), p.recurse()) > p.index()) {
        it.remove();
        vertx.cancelTimer(p.timer());
        answerKv(p.request(), p.key(), p.recurse());
      }
    }
  }

  // ------------------------------------------------------------------------------------------------ sessions

  private void createSession(HttpServerRequest request, Buffer body) {
    JsonObject spec = canonical(body.length() == 0 ? new JsonObject() : body.toJsonObject());
    List<String> checks = new ArrayList<>();
    JsonArray given = spec.getJsonArray("Checks");
    if (given == null) {
      checks.add("serfHealth");
    } else {
      given.forEach(c -> checks.add(String.valueOf(c)));
    }
    try {
      EmulatedStore.Session s = store.createSession(spec.getString("Name", ""),
          spec.getString("Node", "emulator"), durationOf(spec.getValue("LockDelay"), Duration.ofSeconds(15)).toMillis(),
          spec.getString("Behavior", "release"), durationOf(spec.getValue("TTL"), Duration.ZERO).toMillis(), checks,
          options.sessionTtlMin().toMillis());
      json(request, new JsonObject().put("ID", s.id()));
    } catch (EmulatedStore.Refused e) {
      respond(request, 500, e.getMessage());
    }
  }

  private static final List<String> FIELDS = List.of("ID", "Name", "Node", "LockDelay", "Behavior", "TTL", "Checks",
      "Check", "Tags", "Address", "Port", "CheckID", "HTTP", "Interval", "Status", "Timeout", "TLSServerName",
      "TLSSkipVerify", "DeregisterCriticalServiceAfter", "Meta", "EnableTagOverride");

  /**
   * Consul decodes request bodies with Go's case-insensitive field matching, and python-consul sends lower-case
   * names ({@code lockdelay}, {@code ttl}, {@code check}): map each known field to Consul's spelling.
   */
  private static JsonObject canonical(JsonObject given) {
    JsonObject out = new JsonObject();
    for (String name : given.fieldNames()) {
      if (given.getValue(name) == null) {
        continue; // a JSON null is an absent field to Go's decoder
      }
      String spelled = FIELDS.stream().filter(f -> f.equalsIgnoreCase(name)).findFirst().orElse(name);
      out.put(spelled, given.getValue(name));
    }
    return out;
  }

  private static JsonObject sessionJson(EmulatedStore.Session s) {
    return new JsonObject().put("ID", s.id()).put("Name", s.name()).put("Node", s.node())
        .put("LockDelay", s.lockDelayMillis() * 1_000_000L).put("Behavior", s.behavior())
        .put("TTL", s.ttlMillis() == 0 ? "" : formatSeconds(s.ttlMillis()))
        .put("NodeChecks", new JsonArray(s.checks())).put("ServiceChecks", null)
        .put("Checks", new JsonArray(s.checks()))
        .put("CreateIndex", s.createIndex()).put("ModifyIndex", s.modifyIndex());
  }

  private static String formatSeconds(long millis) {
    return millis % 1000 == 0 ? (millis / 1000) + "s" : (millis / 1000.0) + "s";
  }

  // ------------------------------------------------------------------------------------------------ agent

  /**
   * Registers a service and its checks; an HTTP check is polled every Interval: 2xx passing, 429 warning, anything
   * else critical (Consul's Checks docs, "HTTP + Interval"). A new check starts critical, as in Consul.
   */
  private void registerService(HttpServerRequest request, Buffer body) {
    JsonObject spec = canonical(body.toJsonObject());
    String name = spec.getString("Name");
    if (name == null || name.isEmpty()) {
      throw new BadRequest("Missing service name");
    }
    String id = spec.getString("ID") == null || spec.getString("ID").isEmpty() ? name : spec.getString("ID");
    stopChecksOf(id);
    Map<String, Object> service = new LinkedHashMap<>();
    service.put("ID", id);
    service.put("Service", name);
    service.put("Tags", spec.getJsonArray("Tags", new JsonArray()).getList());
    service.put("Address", spec.getString("Address", ""));
    service.put("Port", spec.getInteger("Port", 0));
    store.registerService(id, service);
    List<JsonObject> checks = new ArrayList<>();
    if (spec.getJsonObject("Check") != null) {
      checks.add(spec.getJsonObject("Check"));
    }
    spec.getJsonArray("Checks", new JsonArray()).forEach(c -> checks.add((JsonObject) c));
    for (int i = 0; i < checks.size(); i++) {
      JsonObject c = canonical(checks.get(i));
      String checkId = c.getString("CheckID", c.getString("ID", "service:" + id + (checks.size() > 1 ? ":" + (i + 1) : "")));
      Map<String, Object> check = new LinkedHashMap<>();
      check.put("CheckID", checkId);
      check.put("Name", c.getString("Name", "Service '" + name + "' check"));
      check.put("ServiceID", id);
      check.put("ServiceName", name);
      check.put("Status", c.getString("Status", "critical"));
      check.put("HTTP", c.getString("HTTP"));
      check.put("Interval", c.getString("Interval"));
      store.registerCheck(checkId, check);
      if (c.getString("HTTP") != null && c.getValue("Interval") != null) {
        Duration every = durationOf(c.getValue("Interval"), Duration.ofSeconds(10));
        checkTimers.put(checkId, vertx.setPeriodic(0, Math.max(100, every.toMillis()),
            t -> runHttpCheck(checkId, c.getString("HTTP"))));
      }
    }
    respond(request, 200, "");
  }

  private void runHttpCheck(String checkId, String url) {
    checker.request(new io.vertx.core.http.RequestOptions().setAbsoluteURI(url).setMethod(HttpMethod.GET)
            .setTimeout(5000))
        .compose(r -> r.send().compose(resp -> resp.body().map(b -> resp.statusCode())))
        .onComplete(ar -> {
          int code = ar.succeeded() ? ar.result() : 0;
          store.updateCheck(checkId, code >= 200 && code < 300 ? "passing" : code == 429 ? "warning" : "critical");
          wakeBlockingQueries();
        });
  }

  private void stopChecksOf(String serviceId) {
    store.checks().forEach((checkId, c) -> {
      if (serviceId.equals(c.get("ServiceID"))) {
        Long timer = checkTimers.remove(checkId);
        if (timer != null) {
          vertx.cancelTimer(timer);
        }
      }
    });
  }

  // ------------------------------------------------------------------------------------------------ helpers

  private static void respond(HttpServerRequest request, int status, String body) {
    if (!request.response().ended() && !request.response().closed()) {
      request.response().setStatusCode(status).end(body);
    }
  }

  private static void json(HttpServerRequest request, Object value) {
    if (!request.response().ended() && !request.response().closed()) {
      request.response().setStatusCode(200).putHeader("Content-Type", "application/json")
          .end(value instanceof JsonArray a ? a.encode() : ((JsonObject) value).encode());
    }
  }

  private static long parseLong(String text, String name) {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new BadRequest("Invalid " + name + ": " + text);
    }
  }

  /** A Go duration ("15s", "1.5s", "10ms", "1m") or a number of nanoseconds, as Consul accepts both. */
  static Duration durationOf(Object value, Duration absent) {
    if (value == null || (value instanceof String s && s.isEmpty())) {
      return absent;
    }
    if (value instanceof Number n) {
      return Duration.ofNanos(n.longValue());
    }
    return parseDuration(value.toString());
  }

  static Duration parseDuration(String text) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)").matcher(text);
    double nanos = 0;
    int end = 0;
    while (m.find() && m.start() == end) {
      double n = Double.parseDouble(m.group(1));
      nanos += n * switch (m.group(2)) {
        case "ns" -> 1;
        case "us", "µs" -> 1e3;
        case "ms" -> 1e6;
        case "s" -> 1e9;
        case "m" -> 60e9;
        default -> 3600e9;
      };
      end = m.end();
    }
    if (end == 0 || end != text.length()) {
      throw new BadRequest("Invalid duration: " + text);
    }
    return Duration.ofNanos((long) nanos);
  }

  /** {@code --port PORT [--host H] [--acl-token T] [--session-ttl-min 10s]}; runs in the foreground. */
  public static void main(String[] args) throws Exception {
    Options options = Options.onPort(8500);
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--port" -> options = new Options(options.host(), Integer.parseInt(value), options.aclToken(), options.sessionTtlMin());
        case "--host" -> options = new Options(value, options.port(), options.aclToken(), options.sessionTtlMin());
        case "--acl-token" -> options = options.withAclToken(value);
        case "--session-ttl-min" -> options = options.withSessionTtlMin(parseDuration(value));
        default -> {
          System.err.println("usage: consul-emulator --port PORT [--host 127.0.0.1] [--acl-token TOKEN]"
              + " [--session-ttl-min 10s]");
          System.exit(2);
        }
      }
      i++;
    }
    Vertx vertx = Vertx.vertx();
    ConsulEmulator emulator = new ConsulEmulator(vertx, options);
    int port = emulator.start().toCompletionStage().toCompletableFuture().get();
    System.out.println("Consul HTTP API emulator (a development tool, not Consul) listening on http://"
        + options.host() + ":" + port + (options.aclToken() == null ? "" : " (ACL token required)"));
    CountDownLatch forever = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(forever::countDown));
    forever.await();
  }
}
