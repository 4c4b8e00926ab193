package io.vigil.config;

import java.nio.file.Path;

/**
 * The node's local configuration: Patroni's YAML file merged with {@code PATRONI_*} environment variables,
 * validated. Immutable; a SIGHUP builds a new one. Dynamic settings (the DCS {@code /config} key) are kept
 * apart in {@link GlobalConfig} and combined with these by {@link EffectiveConfig}.
 *
 * @param source the file (or directory) it was read from, null when configured by environment alone
 */
public record Settings(
    Path source,
    String scope,
    String namespace,
    String name,
    RestApiSettings restapi,
    CtlSettings ctl,
    LogSettings log,
    DcsSettings dcs,
    BootstrapSettings bootstrap,
    PostgresSettings postgresql,
    WatchdogSettings watchdog,
    Tags tags,
    /** null when the TCP event bridge is off (no {@code event_bridge} section) */
    EventBridgeSettings eventBridge,
    /** Vigil's {@code callbacks:} section (plugins); never null */
    CallbackSettings callbacks) {

  public Settings {
    callbacks = callbacks == null ? CallbackSettings.defaults() : callbacks;
  }

  /** Without the event bridge (it is off unless configured) and without a {@code callbacks:} section. */
  public Settings(Path source, String scope, String namespace, String name, RestApiSettings restapi, CtlSettings ctl,
      LogSettings log, DcsSettings dcs, BootstrapSettings bootstrap, PostgresSettings postgresql,
      WatchdogSettings watchdog, Tags tags) {
    this(source, scope, namespace, name, restapi, ctl, log, dcs, bootstrap, postgresql, watchdog, tags, null, null);
  }
}
