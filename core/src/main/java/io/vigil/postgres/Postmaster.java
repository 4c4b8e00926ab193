package io.vigil.postgres;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One postmaster: either a child of the agent (started here) or one found running for the data directory
 * (adopted after an agent restart, Patroni does the same through postmaster.pid). Death is reported through
 * {@link #onExit()}: at once for a child (the JVM reaps it), within {@link #ADOPTED_POLL_MILLIS} for an adopted one.
 */
final class Postmaster {
  private static final Logger LOG = LoggerFactory.getLogger(Postmaster.class);
  static final long ADOPTED_POLL_MILLIS = 250;

  /** Shutdown modes and the signal each sends to the postmaster. */
  enum Signal {
    SMART("TERM"), FAST("INT"), IMMEDIATE("QUIT"), RELOAD("HUP"), KILL("KILL");

    final String name;

    Signal(String name) {
      this.name = name;
    }
  }

  private final ProcessHandle handle;
  private final CompletableFuture<Void> exit = new CompletableFuture<>();

  private Postmaster(ProcessHandle handle, boolean child) {
    this.handle = handle;
    if (child) {
      handle.onExit().thenRun(() -> exit.complete(null));
    } else {
      Thread watcher = new Thread(() -> {
        while (handle.isAlive()) {
          try {
            Thread.sleep(ADOPTED_POLL_MILLIS);
          } catch (InterruptedException e) {
            return;
          }
        }
        exit.complete(null);
      }, "vigil-postmaster-watch-" + handle.pid());
      watcher.setDaemon(true);
      watcher.start();
    }
  }

  /** Starts the postmaster with output appended to {@code logFile}. */
  static Postmaster start(List<String> command, Path logFile) throws IOException {
    LOG.info("starting postmaster: {}", String.join(" ", command));
    ProcessBuilder pb = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
        .redirectInput(new File("/dev/null"))
        .directory(new File("/tmp"));
    // the walreceiver is a libpq client: an inherited PGPASSWORD, PGUSER, ... would override the replication
    // credentials that primary_conninfo and the pgpass file give it
    pb.environment().keySet().removeIf(name -> name.startsWith("PG") && !name.equals("PGDATA"));
    Process p = pb.start();
    LOG.info("postmaster pid={}", p.pid());
    return new Postmaster(p.toHandle(), true);
  }

  /** The live postmaster named by {@code dataDir/postmaster.pid}, if any. */
  static Optional<Postmaster> adopt(Path dataDir) {
    Path pidFile = dataDir.resolve("postmaster.pid");
    try {
      if (!Files.isRegularFile(pidFile)) {
        return Optional.empty();
      }
      List<String> lines = Files.readAllLines(pidFile);
      if (lines.isEmpty()) {
        return Optional.empty();
      }
      long pid = Long.parseLong(lines.get(0).trim());
      return ProcessHandle.of(pid)
          .filter(ProcessHandle::isAlive)
          .filter(h -> h.info().command().map(c -> c.endsWith("postgres")).orElse(true))
          .map(h -> {
            LOG.info("found a running postmaster pid={} for {}", pid, dataDir);
            return new Postmaster(h, false);
          });
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  long pid() {
    return handle.pid();
  }

  boolean isAlive() {
    return handle.isAlive();
  }

  CompletableFuture<Void> onExit() {
    return exit;
  }

  /** Sends a signal with kill(1): Java can only send TERM and KILL itself. */
  void signal(Signal signal) throws IOException {
    if (!handle.isAlive()) {
      return;
    }
    Process kill = new ProcessBuilder("kill", "-s", signal.name, Long.toString(handle.pid()))
        .redirectErrorStream(true).start();
    try {
      if (!kill.waitFor(10, TimeUnit.SECONDS)) {
        kill.destroyForcibly();
        throw new IOException("kill -s " + signal.name + " " + handle.pid() + " did not finish");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while signalling the postmaster", e);
    }
  }

  /** Waits for exit up to {@code millis}; true when the postmaster is gone. */
  boolean awaitExit(long millis) {
    try {
      exit.get(millis, TimeUnit.MILLISECONDS);
      return true;
    } catch (java.util.concurrent.TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !handle.isAlive();
    } catch (java.util.concurrent.ExecutionException e) {
      return !handle.isAlive();
    }
  }
}
