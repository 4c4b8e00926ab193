package io.vigil.postgres;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a short-lived command to completion on the calling (worker) thread. Output (stdout and stderr merged)
 * is fed line by line to a sink and its last lines kept for error messages. Never passes a password on the
 * command line: credentials reach tools through pgpass or pwfile, so logging the command is safe.
 */
final class ToolRunner {
  private static final Logger LOG = LoggerFactory.getLogger(ToolRunner.class);
  private static final int KEPT_LINES = 400;

  /** Exit code and the last lines of output. */
  record Result(int exitCode, String output) {
    boolean ok() {
      return exitCode == 0;
    }

    /** The last {@code n} output lines, for error messages. */
    String tail(int n) {
      String[] lines = output.split("\n");
      return String.join("\n", java.util.Arrays.copyOfRange(lines, Math.max(0, lines.length - n), lines.length));
    }
  }

  /** Called with the running process so that a cancel can kill it; the returned Runnable unregisters. */
  interface Registrar {
    Runnable register(Process process);
  }

  static final Registrar NO_CANCEL = p -> () -> { };

  private static final List<String> POLLING_TOOLS = List.of("pg_isready", "pg_controldata");

  private ToolRunner() {}

  /**
   * @param timeout null for no limit; on expiry the process is killed and exit code -1 returned
   * @param lineSink receives each output line (e.g. progress parsing), may be null
   */
  static Result run(List<String> command, Map<String, String> env, Duration timeout, Consumer<String> lineSink,
      Registrar registrar) throws IOException {
    if (POLLING_TOOLS.stream().anyMatch(t -> command.stream().anyMatch(c -> c.endsWith("/" + t)))) {
      // run every cycle or every 100 ms while waiting: at INFO they would drown the HA messages
      LOG.debug("running {}", String.join(" ", command));
    } else {
      LOG.info("running {}", String.join(" ", command));
    }
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(new File("/dev/null"));
    pb.directory(new File("/tmp"));
    pb.environment().put("LC_ALL", "C");
    pb.environment().put("LANG", "C");
    if (env != null) {
      pb.environment().putAll(env);
    }
    Process process = pb.start();
    Runnable unregister = registrar.register(process);
    Deque<String> last = new ArrayDeque<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          synchronized (last) {
            last.addLast(line);
            if (last.size() > KEPT_LINES) {
              last.removeFirst();
            }
          }
          if (lineSink != null) {
            lineSink.accept(line);
          }
        }
      } catch (IOException e) {
        // the process ended and closed its output: nothing more to read
      }
    }, "vigil-tool-output");
    reader.setDaemon(true);
    reader.start();
    try {
      boolean finished = true;
      if (timeout == null) {
        process.waitFor();
      } else {
        finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      }
      if (!finished) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor();
      }
      reader.join(2000);
      String output;
      synchronized (last) {
        output = String.join("\n", last);
      }
      return new Result(finished ? process.exitValue() : -1, output);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + command.get(0), e);
    } finally {
      unregister.run();
    }
  }
}
