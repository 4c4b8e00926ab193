package io.vigil.dcs;

import io.vertx.core.Vertx;
import java.util.List;
import java.util.Set;

/**
 * ServiceLoader entry of a DCS plugin. The config section name picks the plugin ({@code etcd3:},
 * {@code zookeeper:}, {@code consul:}); a section whose plugin is not on the class path is a start-up error
 * naming the missing module (see {@link DcsPlugins}).
 */
public interface DcsFactory {
  /** The config section this plugin serves. */
  String name();

  /**
   * Every key its config section may hold. Core's config validation reports any other key of the section as
   * unknown (with the key and the file it came from), so core itself knows no plugin's keys.
   */
  Set<String> configKeys();

  /** Problems with the plugin's own section, one line each naming the key ({@code etcd3.hosts: ...}). */
  List<String> validate(io.vigil.config.DcsSettings settings);

  /** Creates a client; does not block and does not fail when the store is down (calls fail later). */
  Dcs create(Vertx vertx, DcsContext context);
}
