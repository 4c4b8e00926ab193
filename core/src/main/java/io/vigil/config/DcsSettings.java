package io.vigil.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The one DCS section of the config: its name ({@code etcd3}, {@code zookeeper}, {@code consul}), which picks
 * the plugin, and its options exactly as written (lists or comma strings are left to the plugin). Secrets in
 * the options are hidden by {@link #toString()}.
 */
public record DcsSettings(String kind, Map<String, Object> options) {
  private static final Set<String> SECRET_KEYS = Set.of("password", "token", "key_password", "auth_data");

  public DcsSettings {
    options = Map.copyOf(options);
  }

  public String string(String key) {
    Object v = options.get(key);
    return v == null ? null : String.valueOf(v);
  }

  @Override
  public String toString() {
    Map<String, Object> shown = new LinkedHashMap<>(options);
    shown.replaceAll((k, v) -> SECRET_KEYS.contains(k) ? "******" : v);
    return "DcsSettings[kind=" + kind + ", options=" + shown + "]";
  }
}
