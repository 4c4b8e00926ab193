package io.vigil.patroni;

import io.vigil.cluster.Cluster;
import java.util.Locale;
import java.util.Map;

/**
 * The questions Patroni asks of the dynamic configuration ({@code /config}) through its {@code global_config}
 * module (global_config.py): maintenance mode, synchronous and quorum mode, standby cluster. REST answers and
 * vigilctl decide them here, the same way.
 *
 * @param data the stored {@code /config} value, never null (empty when the key is missing)
 */
public record DynamicConfig(Map<String, Object> data) {
  public DynamicConfig {
    data = data == null ? Map.of() : data;
  }

  /** {@code global_config.from_cluster(cluster)}: the cluster's {@code /config}, empty when there is none. */
  public static DynamicConfig of(Cluster cluster) {
    return new DynamicConfig(cluster == null || cluster.config() == null ? null : cluster.config().data());
  }

  public Object get(String name) {
    return data.get(name);
  }

  /** {@code check_mode(name)}: {@code parse_bool} of the value is true ({@code 2} or {@code "y"} is not). */
  public boolean checkMode(String name) {
    return Boolean.TRUE.equals(PyText.parseBool(data.get(name)));
  }

  /** {@code is_paused}: {@code pause} is on. */
  public boolean isPaused() {
    return checkMode("pause");
  }

  /** {@code is_quorum_commit_mode}: {@code synchronous_mode} is {@code quorum}, in any case. */
  public boolean isQuorumCommitMode() {
    return PyText.str(data.get("synchronous_mode")).toLowerCase(Locale.ROOT).equals("quorum");
  }

  /** {@code is_synchronous_mode}: {@code synchronous_mode} is on or quorum, and this is not a standby cluster. */
  public boolean isSynchronousMode() {
    return (checkMode("synchronous_mode") || isQuorumCommitMode()) && !isStandbyCluster();
  }

  /** {@code is_standby_cluster}: see {@link #isStandbyClusterSection}. */
  public boolean isStandbyCluster() {
    return isStandbyClusterSection(data.get("standby_cluster"));
  }

  /**
   * Whether a {@code standby_cluster} value makes a standby cluster: a map in which {@code host}, {@code port} or
   * {@code restore_command} is truthy in Python's sense ({@code ""}, {@code 0}, {@code false}, {@code []} are not).
   */
  public static boolean isStandbyClusterSection(Object standbyCluster) {
    return standbyCluster instanceof Map<?, ?> m
        && (PyText.truthy(m.get("host")) || PyText.truthy(m.get("port")) || PyText.truthy(m.get("restore_command")));
  }

  /** {@code get_int(name, default, base_unit)}: {@code parse_int} of the value, the default when unreadable. */
  public long getInt(String name, long fallback, String baseUnit) {
    Long v = PyText.parseInt(data.get(name), baseUnit);
    return v == null ? fallback : v;
  }
}
