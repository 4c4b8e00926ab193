package io.vigil.callbacks;

import io.vigil.cluster.Cluster;
import java.time.Instant;
import java.util.Map;

/**
 * What a plugin is given with each call.
 *
 * @param scope the cluster name
 * @param member this agent's member name
 * @param cluster the last cluster snapshot the HA loop acted on (immutable), null before the first cycle
 * @param settings this plugin's settings from {@code callbacks.plugins.<name>} (read-only), empty when none
 * @param deadline when this call must have completed
 */
public record CallbackContext(String scope, String member, Cluster cluster, Map<String, Object> settings,
    Instant deadline) {

  public CallbackContext {
    settings = settings == null ? Map.of() : settings;
  }
}
