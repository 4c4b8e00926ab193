package io.vigil.dcs;

/**
 * One key as a backend read it, before parsing.
 *
 * @param value the stored text (UTF-8), never null
 * @param version what CAS compares against: etcd {@code mod_revision}, ZooKeeper {@code stat.version} (or
 *     {@code mzxid} for config and history, as Patroni does), Consul {@code ModifyIndex}
 * @param session the lease / session / ephemeral owner that keeps the key alive, null for persistent keys
 */
public record StoredValue(String value, long version, String session) {
  public StoredValue {
    value = value == null ? "" : value;
  }

  public static StoredValue of(String value, long version) {
    return new StoredValue(value, version, null);
  }
}
