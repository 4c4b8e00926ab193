package io.vigil.clustertest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The container entrypoint (docker/entrypoint.sh) run directly as a process, not in a container (no Docker engine
 * here): a missing variable stops it with one line and a non-zero code; three nodes configured by PATRONI_*
 * variables and Docker-style secrets files alone form a cluster on etcd; the shipped docker/haproxy.cfg, with its
 * addresses replaced by loopback ports, sends port "5000" to the primary and "5001" to a replica, and follows a
 * kill -9 of the leader; SIGTERM to the entrypoint stops the agent and PostgreSQL cleanly. One cluster for all.
 */
class EntrypointClusterIT {
  private static final Path REPO = Path.of(System.getProperty("vigil.repo", "."));
  private static final String REPLICATION_PASSWORD = "it-replication-from-file";

  @Test
  void entrypointConfiguresAClusterFromTheEnvironmentAloneBehindHaproxy() throws Exception {
    try (TestCluster cluster = new TestCluster("entrypoint")) {
      Path entrypoint = copyForPostgres(REPO.resolve("docker/entrypoint.sh"), cluster.dir.resolve("entrypoint.sh"));
      Path launcher = copyForPostgres(REPO.resolve("bin/vigil"), cluster.dir.resolve("vigil"));
      Path superuserSecret = secret(cluster.dir.resolve("superuser_password"), AgentNode.SUPERUSER_PASSWORD + "\n");
      Path replicationSecret = secret(cluster.dir.resolve("replication_password"), REPLICATION_PASSWORD + "\n");

      // --- a missing variable: one clear line, non-zero exit, nothing started ---
      Map<String, String> base = Map.of("PATRONI_SCOPE", cluster.scope,
          "PATRONI_ETCD3_HOSTS", "127.0.0.1:1", "PATRONI_SUPERUSER_PASSWORD_FILE", superuserSecret.toString(),
          "PATRONI_REPLICATION_PASSWORD", "x", "VIGIL_BIN", "/bin/false", "DOCKER_IP", "127.0.0.1");
      for (String[] row : new String[][] {
          {"PATRONI_SCOPE", "PATRONI_SCOPE is not set (the cluster name, Patroni's scope)"},
          {"PATRONI_ETCD3_HOSTS", "no DCS is set: set PATRONI_ETCD3_HOSTS, PATRONI_ZOOKEEPER_HOSTS or PATRONI_CONSUL_HOST"},
          {"PATRONI_SUPERUSER_PASSWORD_FILE", "PATRONI_SUPERUSER_PASSWORD (or PATRONI_SUPERUSER_PASSWORD_FILE) is not set"},
          {"PATRONI_REPLICATION_PASSWORD", "PATRONI_REPLICATION_PASSWORD (or PATRONI_REPLICATION_PASSWORD_FILE) is not set"}}) {
        Map<String, String> env = new java.util.HashMap<>(base);
        env.remove(row[0]);
        env.put("VIGIL_CONFIG_FILE", cluster.dir.resolve("unused.yml").toString());
        Run r = run(entrypoint, env);
        assertEquals(2, r.code, "without " + row[0] + ": " + r.out);
        assertEquals(List.of("vigil-entrypoint: " + row[1]), r.out.lines().toList(), "without " + row[0]);
      }
      Map<String, String> unreadable = new java.util.HashMap<>(base);
      unreadable.put("PATRONI_SUPERUSER_PASSWORD_FILE", cluster.dir.resolve("no-such-secret").toString());
      Run r = run(entrypoint, unreadable);
      assertEquals(2, r.code, r.out);
      assertTrue(r.out.startsWith("vigil-entrypoint: PATRONI_SUPERUSER_PASSWORD_FILE names "), r.out);

      // --- three nodes from the environment alone; the first takes its name from the hostname, as in Patroni's image
      cluster.withAgentCommand(entrypoint.toString());
      String hostname = run(Path.of("hostname"), Map.of()).out.trim();
      List<String> names = List.of(hostname, "env-node2", "env-node3");
      for (int i = 0; i < 3; i++) {
        AgentNode n = cluster.addNode(names.get(i), null);
        Map<String, String> env = n.env;
        env.put("PATRONI_SCOPE", cluster.scope);
        if (i > 0) {
          env.put("PATRONI_NAME", n.name);
        }
        env.put("PATRONI_ETCD3_HOSTS", "'" + ((EtcdServer) cluster.etcd).endpoint() + "'");
        env.put("PATRONI_SUPERUSER_PASSWORD_FILE", superuserSecret.toString());
        if (i == 2) {
          env.put("PATRONI_REPLICATION_PASSWORD", REPLICATION_PASSWORD);
        } else {
          env.put("PATRONI_REPLICATION_PASSWORD_FILE", replicationSecret.toString());
        }
        env.put("PATRONI_REWIND_USERNAME", "rewind_user");
        env.put("PATRONI_REWIND_PASSWORD", "it-rewind-secret");
        env.put("DOCKER_IP", "127.0.0.1");
        env.put("PATRONI_RESTAPI_LISTEN", "127.0.0.1:" + n.restPort);
        env.put("PATRONI_POSTGRESQL_LISTEN", "127.0.0.1:" + n.pgPort);
        env.put("PATRONI_POSTGRESQL_DATA_DIR", n.dataDir().toString());
        env.put("PATRONI_POSTGRESQL_PGPASS", n.dir.resolve("pgpass").toString());
        env.put("VIGIL_CONFIG_FILE", n.config.toString());
        env.put("VIGIL_BIN", launcher.toString());
        env.put("VIGIL_JAR", cluster.jar().toString());
        env.put("VIGIL_TTL", Integer.toString(cluster.ttl()));
        env.put("VIGIL_LOOP_WAIT", Integer.toString(cluster.loopWait()));
        env.put("VIGIL_RETRY_TIMEOUT", Integer.toString(cluster.retryTimeout()));
        env.put("VIGIL_SOCKET_DIR", n.dir.resolve("sock").toString());
        env.put("VIGIL_PG_HBA_NETWORK", "127.0.0.1/32");
      }
      Process haproxy = null;
      try {
        cluster.startAll();
        AgentNode leader = cluster.awaitLeader(Timing.scaled(Duration.ofSeconds(90)));
        List<AgentNode> replicas = cluster.nodes.stream().filter(n -> n != leader).toList();
        cluster.awaitStreaming(leader, replicas, Timing.scaled(Duration.ofSeconds(90)));
        // names, and connect addresses derived from DOCKER_IP and the listen ports
        JsonNode members = leader.get("/cluster").json().path("members");
        for (AgentNode n : cluster.nodes) {
          JsonNode m = null;
          for (JsonNode candidate : members) {
            if (candidate.path("name").asText().equals(n.name)) {
              m = candidate;
            }
          }
          assertTrue(m != null, n.name + " not in " + members);
          assertEquals("http://127.0.0.1:" + n.restPort + "/patroni", m.path("api_url").asText(), n.name);
          assertEquals("127.0.0.1", m.path("host").asText(), n.name);
          assertEquals(n.pgPort, m.path("port").asInt(), n.name);
        }
        // the superuser password came from the secret file: psql logs in with it over TCP (scram)
        assertEquals("1", leader.sql("SELECT 1"));
        String config = Files.readString(leader.config);
        assertFalse(config.contains(AgentNode.SUPERUSER_PASSWORD) || config.contains(REPLICATION_PASSWORD),
            "a password was written into the generated file:\n" + config);

        // --- HAProxy with the shipped configuration in front of the cluster ---
        int primaryPort = FreePorts.next();
        int replicaPort = FreePorts.next();
        int statsPort = FreePorts.next();
        Path cfg = cluster.dir.resolve("haproxy.cfg");
        Files.writeString(cfg, localHaproxyConfig(Files.readString(REPO.resolve("docker/haproxy.cfg")),
            primaryPort, replicaPort, statsPort, cluster.nodes));
        Path haproxyLog = cluster.dir.resolve("haproxy.log");
        haproxy = new ProcessBuilder(haproxyBinary(), "-db", "-f", cfg.toString()).redirectErrorStream(true)
            .redirectOutput(haproxyLog.toFile()).start();
        final Process hap = haproxy;
        Timing.await("HAProxy :" + primaryPort + " to reach the primary " + leader.name, Timing.scaled(Duration.ofSeconds(30)),
            () -> (leader.pgPort + "|false").equals(through(primaryPort, "SELECT inet_server_port() || '|' || pg_is_in_recovery()")) ? true : null,
            () -> hap.isAlive() ? readQuietly(haproxyLog) : "haproxy exited: " + readQuietly(haproxyLog));
        Timing.await("HAProxy :" + replicaPort + " to reach a replica", Timing.scaled(Duration.ofSeconds(30)),
            () -> "t".equals(through(replicaPort, "SELECT pg_is_in_recovery()")) ? true : null,
            () -> readQuietly(haproxyLog));
        Answer stats = statsPage(statsPort);
        assertEquals(200, stats.code, stats.body);

        // --- kill -9 of the leader (agent and postmaster): HAProxy's primary port follows the new leader ---
        long killedAt = System.nanoTime();
        long postmaster = leader.postmasterPid();
        AgentNode.signal(agentChild(leader), "KILL");
        AgentNode.signal(postmaster, "KILL");
        AgentNode newLeader = Timing.await("a new leader", Timing.scaled(Duration.ofSeconds(90)), () -> {
          List<AgentNode> l = replicas.stream().filter(n -> n.get("/primary").code() == 200).toList();
          return l.size() == 1 ? l.get(0) : null;
        }, cluster::describe);
        Timing.await("a write through HAProxy :" + primaryPort + " on " + newLeader.name, Timing.scaled(Duration.ofSeconds(60)),
            () -> Integer.toString(newLeader.pgPort).equals(through(primaryPort,
                "CREATE TABLE IF NOT EXISTS via_haproxy(id int); INSERT INTO via_haproxy VALUES (1); SELECT inet_server_port()"))
                ? true : null,
            () -> readQuietly(haproxyLog));
        System.out.printf("EntrypointClusterIT: kill -9 of %s -> writes through HAProxy on %s after %.1f s%n",
            leader.name, newLeader.name, (System.nanoTime() - killedAt) / 1e9);

        // --- SIGTERM to the entrypoint: forwarded; the agent releases the key, stops PostgreSQL and exits ---
        long newPostmaster = newLeader.postmasterPid();
        long stopAt = System.nanoTime();
        AgentNode.signal(newLeader.agentPid(), "TERM");
        Duration limit = Timing.scaled(Duration.ofSeconds(30));
        Timing.await(newLeader.name + "'s entrypoint to exit after SIGTERM", limit,
            () -> newLeader.agentAlive() ? null : true, () -> newLeader.logTail(10));
        double stopSeconds = (System.nanoTime() - stopAt) / 1e9;
        assertFalse(ProcessHandle.of(newPostmaster).map(ProcessHandle::isAlive).orElse(false),
            "PostgreSQL still runs after the entrypoint exited");
        assertFalse(Files.exists(newLeader.dataDir().resolve("postmaster.pid")), "postmaster.pid left behind");
        // the key was released, not left to expire: the last node leads well before ttl
        AgentNode last = replicas.stream().filter(n -> n != newLeader).findFirst().orElseThrow();
        Timing.await(last.name + " to lead before the released key's ttl", Duration.ofSeconds(cluster.ttl() / 2),
            () -> last.get("/primary").code() == 200 ? true : null, cluster::describe);
        System.out.printf("EntrypointClusterIT: SIGTERM -> %s stopped in %.1f s, %s leads %.1f s after the signal%n",
            newLeader.name, stopSeconds, last.name, (System.nanoTime() - stopAt) / 1e9);
      } finally {
        if (haproxy != null) {
          haproxy.destroyForcibly().waitFor();
        }
        for (AgentNode n : cluster.nodes) {
          if (n.agentAlive()) {
            long child = agentChild(n);
            if (child > 0) {
              AgentNode.signal(child, "KILL");
            }
          }
        }
      }
    }
  }

  /** docker/haproxy.cfg with its binds on loopback ports and vigilN:5432 / check port 8008 on the test's nodes. */
  static String localHaproxyConfig(String shipped, int primary, int replicas, int stats, List<AgentNode> nodes) {
    String cfg = shipped.replace("bind *:5000", "bind 127.0.0.1:" + primary)
        .replace("bind *:5001", "bind 127.0.0.1:" + replicas)
        .replace("bind *:7000", "bind 127.0.0.1:" + stats);
    for (int i = 0; i < nodes.size(); i++) {
      AgentNode n = nodes.get(i);
      String server = "vigil" + (i + 1);
      String before = cfg;
      cfg = cfg.replaceAll("server " + server + " " + server + ":5432 (.*) check port 8008",
          "server " + server + " 127.0.0.1:" + n.pgPort + " $1 check port " + n.restPort);
      assertFalse(before.equals(cfg), "no server line for " + server + " in docker/haproxy.cfg");
    }
    assertFalse(cfg.contains("*:") || cfg.contains(":8008") || cfg.contains(":5432"), cfg);
    return cfg;
  }

  private static String haproxyBinary() {
    return Files.isExecutable(Path.of("/usr/sbin/haproxy")) ? "/usr/sbin/haproxy" : "haproxy";
  }

  /** psql through HAProxy, or null when the connection or query fails. */
  private static String through(int port, String sql) {
    try {
      ProcessBuilder pb = new ProcessBuilder("psql", "-X", "-q", "-At", "-h", "127.0.0.1", "-p", Integer.toString(port),
          "-U", "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-c", sql).redirectErrorStream(true);
      pb.environment().put("PGPASSWORD", AgentNode.SUPERUSER_PASSWORD);
      pb.environment().put("PGCONNECT_TIMEOUT", "3");
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(15, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return null;
      }
      return p.exitValue() == 0 ? out.lines().reduce((a, b) -> b).orElse("") : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private record Answer(int code, String body) {}

  private static Answer statsPage(int port) throws IOException, InterruptedException {
    java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    return new Answer(r.statusCode(), r.body().length() > 200 ? r.body().substring(0, 200) : r.body());
  }

  /** The agent (java) started by a node's entrypoint shell, or -1. */
  private static long agentChild(AgentNode n) {
    return ProcessHandle.of(n.agentPid()).stream().flatMap(ProcessHandle::children)
        .mapToLong(ProcessHandle::pid).findFirst().orElse(-1);
  }

  private record Run(int code, String out) {}

  private static Run run(Path script, Map<String, String> env) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(script.toString()).redirectErrorStream(true);
    String path = System.getenv("PATH");
    pb.environment().clear();
    pb.environment().put("PATH", path == null ? "/usr/bin:/bin" : path);
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), script + " did not finish");
    return new Run(p.exitValue(), out);
  }

  private static Path copyForPostgres(Path from, Path to) throws IOException {
    Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
    to.toFile().setExecutable(true, false);
    to.toFile().setReadable(true, false);
    TestDirs.giveToPostgres(to);
    return to;
  }

  private static Path secret(Path file, String content) throws IOException {
    Files.writeString(file, content, StandardCharsets.UTF_8);
    TestDirs.giveToPostgres(file);
    return file;
  }

  private static String readQuietly(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      return e.toString();
    }
  }
}
