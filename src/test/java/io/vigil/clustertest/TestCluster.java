package io.vigil.clustertest;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A Vigil cluster for tests: a real etcd and N agents, each with real PostgreSQL 15, all on loopback, with
 * short timings (ttl 20, loop_wait 2, retry_timeout 4) so that failovers take seconds, not minutes.
 */
final class TestCluster implements AutoCloseable {
  final String scope;
  final Path dir;
  /** The DCS of this cluster (named etcd for the tests that stop and start it; may be ZooKeeper or Consul). */
  final DcsServer etcd;
  final List<AgentNode> nodes = new ArrayList<>();
  private final Path jar;
  private final Map<String, String> extraDcs = new LinkedHashMap<>();
  private int ttl = 20;
  private int loopWait = 2;
  private int retryTimeout = 4;
  /** Each node gets a DCS client port of its own and a PostgreSQL address for observers that no cut covers. */
  private final boolean partitionable;
  /** False for a cluster that shares another's DCS server ({@link #sharingDcsWith}). */
  private final boolean ownsDcs;
  private String agentCommand;
  /** Top-level YAML appended to each node's configuration (e.g. a watchdog section), or null. */
  private java.util.function.Function<AgentNode, String> nodeYaml;

  TestCluster(String scope) throws IOException {
    this(scope, false);
  }

  /** @param zookeeper use the embedded ZooKeeper (as the demo does) instead of etcd */
  TestCluster(String scope, boolean zookeeper) throws IOException {
    this(scope, zookeeper, 0);
  }

  /**
   * A cluster on etcd whose nodes can be cut off one at a time (see {@link PortCut}): node i talks to etcd on a
   * client port of its own, and PostgreSQL also listens on {@value AgentNode#OBSERVER_HOST} (first, so that the
   * agent's own connections use it) besides the connect address 127.0.0.1 that peers replicate from.
   */
  static TestCluster partitionable(String scope, int nodes) throws IOException {
    return new TestCluster(scope, false, nodes);
  }

  /** A cluster on the Consul HTTP API emulator of plugins/dcs-consul's tests (no Consul agent exists here). */
  static TestCluster onConsul(String scope) throws IOException {
    return new TestCluster(scope, (dir, jar) -> new ConsulServer(), 0);
  }

  /** Makes the cluster's DCS server, given the cluster's directory and the agents' jar. */
  private interface ServerMaker {
    DcsServer make(Path dir, Path jar);
  }

  private TestCluster(String scope, boolean zookeeper, int partitionableNodes) throws IOException {
    this(scope, zookeeper ? ZooKeeperServer::new : (dir, jar) -> new EtcdServer(dir, partitionableNodes),
        partitionableNodes);
  }

  /**
   * A second cluster (another scope) on the DCS server of {@code other}, as Patroni's standby cluster docs
   * allow; closing it leaves that server to {@code other}.
   */
  static TestCluster sharingDcsWith(String scope, TestCluster other) throws IOException {
    return new TestCluster(scope, (dir, jar) -> other.etcd, -1);
  }

  private TestCluster(String scope, ServerMaker server, int partitionableNodes) throws IOException {
    this.ownsDcs = partitionableNodes >= 0;
    this.partitionable = partitionableNodes > 0;
    this.scope = scope;
    this.dir = TestDirs.create("vigil-it-" + scope + "-");
    Path built = Path.of(System.getProperty("vigil.jar", "dist/target/vigil.jar"));
    if (!Files.isRegularFile(built)) {
      throw new IllegalStateException("the fat jar " + built + " is missing; run the tests through Maven (mvn verify)");
    }
    // the checkout may sit under a directory the postgres user cannot enter (root's home)
    this.jar = dir.resolve("vigil.jar");
    Files.copy(built, jar, StandardCopyOption.REPLACE_EXISTING);
    TestDirs.giveToPostgres(jar);
    this.etcd = server.make(dir, jar);
    if (ownsDcs) {
      this.etcd.start();
    }
  }

  /** Extra bootstrap.dcs lines (YAML, already indented for that block), e.g. synchronous_mode. */
  TestCluster withDcs(String key, String value) {
    extraDcs.put(key, value);
    return this;
  }

  /** Timings for bootstrap.dcs; the default (20/2/4) keeps tests short. */
  TestCluster withTiming(int ttl, int loopWait, int retryTimeout) {
    this.ttl = ttl;
    this.loopWait = loopWait;
    this.retryTimeout = retryTimeout;
    return this;
  }

  /**
   * Starts agents with this command instead of Vigil's jar, e.g. {@code patroni {config}} for a side-by-side run;
   * {@code {config}} is replaced by the node's config path. Patroni reads the same YAML.
   */
  TestCluster withAgentCommand(String template) {
    this.agentCommand = template;
    return this;
  }

  /** Top-level YAML sections added to each node's configuration, made per node (e.g. its watchdog device). */
  TestCluster withNodeYaml(java.util.function.Function<AgentNode, String> perNode) {
    this.nodeYaml = perNode;
    return this;
  }

  /** The agents' jar, copied where the postgres user can read it. */
  Path jar() {
    return jar;
  }

  int ttl() {
    return ttl;
  }

  int loopWait() {
    return loopWait;
  }

  int retryTimeout() {
    return retryTimeout;
  }

  AgentNode addNode(String name, String tagsYaml) throws IOException {
    AgentNode node = new AgentNode(name, dir, jar, agentCommand, partitionable ? AgentNode.OBSERVER_HOST : "127.0.0.1");
    node.writeConfig(config(node, tagsYaml) + (nodeYaml == null ? "" : nodeYaml.apply(node)));
    nodes.add(node);
    return node;
  }

  String config(AgentNode node, String tagsYaml) {
    int index = nodes.size();
    String dcsExtra = extraDcs.entrySet().stream()
        .map(e -> "    " + e.getKey() + ": " + e.getValue() + "\n").collect(Collectors.joining());
    return """
        scope: %s
        namespace: /service/
        name: %s
        log:
          level: INFO
        restapi:
          listen: 127.0.0.1:%d
          connect_address: 127.0.0.1:%d
        %s
        bootstrap:
          dcs:
            ttl: %d
            loop_wait: %d
            retry_timeout: %d
            maximum_lag_on_failover: 1048576
        %s    postgresql:
              use_pg_rewind: true
              use_slots: true
              parameters:
                wal_keep_size: 128MB
                wal_log_hints: 'on'
                max_wal_senders: 10
                max_replication_slots: 10
          initdb:
          - encoding: UTF8
          - data-checksums
        postgresql:
          listen: %s:%d
          connect_address: 127.0.0.1:%d
          data_dir: %s
          pgpass: %s
          bin_dir: /usr/lib/postgresql/15/bin
          pg_hba:
          - local all all trust
          - host replication replicator 127.0.0.1/32 md5
          - host all all 127.0.0.1/32 md5
          authentication:
            superuser:
              username: postgres
              password: %s
            replication:
              username: replicator
              password: it-replication-secret
            rewind:
              username: rewind_user
              password: it-rewind-secret
          parameters:
            unix_socket_directories: '%s'
            shared_buffers: 16MB
            max_connections: 50
        tags:
        %s
        """.formatted(scope, node.name, node.restPort, node.restPort, etcd.configSection(index), ttl, loopWait, retryTimeout, dcsExtra,
        partitionable ? AgentNode.OBSERVER_HOST + ",127.0.0.1" : "127.0.0.1", node.pgPort, node.pgPort, node.dataDir(), node.dir.resolve("pgpass"), AgentNode.SUPERUSER_PASSWORD, node.dir.resolve("sock"),
        tagsYaml == null ? "  nofailover: false" : tagsYaml);
  }

  void startAll() throws IOException {
    for (AgentNode n : nodes) {
      n.start();
    }
  }

  AgentNode node(String name) {
    return nodes.stream().filter(n -> n.name.equals(name)).findFirst().orElseThrow();
  }

  /** The one node that reports role primary and answers 200 on /primary; waits for it. */
  AgentNode awaitLeader(Duration timeout) {
    return Timing.await("one leader", timeout, () -> {
      List<AgentNode> leaders = nodes.stream()
          .filter(AgentNode::agentAlive)
          .filter(n -> n.get("/primary").code() == 200)
          .toList();
      return leaders.size() == 1 ? leaders.get(0) : null;
    }, this::describe);
  }

  /**
   * Waits until every node of {@code replicas} streams from {@code leader}: listed by name in the leader's
   * pg_stat_replication, and its own server's WAL receiver streaming. The second half matters: a clone's
   * pg_basebackup connects with the member's application_name and shows as streaming on the leader while the
   * replica's server does not exist yet.
   */
  void awaitStreaming(AgentNode leader, List<AgentNode> replicas, Duration timeout) {
    Timing.await("replicas " + replicas + " streaming from " + leader.name, timeout, () -> {
      String rows = leader.sql("SELECT string_agg(application_name, ',' ORDER BY application_name) "
          + "FROM pg_stat_replication WHERE state = 'streaming'");
      for (AgentNode r : replicas) {
        if (!List.of(rows.split(",")).contains(r.name)
            || !"streaming".equals(r.sql("SELECT status FROM pg_stat_wal_receiver"))) {
          return null;
        }
      }
      return Boolean.TRUE;
    }, this::describe);
  }

  record CtlRun(int code, String out) {}

  /** Runs {@code bin/vigilctl -c <node's config> ARGS} from the repository, on the jar under test. */
  CtlRun vigilctl(AgentNode configOf, String... args) throws IOException, InterruptedException {
    Process p = startVigilctl(configOf, args);
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (!p.waitFor(Timing.scaled(Duration.ofSeconds(120)).toSeconds(), java.util.concurrent.TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("vigilctl " + String.join(" ", args) + " did not finish: " + out);
    }
    return new CtlRun(p.exitValue(), out);
  }

  /** A {@code vigilctl} that keeps running (say {@code events --follow}): its output, merged with errors, so far. */
  static final class CtlFollower implements AutoCloseable {
    private final Process process;
    private final StringBuffer out = new StringBuffer();

    CtlFollower(Process process) {
      this.process = process;
      Thread reader = new Thread(() -> {
        try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(),
            java.nio.charset.StandardCharsets.UTF_8))) {
          for (String line = in.readLine(); line != null; line = in.readLine()) {
            out.append(line).append('\n');
          }
        } catch (IOException e) {
          out.append("(reading vigilctl's output failed: ").append(e.getMessage()).append(")\n");
        }
      }, "vigilctl-follower");
      reader.setDaemon(true);
      reader.start();
    }

    String out() {
      return out.toString();
    }

    boolean alive() {
      return process.isAlive();
    }

    @Override
    public void close() {
      process.destroyForcibly();
    }
  }

  /** Starts {@code bin/vigilctl -c <node's config> ARGS} in the background (see {@link #vigilctl}). */
  CtlFollower vigilctlInBackground(AgentNode configOf, String... args) throws IOException {
    return new CtlFollower(startVigilctl(configOf, args));
  }

  /** {@code bin/vigilctl -c <node's config> ARGS} on the jar under test, no input, errors merged into the output. */
  private Process startVigilctl(AgentNode configOf, String... args) throws IOException {
    Path repo = Path.of(System.getProperty("vigil.repo", "."));
    List<String> cmd = new ArrayList<>(List.of(repo.resolve("bin/vigilctl").toString(), "-c",
        configOf.config.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE);
    pb.environment().put("VIGIL_JAR", jar.toString());
    Process p = pb.start();
    p.getOutputStream().close();
    return p;
  }

  String describe() {
    StringBuilder s = new StringBuilder();
    for (AgentNode n : nodes) {
      JsonNode st = n.agentAlive() ? n.status() : null;
      s.append("\n  ").append(n.name).append(": alive=").append(n.agentAlive())
          .append(" status=").append(st == null ? "-" : st.path("role").asText() + "/" + st.path("state").asText())
          .append("\n    log: ").append(n.logTail(4).replace("\n", "\n         "));
    }
    return s.toString();
  }

  @Override
  public void close() {
    for (AgentNode n : nodes) {
      n.destroy();
    }
    if (ownsDcs) {
      etcd.close();
    }
    if (!Boolean.getBoolean("vigil.keep")) {
      TestDirs.deleteRecursively(dir);
    }
  }
}
