package io.vigil.postgres;

import io.vigil.async.AsyncExecutor;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs PostgreSQL's tools and the user's scripts as the postgres user, with the agent's pgpass file; a cancel of
 * the running long action ({@link AsyncExecutor#cancel()}) kills the tool it runs.
 */
final class PgTools {
  private static final Logger LOG = LoggerFactory.getLogger(PgTools.class);

  private final PgBinaries binaries;
  private final Path pgpass;
  private final Path dataDir;
  private final AsyncExecutor async;

  PgTools(PgBinaries binaries, Path pgpass, Path dataDir, AsyncExecutor async) {
    this.binaries = binaries;
    this.pgpass = pgpass;
    this.dataDir = dataDir;
    this.async = async;
  }

  /** The server version as {@code server_version_num} reads it, from {@code postgres --version}. */
  static int serverVersion(PgBinaries bins) throws IOException {
    ToolRunner.Result r = ToolRunner.run(List.of(bins.tool("postgres"), "--version"), Map.of(),
        Duration.ofSeconds(30), null, ToolRunner.NO_CANCEL);
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)(?:\\.(\\d+))?").matcher(r.output());
    if (!r.ok() || !m.find()) {
      throw new PostgresException("cannot read the server version from 'postgres --version': " + r.tail(20));
    }
    int major = Integer.parseInt(m.group(1));
    int minor = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
    return major >= 10 ? major * 10000 + minor : major * 10000 + minor * 100;
  }

  /** Runs a PostgreSQL tool as the postgres user; a cancel of the running long action kills it. */
  ToolRunner.Result runTool(List<String> command, Map<String, String> env, Duration timeout,
      Consumer<String> lineSink) throws IOException {
    Map<String, String> e = new LinkedHashMap<>(env);
    e.putIfAbsent("PGPASSFILE", pgpass.toString());
    return ToolRunner.run(binaries.asPostgres(command), e, timeout, lineSink, this::registerForCancel);
  }

  /** Runs a user script (post_bootstrap, custom methods, before_stop) split like shlex, as the postgres user. */
  ToolRunner.Result runScript(String script, List<String> args, Map<String, String> env, Duration timeout)
      throws IOException {
    List<String> cmd = new ArrayList<>(CommandLine.split(script));
    cmd.addAll(args);
    return runTool(cmd, env, timeout, line -> LOG.info("{}", line));
  }

  private Runnable registerForCancel(Process process) {
    Runnable kill = () -> {
      LOG.warn("killing {} (pid {}) because the action was cancelled", process.info().command().orElse("tool"),
          process.pid());
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    };
    async.onCancel(kill);
    return () -> async.removeCancelHook(kill);
  }

  /** pg_controldata of the local data directory; blocks. */
  ControlData controlData() throws IOException {
    ToolRunner.Result r = ToolRunner.run(List.of(binaries.tool("pg_controldata"), dataDir.toString()), Map.of(),
        Duration.ofSeconds(30), null, ToolRunner.NO_CANCEL);
    if (!r.ok()) {
      throw new PostgresException("pg_controldata failed (exit " + r.exitCode() + "): " + r.tail(20));
    }
    return ControlDataParser.parse(r.output());
  }

  /** Whether the local server accepts connections ({@code pg_isready} on {@code host}); blocks. */
  boolean isReady(String host, int port) throws IOException {
    List<String> cmd = List.of(binaries.tool("pg_isready"), "-h", host, "-p", Integer.toString(port), "-t", "2", "-q");
    ToolRunner.Result r = ToolRunner.run(cmd, Map.of(), Duration.ofSeconds(5), null, ToolRunner.NO_CANCEL);
    return r.ok();
  }
}
