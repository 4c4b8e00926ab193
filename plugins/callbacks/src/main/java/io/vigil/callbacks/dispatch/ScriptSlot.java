package io.vigil.callbacks.dispatch;

import io.vigil.callbacks.ScriptAction;
import java.io.File;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At most one running script: starting one kills the previous one and every process of its group first, as
 * Patroni's {@code CallbackExecutor} and {@code OnReloadExecutor} do (patroni/postgresql/callback_executor.py).
 * Every start, exit (code, duration) and kill is logged and reported to {@code listener}.
 */
final class ScriptSlot {
  private static final Logger LOG = LoggerFactory.getLogger(ScriptSlot.class);

  /** What happened to a script, for logs and events. */
  sealed interface Outcome {
    ScriptAction action();

    ScriptCommand command();

    /** The script was started; {@code pid} is its process (and process group) ID. */
    record Started(ScriptAction action, ScriptCommand command, long pid) implements Outcome {}

    /** The script ended: by itself ({@code killed} false) or killed by a newer callback. */
    record Finished(ScriptAction action, ScriptCommand command, long pid, int exitCode, long durationMillis,
        boolean killed) implements Outcome {}

    /** The script could not be started at all (exec failed). */
    record Failed(ScriptAction action, ScriptCommand command, String error) implements Outcome {}
  }

  private final String name;
  private final Map<String, String> environment;
  private final Consumer<Outcome> listener;
  private Running running;

  private static final class Running {
    final Process process;
    final ScriptAction action;
    final ScriptCommand command;
    final long startedNanos;
    volatile boolean killed;

    Running(Process process, ScriptAction action, ScriptCommand command, long startedNanos) {
      this.process = process;
      this.action = action;
      this.command = command;
      this.startedNanos = startedNanos;
    }
  }

  /**
   * @param name for the log: {@code callback} or {@code on_reload}
   * @param environment the scripts' environment (the agent's, without the PATRONI_* variables it consumed)
   */
  ScriptSlot(String name, Map<String, String> environment, Consumer<Outcome> listener) {
    this.name = name;
    this.environment = environment;
    this.listener = listener;
  }

  /** Kills the running script's process group, if any, then starts {@code command}. Returns at once. */
  synchronized void run(ScriptAction action, ScriptCommand command) {
    killRunning();
    ProcessBuilder pb = new ProcessBuilder(command.argv())
        .redirectInput(new File("/dev/null"))
        .redirectOutput(ProcessBuilder.Redirect.INHERIT)
        .redirectError(ProcessBuilder.Redirect.INHERIT);
    pb.environment().clear();
    pb.environment().putAll(environment);
    Process process;
    try {
      process = pb.start();
    } catch (IOException e) {
      LOG.error("callback {} could not be started: {}: {}", action.patroniName(), command.shown(), e.getMessage());
      listener.accept(new Outcome.Failed(action, command, e.getMessage()));
      return;
    }
    Running r = new Running(process, action, command, System.nanoTime());
    running = r;
    LOG.info("callback {} started: {} (pid {})", action.patroniName(), command.shown(), process.pid());
    listener.accept(new Outcome.Started(action, command, process.pid()));
    process.onExit().thenAccept(p -> finished(r));
  }

  private void finished(Running r) {
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - r.startedNanos);
    int code = r.process.exitValue();
    if (r.killed) {
      LOG.warn("callback {} (pid {}) was killed after {} ms", r.action.patroniName(), r.process.pid(), millis);
    } else {
      LOG.info("callback {} (pid {}) exited with {} after {} ms", r.action.patroniName(), r.process.pid(), code,
          millis);
    }
    synchronized (this) {
      if (running == r) {
        running = null;
      }
    }
    listener.accept(new Outcome.Finished(r.action, r.command, r.process.pid(), code, millis, r.killed));
  }

  /** Whether a script of this slot is still running (tests). */
  synchronized boolean busy() {
    return running != null && running.process.isAlive();
  }

  private void killRunning() {
    Running r = running;
    running = null;
    if (r == null || !r.process.isAlive()) {
      return;
    }
    r.killed = true;
    LOG.warn("killing {} {} (pid {}) and its process group: a newer callback replaces it", name,
        r.action.patroniName(), r.process.pid());
    // the group first (setsid made the script its leader), then whatever the JVM still sees below it
    killGroup(r.process.pid());
    r.process.descendants().forEach(ProcessHandle::destroyForcibly);
    r.process.destroyForcibly();
    try {
      // Patroni waits for the killed process before starting the next one
      r.process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void killGroup(long pgid) {
    try {
      Process kill = new ProcessBuilder("kill", "-KILL", "--", "-" + pgid)
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      kill.waitFor(5, TimeUnit.SECONDS);
    } catch (IOException e) {
      LOG.warn("could not signal process group {}: {}", pgid, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
