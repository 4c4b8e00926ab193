package io.vigil.cluster;

import java.util.Map;

/** The {@code config} key: the dynamic configuration JSON and its version for CAS. */
public record ClusterConfig(long version, Map<String, Object> data) {
  public ClusterConfig {
    data = data == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(data));
  }
}
