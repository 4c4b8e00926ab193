package io.vigil.ha;

import io.vigil.cluster.Member;
import java.util.LinkedHashMap;
import java.util.Map;

/** Member keys as Patroni writes them (docs/dcs-layout.md §1.2), for the engine tests. */
final class Members {
  private Members() {}

  static Member primary(String name) {
    return member(name, "primary", 50_000_000L, Map.of());
  }

  static Member replica(String name) {
    return member(name, "replica", 50_000_000L, Map.of());
  }

  static Member replica(String name, Map<String, Object> tags) {
    return member(name, "replica", 50_000_000L, tags);
  }

  static Member stopped(String name) {
    Map<String, Object> data = new LinkedHashMap<>(replica(name).data());
    data.put("state", "stopped");
    data.remove("xlog_location");
    return new Member(name, 1, null, data);
  }

  static Member member(String name, String role, long lsn, Map<String, Object> tags) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("conn_url", "postgres://127.0.0.1:5432/postgres");
    data.put("api_url", "http://127.0.0.1:8008/patroni");
    data.put("state", "running");
    data.put("role", role);
    data.put("version", "4.1.4");
    data.put("xlog_location", lsn);
    data.put("timeline", 1);
    if (!tags.isEmpty()) {
      data.put("tags", tags);
    }
    return new Member(name, 1, null, data);
  }
}
