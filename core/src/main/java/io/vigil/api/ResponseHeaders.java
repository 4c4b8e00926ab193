package io.vigil.api;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vigil.config.RestApiSettings;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The headers Patroni adds to every full answer: {@code Server} (per {@code server_tokens}), {@code Date}, and
 * {@code http_extra_headers} (+ {@code https_extra_headers} with TLS).
 */
final class ResponseHeaders {
  private static final DateTimeFormatter HTTP_DATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

  private final String server;
  private final Map<String, String> extra;
  private final ApiClock clock;
  private long dateSecond = Long.MIN_VALUE;
  private String date;

  ResponseHeaders(RestApiSettings settings, String patroniVersion, String vigilVersion, ApiClock clock) {
    this.server = serverHeader(settings.serverTokens(), patroniVersion, vigilVersion);
    Map<String, String> headers = new LinkedHashMap<>();
    if (settings.httpExtraHeaders() != null) {
      headers.putAll(settings.httpExtraHeaders());
    }
    if (settings.tls() && settings.httpsExtraHeaders() != null) {
      headers.putAll(settings.httpsExtraHeaders());
    }
    this.extra = Map.copyOf(headers);
    this.clock = clock;
  }

  /**
   * {@code server_tokens}: Minimal → {@code Patroni/<version>}, ProductOnly → {@code Patroni}; Original (the
   * default, or anything else) names the real server as Python's BaseHTTP does: {@code Vigil/<v> Java/<v>}.
   */
  static String serverHeader(String tokens, String patroniVersion, String vigilVersion) {
    String t = tokens == null ? "original" : tokens.toLowerCase(Locale.ROOT);
    return switch (t) {
      case "productonly" -> "Patroni";
      case "minimal" -> "Patroni/" + patroniVersion;
      default -> "Vigil/" + vigilVersion + " Java/" + Runtime.version().feature();
    };
  }

  void addStandard(MultiMap h) {
    h.set(HttpHeaders.SERVER, server);
    h.set(HttpHeaders.DATE, date());
  }

  void addExtra(MultiMap h) {
    for (Map.Entry<String, String> e : extra.entrySet()) {
      h.add(e.getKey(), e.getValue());
    }
  }

  private String date() {
    Instant now = clock.now();
    long second = now.getEpochSecond();
    if (second != dateSecond) {
      dateSecond = second;
      date = HTTP_DATE.format(now);
    }
    return date;
  }
}
