package io.vigil.callbacks.dispatch;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vigil.callbacks.AgentCallbacks;
import io.vigil.callbacks.AgentCallbacksProvider;
import io.vigil.config.Settings;
import io.vigil.events.EventEmitter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Loads the plugins and deploys the {@link CallbackDispatcher}; found by the agent with ServiceLoader. */
public final class CallbacksProvider implements AgentCallbacksProvider {
  private static final Logger LOG = LoggerFactory.getLogger(CallbacksProvider.class);

  @Override
  public Future<AgentCallbacks> start(Vertx vertx, Settings settings, EventEmitter events) {
    return vertx.<List<PluginLoader.Loaded>>executeBlocking(() -> PluginLoader.load(
            CallbacksProvider.class.getClassLoader(), settings.callbacks().pluginDir()))
        .compose(loaded -> {
          CallbackDispatcher dispatcher = new CallbackDispatcher(settings, events, loaded, runningAsRoot(),
              System.getenv());
          LOG.info("callbacks: {} script callback(s) configured, {} plugin(s) loaded",
              settings.postgresql().callbacks().size(), dispatcher.pluginCount());
          return vertx.deployVerticle(dispatcher).map(id -> (AgentCallbacks) dispatcher);
        });
  }

  /** As for PostgreSQL's own tools: a root agent runs the scripts as the postgres user. */
  static boolean runningAsRoot() {
    try {
      return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    } catch (java.io.IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return false;
    }
  }
}
