package io.vigil.callbacks.dispatch;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vigil.bus.Addresses;
import io.vigil.callbacks.AgentCallbacks;
import io.vigil.callbacks.CallbackContext;
import io.vigil.callbacks.ScriptAction;
import io.vigil.cluster.Cluster;
import io.vigil.config.Settings;
import io.vigil.events.EventEmitter;
import io.vigil.events.EventType;
import io.vigil.events.VigilEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's {@link AgentCallbacks}: hands every event of {@link Addresses#EVENTS} to each plugin's
 * {@link PluginRunner}, starts the script callbacks the runtime asks for, publishes each script's start and end as
 * {@link EventType#CALLBACK_STARTED} / {@link EventType#CALLBACK_FINISHED}, and answers the plugins' promotion veto.
 * Its event-loop handlers only queue work; no plugin and no process ever runs on the event loop.
 */
final class CallbackDispatcher extends AbstractVerticle implements AgentCallbacks {
  private static final Logger LOG = LoggerFactory.getLogger(CallbackDispatcher.class);

  private final String scope;
  private final String member;
  private final EventEmitter events;
  private final ScriptCallbacks scripts;
  private final List<PluginRunner> plugins = new ArrayList<>();
  private final ScheduledExecutorService deadlines = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "vigil-callback-deadlines");
    t.setDaemon(true);
    return t;
  });
  private volatile Cluster cluster;

  CallbackDispatcher(Settings settings, EventEmitter events, List<PluginLoader.Loaded> loaded, boolean asPostgres,
      Map<String, String> environment) {
    this.scope = settings.scope();
    this.member = settings.name();
    this.events = events;
    this.scripts = new ScriptCallbacks(scope, settings.postgresql().callbacks(),
        ScriptCallbacks.scriptEnvironment(environment), asPostgres, this::publish);
    for (PluginLoader.Loaded l : loaded) {
      String name = l.plugin().name();
      Map<String, Object> own = settings.callbacks().plugins().getOrDefault(name, Map.of());
      plugins.add(new PluginRunner(l.plugin(), name, settings.callbacks().timeout(),
          deadline -> new CallbackContext(scope, member, cluster, own, deadline), deadlines));
    }
    for (String configured : settings.callbacks().plugins().keySet()) {
      if (plugins.stream().noneMatch(p -> p.name().equals(configured))) {
        LOG.warn("callbacks.plugins.{}: no loaded plugin has that name; its settings are unused", configured);
      }
    }
  }

  @Override
  public void start() {
    vertx.eventBus().<VigilEvent>localConsumer(Addresses.EVENTS, m -> {
      for (PluginRunner p : plugins) {
        p.deliver(m.body());
      }
    });
  }

  @Override
  public void stop() {
    plugins.forEach(PluginRunner::close);
    scripts.close();
    deadlines.shutdownNow();
  }

  @Override
  public void script(ScriptAction action, String role) {
    scripts.call(action, role);
  }

  @Override
  public Future<Boolean> allowPromotion() {
    if (plugins.isEmpty()) {
      return Future.succeededFuture(true);
    }
    List<CompletableFuture<Boolean>> answers = new ArrayList<>();
    for (PluginRunner p : plugins) {
      answers.add(p.allowPromotion().whenComplete((ok, e) -> {
        if (!Boolean.TRUE.equals(ok)) {
          LOG.warn("callback plugin {} refused the promotion (or did not answer in time)", p.name());
        }
      }));
    }
    Promise<Boolean> all = Promise.promise();
    CompletableFuture.allOf(answers.toArray(new CompletableFuture[0])).whenComplete((v, e) ->
        all.complete(answers.stream().allMatch(a -> Boolean.TRUE.equals(a.getNow(false)))));
    return all.future();
  }

  @Override
  public void clusterSeen(Cluster cluster) {
    this.cluster = cluster;
  }

  @Override
  public void reloaded(Settings fresh) {
    scripts.setCommands(fresh.postgresql().callbacks());
  }

  @Override
  public Future<Void> close() {
    return vertx == null || deploymentID() == null ? Future.succeededFuture() : vertx.undeploy(deploymentID());
  }

  /** Number of plugins loaded (tests, start-up log). */
  int pluginCount() {
    return plugins.size();
  }

  ScriptCallbacks scripts() {
    return scripts;
  }

  private void publish(ScriptSlot.Outcome outcome) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("callback", "postgresql.callbacks." + outcome.action().patroniName());
    data.put("action", outcome.action().patroniName());
    data.put("command", outcome.command().shown());
    List<String> script = outcome.command().script();
    data.put("role", script.get(script.size() - 2));
    if (outcome instanceof ScriptSlot.Outcome.Started s) {
      data.put("pid", s.pid());
      events.emit(EventType.CALLBACK_STARTED, data);
    } else if (outcome instanceof ScriptSlot.Outcome.Finished f) {
      data.put("pid", f.pid());
      data.put("exit_code", f.exitCode());
      data.put("duration_ms", f.durationMillis());
      data.put("killed", f.killed());
      events.emit(EventType.CALLBACK_FINISHED, data);
    } else if (outcome instanceof ScriptSlot.Outcome.Failed f) {
      data.put("exit_code", null);
      data.put("duration_ms", 0);
      data.put("killed", false);
      data.put("error", f.error());
      events.emit(EventType.CALLBACK_FINISHED, data);
    }
  }
}
