package io.vigil.clustertest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One Vigil agent as a separate OS process running as the postgres user, with its own PostgreSQL, REST port,
 * data directory and log file. Faults are real: SIGKILL, SIGSTOP, SIGTERM of the agent and of its postmaster.
 */
final class AgentNode {
  static final String SUPERUSER_PASSWORD = "it-superuser-secret";
  /** A second loopback address PostgreSQL listens on in a partitionable cluster; cuts cover only 127.0.0.1. */
  static final String OBSERVER_HOST = "127.0.0.2";
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  private static final ObjectMapper JSON = new ObjectMapper();

  final String name;
  final int restPort = FreePorts.next();
  final int pgPort = FreePorts.next();
  final Path dir;
  final Path config;
  final Path log;
  private final Path jar;
  /** Null for Vigil's jar, else a command line with {@code {config}} for the config path (e.g. Patroni). */
  private final String command;
  /** Where observers reach this node's PostgreSQL: an address no cut between the nodes covers. */
  final String observerHost;
  private Process process;
  /** Extra environment of the agent's process, e.g. the PATRONI_* variables of an env-only node. */
  final Map<String, String> env = new java.util.LinkedHashMap<>();

  AgentNode(String name, Path clusterDir, Path jar) throws IOException {
    this(name, clusterDir, jar, null, "127.0.0.1");
  }

  AgentNode(String name, Path clusterDir, Path jar, String command, String observerHost) throws IOException {
    this.command = command;
    this.observerHost = observerHost;
    this.name = name;
    this.dir = TestDirs.subdir(clusterDir, name);
    TestDirs.subdir(dir, "sock");
    this.config = dir.resolve("vigil.yml");
    this.log = dir.resolve("agent.log");
    this.jar = jar;
  }

  Path dataDir() {
    return dir.resolve("data");
  }

  void writeConfig(String yaml) throws IOException {
    Files.writeString(config, yaml, StandardCharsets.UTF_8);
    TestDirs.giveToPostgres(config);
  }

  /** Rewrites this node's YAML in place, e.g. before a SIGHUP or POST /reload; fails when nothing changed. */
  void editConfig(java.util.function.UnaryOperator<String> edit) throws IOException {
    String before = Files.readString(config, StandardCharsets.UTF_8);
    String after = edit.apply(before);
    if (after.equals(before)) {
      throw new AssertionError(name + ": the edit left the configuration unchanged");
    }
    writeConfig(after);
  }

  /**
   * Points all five of Patroni's script callbacks at one script that appends its arguments to
   * {@link #callbackLines()}; {@code extra} is more YAML under {@code postgresql:} (e.g. a pre_promote).
   */
  void recordCallbacks(String extra) throws IOException {
    Path script = executable(dir.resolve("cb.sh"), "echo \"$*\" >> " + dir.resolve("callbacks.log"));
    StringBuilder block = new StringBuilder("  callbacks:\n");
    for (String action : List.of("on_start", "on_stop", "on_restart", "on_reload", "on_role_change")) {
      block.append("    ").append(action).append(": ").append(script).append('\n');
    }
    block.append(extra);
    editConfig(yaml -> yaml.replace("  pg_hba:\n", block + "  pg_hba:\n"));
  }

  /** The arguments each run of the script of {@link #recordCallbacks} received, one line per run. */
  List<String> callbackLines() {
    Path file = dir.resolve("callbacks.log");
    try {
      return Files.exists(file) ? Files.readAllLines(file) : List.of();
    } catch (IOException e) {
      return List.of();
    }
  }

  /** A shell script the postgres user can run. */
  static Path executable(Path file, String body) throws IOException {
    Files.writeString(file, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    TestDirs.giveToPostgres(file);
    return file;
  }

  /** SIGHUP to the agent: re-read the configuration file, as {@code systemctl reload} does. */
  void sighup() {
    signal(agentPid(), "HUP");
  }

  AgentNode start() throws IOException {
    List<String> cmd = new ArrayList<>();
    if (TestDirs.runningAsRoot()) {
      cmd.addAll(List.of("setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"));
    }
    if (command == null) {
      cmd.addAll(List.of("java", "-Djava.util.logging.manager=io.vigil.log.DeferredResetLogManager", "-XX:+UseSerialGC",
          "-XX:TieredStopAtLevel=1", "-Xmx128m", "-jar", jar.toString(), config.toString()));
    } else {
      for (String word : command.trim().split(" +")) {
        cmd.add(word.replace("{config}", config.toString()));
      }
    }
    ProcessBuilder pb = new ProcessBuilder(cmd)
        .directory(dir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().put("HOME", dir.toString());
    pb.environment().putAll(env);
    process = pb.start();
    return this;
  }

  boolean agentAlive() {
    return process != null && process.isAlive();
  }

  long agentPid() {
    return process.pid();
  }

  /** The postmaster's pid from postmaster.pid, or -1 when PostgreSQL is not running. */
  long postmasterPid() {
    try {
      List<String> lines = Files.readAllLines(dataDir().resolve("postmaster.pid"));
      return lines.isEmpty() ? -1 : Long.parseLong(lines.get(0).trim());
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  /** kill -9 of the agent and then of its postmaster: a node crash as far as the cluster can tell. */
  void crash() {
    long postmaster = postmasterPid();
    signal(agentPid(), "KILL");
    waitForExit();
    if (postmaster > 0) {
      signal(postmaster, "KILL");
    }
  }

  void killPostmaster() {
    long pid = postmasterPid();
    if (pid <= 0) {
      throw new AssertionError(name + ": no postmaster.pid to kill");
    }
    signal(pid, "KILL");
  }

  /** SIGTERM, as systemd or Ctrl-C would, and wait for the agent to exit. */
  void stop() {
    if (agentAlive()) {
      signal(agentPid(), "TERM");
      waitForExit();
    }
  }

  void freeze() {
    signal(agentPid(), "STOP");
  }

  void thaw() {
    signal(agentPid(), "CONT");
  }

  private void waitForExit() {
    try {
      if (!process.waitFor(Timing.scaled(Duration.ofSeconds(60)).toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static void signal(long pid, String signal) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true).start();
      kill.waitFor();
    } catch (IOException e) {
      throw new IllegalStateException("cannot send SIG" + signal + " to " + pid, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Leaves PostgreSQL behind too: used at teardown. */
  void destroy() {
    long postmaster = postmasterPid();
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      waitForExit();
    }
    if (postmaster > 0) {
      signal(postmaster, "KILL");
    }
  }

  // --- REST ---

  record Answer(int code, String body) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + body, e);
      }
    }
  }

  Answer get(String path) {
    return call("GET", path, null);
  }

  Answer call(String method, String path, String body) {
    HttpRequest.Builder req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + restPort + path))
        .timeout(Duration.ofSeconds(30));
    req.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      req.header("Content-Type", "application/json");
    }
    try {
      HttpResponse<String> r = HTTP.send(req.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(r.statusCode(), r.body());
    } catch (IOException e) {
      return new Answer(-1, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Answer(-1, "interrupted");
    }
  }

  /** GET /patroni as JSON, or null when the agent does not answer. */
  JsonNode status() {
    Answer a = get("/patroni");
    return a.code() == 200 ? a.json() : null;
  }

  String role() {
    JsonNode s = status();
    return s == null ? null : s.path("role").asText(null);
  }

  // --- SQL through psql, the way an operator would check ---

  String sql(String query) {
    return psql(query, 10);
  }

  String psql(String query, int timeoutSeconds) {
    return psqlAs("postgres", SUPERUSER_PASSWORD, query, timeoutSeconds);
  }

  /** psql over TCP on 127.0.0.1 as {@code user}; throws with psql's output when it fails (e.g. pg_hba rejects). */
  String psqlAs(String user, String password, String query, int timeoutSeconds) {
    try {
      ProcessBuilder pb = new ProcessBuilder("psql", "-X", "-q", "-At", "-h", "127.0.0.1", "-p", Integer.toString(pgPort),
          "-U", user, "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-c", query).redirectErrorStream(true);
      Map<String, String> env = pb.environment();
      env.put("PGPASSWORD", password);
      env.put("PGCONNECT_TIMEOUT", "3");
      env.put("PGOPTIONS", "-c statement_timeout=" + (timeoutSeconds * 1000));
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(timeoutSeconds + 5L, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(name + ": psql timed out: " + query);
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(name + ": psql failed (" + p.exitValue() + "): " + out);
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException(name + ": cannot run psql", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted");
    }
  }

  /** True when this node accepts a write right now. */
  boolean acceptsWrites() {
    try {
      sql("CREATE TABLE IF NOT EXISTS vigil_probe(id int); INSERT INTO vigil_probe VALUES (1)");
      return true;
    } catch (IllegalStateException e) {
      return false;
    }
  }

  String logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(log);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public String toString() {
    return name + "(rest " + restPort + ", pg " + pgPort + ")";
  }
}
