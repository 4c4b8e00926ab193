package io.vigil.callbacks.dispatch;

import io.vigil.callbacks.ScriptAction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Patroni's asynchronous script callbacks ({@code postgresql.callbacks}): on_start, on_stop, on_restart and
 * on_role_change share one slot, on_reload has its own, and each new script kills the one still running in its
 * slot (patroni/postgresql/callback_executor.py). Process starts and kills happen on a thread of their own, in
 * call order, so the HA loop never waits for a fork.
 */
final class ScriptCallbacks {
  private static final Logger LOG = LoggerFactory.getLogger(ScriptCallbacks.class);

  private final String scope;
  private final boolean asPostgres;
  private final boolean setsid;
  private volatile Map<String, String> commands;
  private final ScriptSlot main;
  private final ScriptSlot reload;
  private final ExecutorService starter = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "vigil-callback-scripts");
    t.setDaemon(true);
    return t;
  });

  /**
   * @param commands {@code postgresql.callbacks}: on_start, ... → command
   * @param environment the scripts' environment
   * @param asPostgres run the scripts as the postgres user (the agent runs as root)
   */
  ScriptCallbacks(String scope, Map<String, String> commands, Map<String, String> environment, boolean asPostgres,
      Consumer<ScriptSlot.Outcome> listener) {
    this.scope = scope;
    this.commands = Map.copyOf(commands);
    this.asPostgres = asPostgres;
    this.setsid = Files.isExecutable(Path.of(ScriptCommand.SETSID));
    this.main = new ScriptSlot("callback", environment, listener);
    this.reload = new ScriptSlot("on_reload", environment, listener);
  }

  /** Patroni removes the {@code PATRONI_*} variables it read from its environment; scripts never see them. */
  static Map<String, String> scriptEnvironment(Map<String, String> agentEnvironment) {
    Map<String, String> env = new LinkedHashMap<>();
    agentEnvironment.forEach((k, v) -> {
      if (!k.startsWith("PATRONI_")) {
        env.put(k, v);
      }
    });
    return env;
  }

  /** After a reload: the commands from the fresh configuration. */
  void setCommands(Map<String, String> fresh) {
    commands = Map.copyOf(fresh);
  }

  /** Starts the script configured for {@code action}, if any; returns at once. */
  void call(ScriptAction action, String role) {
    String command = commands.get(action.patroniName());
    if (command == null) {
      return;
    }
    ScriptCommand cmd;
    try {
      cmd = ScriptCommand.of(command, action, role, scope, asPostgres, setsid);
    } catch (IllegalArgumentException e) {
      LOG.error("postgresql.callbacks.{}: {}", action.patroniName(), e.getMessage());
      return;
    }
    ScriptSlot slot = action == ScriptAction.ON_RELOAD ? reload : main;
    starter.execute(() -> slot.run(action, cmd));
  }

  /** Slot of {@code action}, for tests. */
  ScriptSlot slot(ScriptAction action) {
    return action == ScriptAction.ON_RELOAD ? reload : main;
  }

  /** Stops accepting calls; running scripts are left to finish, as Patroni leaves them on exit. */
  void close() {
    starter.shutdown();
  }
}
