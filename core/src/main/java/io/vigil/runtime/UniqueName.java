package io.vigil.runtime;

import io.vigil.cluster.Cluster;
import io.vigil.cluster.Member;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The start-up refusal of docs/ha-rules.md §2.0, as Patroni's {@code Patroni.ensure_unique_name} (patroni/__main__.py) does
 * before its HA loop exists: when the cluster already has a member key with this node's name and that member's
 * REST API answers {@code /liveness}, another agent runs under the same name and this one must not start. A
 * crashed predecessor's key (its API does not answer) is fine.
 *
 * <p>Runs once, on the main thread, before the HA loop is deployed; the HA engine knows nothing of it.
 */
final class UniqueName {
  static final Duration TIMEOUT = Duration.ofSeconds(2);

  private UniqueName() {}

  /** The error logged (and the reason to exit with 1) when {@link #takenByALiveNode} is true. */
  static String refusal(String name) {
    return "Can't start; there is already a node named '" + name + "' running";
  }

  /**
   * @param cluster the cluster as read at start-up (null: none could be read)
   * @return whether a member named {@code name} is in {@code cluster} and its {@code /liveness} answers 200
   */
  static boolean takenByALiveNode(Cluster cluster, String name) throws InterruptedException {
    Member same = cluster == null ? null : cluster.member(name).orElse(null);
    if (same == null || same.apiUrl() == null) {
      return false;
    }
    String base = PeerProbe.apiBase(same);
    try {
      HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
      HttpResponse<Void> answer = client.send(HttpRequest.newBuilder(URI.create(base + "/liveness"))
          .timeout(TIMEOUT).GET().build(), HttpResponse.BodyHandlers.discarding());
      return answer.statusCode() == 200;
    } catch (IOException | IllegalArgumentException e) {
      return false;
    }
  }
}
