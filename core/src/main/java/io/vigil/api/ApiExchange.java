package io.vigil.api;

import io.vigil.patroni.PyJson;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Map.Entry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request and the ways Patroni answers it: a status line only (HEAD/OPTIONS/liveness), a text or JSON body
 * with the Server/Date/extra headers ({@code write_response}), or an HTML error page ({@code send_error}).
 */
final class ApiExchange {
  private static final Logger LOG = LoggerFactory.getLogger(ApiExchange.class);
  /** Patroni has no limit; a control endpoint never needs more, and memory is not the client's to spend. */
  static final int MAX_BODY_BYTES = 1 << 20;

  final HttpServerRequest request;
  final String path;
  final Map<String, List<String>> query;
  private final ResponseHeaders headers;

  ApiExchange(HttpServerRequest request, ResponseHeaders headers) {
    this.request = request;
    this.headers = headers;
    this.path = request.path() == null ? "/" : request.path();
    this.query = parseQuery(request.query());
  }

  /** The first path segment, which picks the handler as Patroni's {@code do_<METHOD>_<segment>}. */
  String segment() {
    String p = path.startsWith("/") ? path.substring(1) : path;
    int slash = p.indexOf('/');
    return slash < 0 ? p : p.substring(0, slash);
  }

  void statusOnly(int code) {
    HttpServerResponse r = request.response();
    if (r.ended()) {
      return;
    }
    r.setStatusCode(code).setStatusMessage(ApiErrors.reason(code)).end();
  }

  void text(int code, String body) {
    text(code, body, Map.of());
  }

  void text(int code, String body, Map<String, String> extra) {
    write(code, Buffer.buffer(body.getBytes(StandardCharsets.UTF_8)), "text/html", extra);
  }

  void json(int code, Object value) {
    write(code, Buffer.buffer(PyJson.dumps(value).getBytes(StandardCharsets.UTF_8)), "application/json",
        Map.of());
  }

  void write(int code, Buffer body, String contentType, Map<String, String> extra) {
    HttpServerResponse r = request.response();
    if (r.ended()) {
      return;
    }
    r.setStatusCode(code).setStatusMessage(ApiErrors.reason(code));
    MultiMap h = r.headers();
    headers.addStandard(h);
    for (Entry<String, String> e : extra.entrySet()) {
      h.add(e.getKey(), e.getValue());
    }
    if (contentType != null) {
      h.set(HttpHeaders.CONTENT_TYPE, contentType);
    }
    headers.addExtra(h);
    if (request.method() == io.vertx.core.http.HttpMethod.HEAD) {
      r.end();
    } else {
      r.end(body);
    }
  }

  /**
   * Starts a streamed answer (Server-Sent Events): status 200, the standard and extra headers, chunked, no
   * Content-Length. The caller writes the body and never ends it unless asked to.
   */
  HttpServerResponse startStream(String contentType, Map<String, String> extra) {
    HttpServerResponse r = request.response();
    r.setStatusCode(200).setStatusMessage(ApiErrors.reason(200)).setChunked(true);
    MultiMap h = r.headers();
    headers.addStandard(h);
    for (Entry<String, String> e : extra.entrySet()) {
      h.set(e.getKey(), e.getValue());
    }
    h.set(HttpHeaders.CONTENT_TYPE, contentType);
    headers.addExtra(h);
    return r;
  }

  void sendError(int code) {
    sendError(code, null);
  }

  void sendError(int code, String message) {
    HttpServerResponse r = request.response();
    if (r.ended()) {
      return;
    }
    r.setStatusCode(code).setStatusMessage(ApiErrors.reason(code));
    headers.addStandard(r.headers());
    r.headers().set(HttpHeaders.CONTENT_TYPE, "text/html;charset=utf-8");
    r.headers().set(HttpHeaders.CONNECTION, "close");
    r.end(ApiErrors.page(code, message));
  }

  /**
   * Patroni's {@code _read_json_content}: no Content-Length → 411 (or {} when optional); an empty body when
   * optional → {}; otherwise the body must be a JSON object, non-empty unless optional, else 400. Completes with
   * null when an error was already sent.
   */
  Future<Map<String, Object>> readJson(boolean optional) {
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length == null) {
      if (optional) {
        return drain().map(v -> new LinkedHashMap<>());
      }
      sendError(411);
      return Future.succeededFuture(null);
    }
    long declared;
    try {
      declared = length.isBlank() ? 0 : Long.parseLong(length.trim());
    } catch (NumberFormatException e) {
      sendError(400);
      return Future.succeededFuture(null);
    }
    if (declared == 0 && optional) {
      return drain().map(v -> new LinkedHashMap<>());
    }
    if (declared > MAX_BODY_BYTES) {
      sendError(400);
      return Future.succeededFuture(null);
    }
    Promise<Map<String, Object>> result = Promise.promise();
    request.body().onComplete(ar -> {
      if (ar.failed()) {
        sendError(400);
        result.complete(null);
        return;
      }
      Map<String, Object> parsed = parse(ar.result(), optional);
      if (parsed == null) {
        sendError(400);
      }
      result.complete(parsed);
    });
    return result.future();
  }

  private Future<Void> drain() {
    return request.body().mapEmpty();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> parse(Buffer body, boolean optional) {
    try {
      Object value = RequestJson.MAPPER.readValue(body.getBytes(), Object.class);
      if (value instanceof Map<?, ?> m && (!m.isEmpty() || optional)) {
        return (Map<String, Object>) m;
      }
    } catch (java.io.IOException e) {
      LOG.debug("Bad request: {}", e.getMessage());
    }
    return null;
  }

  static Map<String, List<String>> parseQuery(String query) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (query == null || query.isEmpty()) {
      return out;
    }
    // Python 3.10+ parse_qs separates on & only
    for (String pair : query.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      // parse_qs drops parameters without a value
      if (eq < 0 || eq == pair.length() - 1) {
        continue;
      }
      String key = decode(pair.substring(0, eq));
      String value = decode(pair.substring(eq + 1));
      out.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
    }
    return out;
  }

  private static String decode(String s) {
    try {
      return java.net.URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }
}
