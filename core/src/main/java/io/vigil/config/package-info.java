/**
 * A node's configuration, read as Patroni reads it: {@link io.vigil.config.SettingsLoader} loads the YAML file (or
 * directory) and the {@code PATRONI_*} environment and validates it into the immutable
 * {@link io.vigil.config.Settings}, reporting every problem with its file and key
 * ({@link io.vigil.config.SettingsError}). {@link io.vigil.config.GlobalConfigParser} turns the DCS {@code /config}
 * into {@link io.vigil.config.GlobalConfig} with Patroni's defaults and minimums, and
 * {@link io.vigil.config.EffectiveConfig} merges it with the local file in Patroni's order of precedence. Secrets
 * are {@link io.vigil.config.Secret}s and never printed. See docs/configuration.md.
 */
package io.vigil.config;
