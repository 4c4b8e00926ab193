package io.vigil.runtime;

import io.vigil.cluster.Cluster;
import io.vigil.cluster.Member;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Duration;

/**
 * The start-up refusal of docs/ha-rules.md §2.0, as Patroni's {@code Patroni.ensure_unique_name} (patroni/__main__.py) does
 * before its HA loop exists: when the cluster already has a member key with this node's name and that member's
 * REST API answers {@code /liveness}, another agent runs under the same name and this one must not start. A
 * crashed predecessor's key (its API does not answer) is fine.
 *
 * <p>Runs once, on the main thread, after the REST API listens and before the HA loop is deployed; the HA engine
 * knows nothing of it.
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
   * @param ownApiUrl this agent's own {@code api_url}: its REST API already listens there, so a member key with
   *     that URL (a predecessor's) would only reach this agent; another agent on the same host and port could not
   *     have let it bind
   * @return whether a member named {@code name} is in {@code cluster} and its {@code /liveness} answers 200
   */
  static boolean takenByALiveNode(Cluster cluster, String name, String ownApiUrl) {
    Member same = cluster == null ? null : cluster.member(name).orElse(null);
    if (same == null || same.apiUrl() == null || same.apiUrl().equals(ownApiUrl)) {
      return false;
    }
    String base = PeerProbe.apiBase(same);
    // HttpURLConnection rather than java.net.http: the latter sets up TLS even for http and cost 0.4 s of start-up
    try {
      HttpURLConnection probe = (HttpURLConnection) URI.create(base + "/liveness").toURL().openConnection();
      probe.setConnectTimeout((int) TIMEOUT.toMillis());
      probe.setReadTimeout((int) TIMEOUT.toMillis());
      probe.setInstanceFollowRedirects(false);
      try {
        return probe.getResponseCode() == 200;
      } finally {
        probe.disconnect();
      }
    } catch (IOException | IllegalArgumentException | ClassCastException e) {
      return false;
    }
  }
}
