package io.vigil.dcs.consul;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vigil.dcs.StoredValue;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The KV calls the Vert.x Consul client cannot make: reads with a consistency mode ({@code ?consistent},
 * {@code ?stale}), blocking reads that keep {@code X-Consul-Index} also when the prefix is empty (the client
 * drops it on a 404, which would turn a watch into a busy loop), and {@code DELETE ?cas=}. Everything else goes
 * through the Vert.x Consul client.
 */
final class ConsulKv {
  /** What a recursive read saw: every key under the prefix, and the index to block on next. */
  record Snapshot(long index, Map<String, StoredValue> nodes) {
    Snapshot {
      nodes = Map.copyOf(nodes);
    }
  }

  private final WebClient http;
  private final ConsulOptions options;

  ConsulKv(Vertx vertx, ConsulOptions options, long connectTimeoutMs) {
    this.http = WebClient.create(vertx, options.webOptions(connectTimeoutMs));
    this.options = options;
  }

  /**
   * Every key under {@code prefix} (full Consul keys). With {@code index > 0} this is a blocking query that
   * returns when the prefix changes past {@code index} or after {@code waitSeconds}.
   */
  Future<Snapshot> readPrefix(String prefix, long index, int waitSeconds, long timeoutMs) {
    HttpRequest<Buffer> request = request(HttpMethod.GET, prefix, timeoutMs).addQueryParam("recurse", "true");
    if (!options.consistency().equals("default")) {
      request.addQueryParam(options.consistency(), "");
    }
    if (index > 0) {
      request.addQueryParam("index", Long.toString(index)).addQueryParam("wait", waitSeconds + "s");
    }
    return request.send().map(response -> {
      if (response.statusCode() != 200 && response.statusCode() != 404) {
        throw failure(response);
      }
      String header = response.getHeader("X-Consul-Index");
      long next = header == null ? 0 : Long.parseLong(header);
      Map<String, StoredValue> nodes = new LinkedHashMap<>();
      if (response.statusCode() == 200) {
        JsonArray entries = response.bodyAsJsonArray();
        for (int i = 0; i < entries.size(); i++) {
          JsonObject e = entries.getJsonObject(i);
          nodes.put(e.getString("Key"), stored(e));
        }
      }
      return new Snapshot(next, nodes);
    });
  }

  /** One key, always {@code ?consistent}: the writes that depend on it must see the latest value. */
  Future<StoredValue> readKey(String key, long timeoutMs) {
    return request(HttpMethod.GET, key, timeoutMs).addQueryParam("consistent", "").send().map(response -> {
      if (response.statusCode() == 404) {
        return null;
      }
      if (response.statusCode() != 200) {
        throw failure(response);
      }
      return stored(response.bodyAsJsonArray().getJsonObject(0));
    });
  }

  /** {@code DELETE ?cas=<ModifyIndex>}; false when the key changed meanwhile. */
  Future<Boolean> deleteIfUnchanged(String key, long modifyIndex, long timeoutMs) {
    return request(HttpMethod.DELETE, key, timeoutMs).addQueryParam("cas", Long.toString(modifyIndex)).send()
        .map(response -> {
          if (response.statusCode() != 200) {
            throw failure(response);
          }
          return Boolean.parseBoolean(response.bodyAsString().trim());
        });
  }

  void close() {
    http.close();
  }

  private HttpRequest<Buffer> request(HttpMethod method, String key, long timeoutMs) {
    String path = "/v1/kv/" + URLEncoder.encode(key, StandardCharsets.UTF_8).replace("%2F", "/").replace("+", "%20");
    HttpRequest<Buffer> request = http.request(method, path).timeout(timeoutMs);
    if (options.token() != null) {
      request.putHeader("X-Consul-Token", options.token().reveal());
    }
    if (options.dc() != null) {
      request.addQueryParam("dc", options.dc());
    }
    return request;
  }

  /** A value as Consul returns it: base64 (null for an empty value), ModifyIndex, and the holding Session. */
  static StoredValue stored(JsonObject entry) {
    String encoded = entry.getString("Value");
    String value = encoded == null ? "" : new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
    return new StoredValue(value, entry.getLong("ModifyIndex", 0L), entry.getString("Session"));
  }

  private static RuntimeException failure(HttpResponse<Buffer> response) {
    String body = response.bodyAsString() == null ? "" : response.bodyAsString().trim();
    return new IllegalStateException("status " + response.statusCode() + " " + response.statusMessage()
        + (body.isEmpty() ? "" : ": " + body));
  }
}
