package io.vigil.cluster;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code failsafe} key: member name → api_url of every member that takes part in failsafe mode. The order
 * is kept as given (Patroni writes the leader first), so the stored JSON reads back byte for byte.
 */
public record Failsafe(Map<String, String> members) {
  public Failsafe {
    members = Collections.unmodifiableMap(new LinkedHashMap<>(members));
  }
}
