package io.vigil.cluster;

import java.util.Map;

/**
 * The {@code config} key: the dynamic configuration JSON and its version for CAS. A missing key is a null
 * {@code ClusterConfig}, never a version: 0 is the version of every znode ZooKeeper creates.
 */
public record ClusterConfig(long version, Map<String, Object> data) {
  public ClusterConfig {
    data = data == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(data));
  }
}
