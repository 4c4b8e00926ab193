package io.vigil.runtime;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vigil.cluster.Member;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Asks other members for their state ({@code GET <api_url>}, i.e. {@code /patroni}) in parallel, each with a
 * 2 s timeout and no retry, as Patroni does before racing for the leader key (docs/ha-rules.md §2.4). A member that does
 * not answer in time, or answers badly, is reported as unreachable (null), never as an error.
 */
public final class PeerProbe {
  static final int TIMEOUT_MILLIS = 2000;
  private final WebClient client;

  public PeerProbe(Vertx vertx, boolean trustAll) {
    // no pool cleaner (Vert.x runs one every second per client by default, on an idle agent too): a connection
    // idle for 5 s closes itself and leaves the pool then
    this.client = WebClient.create(vertx, new WebClientOptions()
        .setConnectTimeout(TIMEOUT_MILLIS)
        .setIdleTimeout(5)
        .setTrustAll(trustAll)
        .setVerifyHost(!trustAll)
        .setUserAgent("vigil"), new io.vertx.core.http.PoolOptions().setCleanerPeriod(0));
  }

  /** member name → its /patroni JSON, or null when it did not answer. Never fails. */
  public Future<Map<String, JsonObject>> probe(List<Member> members) {
    List<Future<JsonObject>> answers = new ArrayList<>();
    for (Member m : members) {
      answers.add(ask(m));
    }
    return Future.join(answers).transform(ignored -> {
      Map<String, JsonObject> result = new LinkedHashMap<>();
      for (int i = 0; i < members.size(); i++) {
        Future<JsonObject> f = answers.get(i);
        result.put(members.get(i).name(), f.succeeded() ? f.result() : null);
      }
      return Future.succeededFuture(result);
    });
  }

  /** POSTs a JSON body to another member's REST API path (failsafe heartbeats); completes with the status code. */
  public Future<Integer> post(Member member, String path, JsonObject body) {
    String base = apiBase(member);
    if (base == null) {
      return Future.succeededFuture(-1);
    }
    return client.requestAbs(HttpMethod.POST, base + path)
        .timeout(TIMEOUT_MILLIS)
        .sendJsonObject(body)
        .map(r -> r.statusCode())
        .otherwise(-1);
  }

  private Future<JsonObject> ask(Member m) {
    if (m.apiUrl() == null) {
      return Future.failedFuture("no api_url");
    }
    return client.getAbs(m.apiUrl())
        .timeout(TIMEOUT_MILLIS)
        .send()
        .map(r -> r.statusCode() == 200 ? r.bodyAsJsonObject() : null);
  }

  /** {@code http://host:port} from an api_url ending in {@code /patroni}. */
  static String apiBase(Member m) {
    String url = m.apiUrl();
    if (url == null) {
      return null;
    }
    int path = url.indexOf('/', url.indexOf("://") + 3);
    return path < 0 ? url : url.substring(0, path);
  }

  public void close() {
    client.close();
  }
}
