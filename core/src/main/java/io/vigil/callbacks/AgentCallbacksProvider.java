package io.vigil.callbacks;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vigil.config.Settings;
import io.vigil.events.EventEmitter;
import java.util.ServiceLoader;

/**
 * Creates the agent's {@link AgentCallbacks}; implemented by the plugins/callbacks module and found with
 * ServiceLoader, like the DCS plugins.
 */
public interface AgentCallbacksProvider {

  /**
   * Loads the plugins and deploys what runs them.
   *
   * @param events the agent's one emitter: callback starts and ends are published through it
   */
  Future<AgentCallbacks> start(Vertx vertx, Settings settings, EventEmitter events);

  /**
   * The provider on the class path. Without one, configured script callbacks or a plugin directory are an error:
   * they would silently never run.
   */
  static AgentCallbacksProvider find(Settings settings) {
    for (AgentCallbacksProvider p : ServiceLoader.load(AgentCallbacksProvider.class)) {
      return p;
    }
    boolean configured = settings.postgresql() != null && !settings.postgresql().callbacks().isEmpty()
        || settings.callbacks().pluginDir() != null;
    if (configured) {
      throw new IllegalStateException("postgresql.callbacks or callbacks.plugin_dir is set, but the callbacks module "
          + "(plugins/callbacks) is not on the class path");
    }
    return (vertx, s, events) -> Future.succeededFuture(AgentCallbacks.NONE);
  }
}
