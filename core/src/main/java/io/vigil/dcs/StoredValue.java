package io.vigil.dcs;

/**
 * One key as a backend read it, before parsing.
 *
 * @param value the stored text (UTF-8), never null
 * @param version what CAS compares against: etcd {@code mod_revision}, ZooKeeper {@code stat.version} (or
 *     {@code mzxid} for history, as Patroni does), Consul {@code ModifyIndex}. Any value is a real version (a
 *     new znode's is 0); a key that does not exist has no StoredValue at all
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
