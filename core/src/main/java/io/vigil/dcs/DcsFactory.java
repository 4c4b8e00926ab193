package io.vigil.dcs;

import io.vertx.core.Vertx;
import java.util.List;
import java.util.Optional;
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

  /**
   * A blocking read of the whole cluster for a command that reads once and exits (vigilctl {@code list},
   * {@code history}, {@code show-config}), made without an event loop or the plugin's client library, when the
   * plugin has such a path for these settings; empty otherwise, and the caller uses {@link #create} and
   * {@link Dcs#readCluster()}. Same answer and failures as {@link Dcs#readCluster()}, within the context's
   * retry_timeout.
   */
  default Optional<OneShotRead> oneShotRead(DcsContext context) {
    return Optional.empty();
  }

  /** See {@link #oneShotRead}. */
  @FunctionalInterface
  interface OneShotRead {
    /** @throws DcsUnavailableException the store could not be asked or did not answer in time */
    io.vigil.cluster.Cluster read();
  }
}
