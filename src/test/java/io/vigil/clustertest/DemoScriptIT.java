package io.vigil.clustertest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * bin/demo stops everything it started, whatever happens to its output, and a run after a demo killed with
 * SIGKILL first stops what that one left. "The demo's processes" are found by what they name: an agent's or
 * ZooKeeper's command line names the demo directory, a PostgreSQL process works in a data directory inside it.
 */
class DemoScriptIT {
  private static final Duration READY = Duration.ofSeconds(180);
  private static final Duration STOPPED = Duration.ofSeconds(90);
  private static final String READY_LINE = "The cluster runs.";

  private Path parent;
  private Path dir;
  private final List<Demo> demos = new ArrayList<>();

  @BeforeEach
  void makeDirectory() throws IOException {
    parent = TestDirs.create("vigil-it-demo-");
    dir = parent.resolve("demo");
  }

  @AfterEach
  void killLeftovers() throws Exception {
    for (Demo demo : demos) {
      demo.process.destroyForcibly();
    }
    // a failed test must not leave servers behind for the next one: SIGKILL is enough, the directory goes
    for (DemoProcess p : demoProcesses()) {
      signal("KILL", String.valueOf(p.pid));
    }
    if (!Boolean.getBoolean("vigil.keep")) {
      TestDirs.deleteRecursively(parent);
    }
  }

  @Test
  void stopsEverythingOnSigintAfterTheReaderOfItsOutputIsGone() throws Exception {
    // bin/demo | tee demo.log, then Ctrl-C: tee dies with the same signal, so the demo stops with a closed pipe
    Demo demo = start(line -> line.contains(READY_LINE));
    demo.awaitOutputClosed(READY);
    List<DemoProcess> running = demoProcesses();
    assertTrue(running.size() >= 7, "ZooKeeper, 3 agents and 3 postmasters expected, found " + running);

    signal("INT", "-" + demo.process.pid());
    awaitNoDemoProcess("the demo to stop everything after SIGINT", demo);
    assertTrue(demo.process.waitFor(Timing.scaled(STOPPED).toSeconds(), java.util.concurrent.TimeUnit.SECONDS),
        "the demo script still runs");
  }

  @Test
  void nextRunStopsWhatADemoKilledWithSigkillLeft() throws Exception {
    Demo first = start(line -> false);
    first.awaitLine(READY_LINE, READY);
    first.process.destroyForcibly().waitFor();
    List<DemoProcess> orphans = demoProcesses();
    assertTrue(orphans.size() >= 7, "the killed demo's servers run on, found " + orphans);

    Demo second = start(line -> false);
    second.awaitLine("starting embedded ZooKeeper", READY);
    List<DemoProcess> survivors = orphans.stream().filter(DemoProcess::alive).toList();
    assertEquals(List.of(), survivors, "processes of the killed demo still running when the next one starts");

    // the terminal closed under the second one: SIGHUP stops it, in the middle of its start
    signal("HUP", "-" + second.process.pid());
    awaitNoDemoProcess("the second demo to stop everything after SIGHUP", second);
    assertTrue(second.process.waitFor(Timing.scaled(STOPPED).toSeconds(), java.util.concurrent.TimeUnit.SECONDS),
        "the second demo script still runs");
  }

  /**
   * Starts bin/demo in a session of its own (so that a signal to its process group is what Ctrl-C on a terminal
   * sends) with its output read line by line until {@code closeAfter} accepts a line; then the reader closes the
   * pipe, as tee does when it dies.
   */
  private Demo start(Predicate<String> closeAfter) throws IOException {
    Path repo = Path.of(System.getProperty("vigil.repo", ".")).toAbsolutePath().normalize();
    // a shell cannot trap a signal that was ignored when it started, and a build launched as a background job
    // (`mvn verify &` in a script) passes SIGINT down ignored: perl (Debian's essential perl-base) puts Ctrl-C's
    // default back for the demo, as a terminal would have it
    ProcessBuilder pb = new ProcessBuilder("perl", "-e", "$SIG{INT} = 'DEFAULT'; exec @ARGV or die \"exec: $!\"",
        "setsid", repo.resolve("bin/demo").toString());
    pb.environment().put("VIGIL_DEMO_DIR", dir.toString());
    pb.environment().put("VIGIL_JAR",
        Path.of(System.getProperty("vigil.jar", "dist/target/vigil.jar")).toAbsolutePath().toString());
    pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    pb.redirectError(ProcessBuilder.Redirect.appendTo(parent.resolve("demo-stderr.log").toFile()));
    Demo demo = new Demo(pb.start(), closeAfter);
    demos.add(demo);
    return demo;
  }

  private void awaitNoDemoProcess(String what, Demo demo) {
    Timing.await(what, STOPPED, () -> demoProcesses().isEmpty() ? Boolean.TRUE : null,
        () -> demoProcesses() + "; demo output: " + demo.lines + "; " + stderr());
  }

  private String stderr() {
    try {
      return "stderr: " + Files.readString(parent.resolve("demo-stderr.log"));
    } catch (IOException e) {
      return "no stderr";
    }
  }

  private static void signal(String signal, String target) throws Exception {
    new ProcessBuilder("kill", "-" + signal, "--", target).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
  }

  /** A process with its start time, so that a reused pid is not taken for it. */
  record DemoProcess(long pid, String startTime, String what) {
    boolean alive() {
      return startTime.equals(DemoScriptIT.startTime(pid));
    }

    @Override
    public String toString() {
      return pid + " " + what;
    }
  }

  /** Every live process whose command line names the demo directory or whose working directory is inside it. */
  private List<DemoProcess> demoProcesses() {
    String prefix = dir.toString() + "/";
    List<DemoProcess> found = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path proc : (Iterable<Path>) procs::iterator) {
        String name = proc.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        long pid = Long.parseLong(name);
        String cmdline;
        String cwd;
        try {
          cmdline = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
          cwd = Files.readSymbolicLink(proc.resolve("cwd")).toString() + "/";
        } catch (IOException | SecurityException gone) {
          continue;
        }
        String started = startTime(pid);
        if (started != null && (cmdline.contains(prefix) || cwd.startsWith(prefix))) {
          found.add(new DemoProcess(pid, started, cmdline.length() > 160 ? cmdline.substring(0, 160) : cmdline));
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return found;
  }

  /** Field 22 of /proc/PID/stat, or null for a process that is gone or a zombie. */
  static String startTime(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] fields = stat.substring(stat.lastIndexOf(") ") + 2).split(" ");
      return fields[0].equals("Z") ? null : fields[19];
    } catch (IOException | RuntimeException gone) {
      return null;
    }
  }

  /** A running bin/demo and the lines it has printed; a thread reads them until the pipe is to be closed. */
  static final class Demo {
    final Process process;
    final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    final AtomicBoolean outputClosed = new AtomicBoolean();

    Demo(Process process, Predicate<String> closeAfter) {
      this.process = process;
      Thread reader = new Thread(() -> {
        try (BufferedReader in = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          String line;
          while ((line = in.readLine()) != null) {
            lines.add(line);
            if (closeAfter.test(line)) {
              break;
            }
          }
        } catch (IOException e) {
          lines.add("(read failed: " + e + ")");
        } finally {
          outputClosed.set(true);
        }
      }, "demo-output");
      reader.setDaemon(true);
      reader.start();
    }

    void awaitLine(String text, Duration within) {
      Timing.await("bin/demo to print \"" + text + "\"", within,
          () -> {
            synchronized (lines) {
              return lines.stream().anyMatch(l -> l.contains(text)) ? Boolean.TRUE : null;
            }
          }, () -> "output: " + lines);
    }

    void awaitOutputClosed(Duration within) {
      Timing.await("bin/demo to be ready and its output closed", within,
          () -> outputClosed.get() ? Boolean.TRUE : null, () -> "output: " + lines);
    }
  }
}
