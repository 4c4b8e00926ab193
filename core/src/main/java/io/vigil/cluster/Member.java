package io.vigil.cluster;

import java.util.Map;

/**
 * One {@code members/<name>} key. Like Patroni's Member it keeps the stored JSON as it is and reads fields
 * on demand, so keys written by newer or older agents (or by Patroni itself) round-trip unchanged.
 *
 * @param version the key's version for CAS (etcd mod_revision, zk version)
 * @param session the lease or session that keeps the key alive, null if unknown
 * @param data the member JSON (docs/dcs-layout.md §1.2), never null
 */
public record Member(String name, long version, String session, Map<String, Object> data) {
  public Member {
    data = data == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(data));
  }

  public String connUrl() {
    return string("conn_url");
  }

  public String apiUrl() {
    return string("api_url");
  }

  public String state() {
    return string("state");
  }

  /** The role with Patroni 3's {@code master} read as {@code primary}. */
  public String role() {
    String role = string("role");
    return "master".equals(role) ? "primary" : role;
  }

  @SuppressWarnings("unchecked")
  public Map<String, Object> tags() {
    Object tags = data.get("tags");
    return tags instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  public io.vigil.config.Tags typedTags() {
    return new io.vigil.config.Tags(tags());
  }

  public Long xlogLocation() {
    return longValue("xlog_location");
  }

  public Long receiveLsn() {
    return longValue("receive_lsn");
  }

  public Long replayLsn() {
    return longValue("replay_lsn");
  }

  public Integer timeline() {
    Long t = longValue("timeline");
    return t == null ? null : t.intValue();
  }

  /** {@code false} only while a fresh leader has not finished its post-promote CHECKPOINT. */
  public boolean checkpointAfterPromote() {
    return !Boolean.FALSE.equals(data.get("checkpoint_after_promote"));
  }

  public boolean isRunning() {
    return "running".equals(state());
  }

  private String string(String key) {
    Object v = data.get(key);
    return v == null ? null : String.valueOf(v);
  }

  private Long longValue(String key) {
    Object v = data.get(key);
    if (v instanceof Number n) {
      return n.longValue();
    }
    if (v instanceof String s) {
      try {
        return Long.parseLong(s);
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }
}
