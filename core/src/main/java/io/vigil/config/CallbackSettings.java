package io.vigil.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * {@code callbacks:} (Vigil's own section, docs/callbacks.md §3): where Java callback plugins are loaded from, how
 * long each call may take, and each plugin's own settings. Patroni's script callbacks stay where Patroni has them,
 * under {@code postgresql.callbacks} ({@link PostgresSettings#callbacks()}).
 *
 * @param pluginDir a directory of plugin jars, null when only the agent's class path is searched
 * @param timeout how long one call of a plugin may take before it is abandoned
 * @param plugins plugin name → its settings, handed to it unchanged
 */
public record CallbackSettings(Path pluginDir, Duration timeout, Map<String, Map<String, Object>> plugins) {
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  public CallbackSettings {
    timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
    plugins = plugins == null ? Map.of() : Map.copyOf(plugins);
  }

  /** No plugin directory, the default timeout, no plugin settings. */
  public static CallbackSettings defaults() {
    return new CallbackSettings(null, DEFAULT_TIMEOUT, Map.of());
  }
}
