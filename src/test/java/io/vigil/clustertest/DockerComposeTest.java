package io.vigil.clustertest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The wiring of docker/docker-compose*.yml, read as Compose reads it (YAML with anchors and merge keys): no Docker
 * engine runs here, so this test and {@link EntrypointClusterIT} are what CI checks of the container files
 * (README "Containers"). docker/e2e.sh is the check for a machine with Docker.
 */
class DockerComposeTest {
  private static final Path DOCKER = Path.of(System.getProperty("vigil.repo", ".")).resolve("docker");
  private static final List<String> VIGILS = List.of("vigil1", "vigil2", "vigil3");

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o, String what) {
    assertTrue(o instanceof Map, what + " is not a mapping: " + o);
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object o, String what) {
    assertTrue(o instanceof List, what + " is not a list: " + o);
    return (List<Object>) o;
  }

  private static Map<String, Object> compose(String file) throws IOException {
    return map(new Yaml().load(Files.readString(DOCKER.resolve(file))), file);
  }

  private static Map<String, Object> services(Map<String, Object> compose) {
    return map(compose.get("services"), "services");
  }

  @ParameterizedTest
  @ValueSource(strings = {"docker-compose.yml", "docker-compose.zookeeper.yml", "docker-compose.consul.yml"})
  void vigilNodesAreBuiltFromTheDockerfileWithHealthchecksSecretsAndVolumes(String file) throws IOException {
    Map<String, Object> c = compose(file);
    Map<String, Object> services = services(c);
    Map<String, Object> volumes = map(c.get("volumes"), "volumes");
    Map<String, Object> secrets = map(c.get("secrets"), "secrets");
    for (String name : VIGILS) {
      Map<String, Object> s = map(services.get(name), name);
      Map<String, Object> build = map(s.get("build"), name + ".build");
      assertEquals("..", build.get("context"), name);
      Path dockerfile = DOCKER.resolve(String.valueOf(build.get("context"))).resolve(String.valueOf(build.get("dockerfile")));
      assertTrue(Files.isRegularFile(dockerfile), name + ": " + dockerfile);
      Map<String, Object> env = map(s.get("environment"), name + ".environment");
      assertEquals(name, env.get("PATRONI_NAME"));
      assertEquals("demo", env.get("PATRONI_SCOPE"));
      for (String secret : List.of("superuser_password", "replication_password")) {
        assertTrue(list(s.get("secrets"), name + ".secrets").contains(secret), name + " lacks secret " + secret);
        Path f = DOCKER.resolve(String.valueOf(map(secrets.get(secret), secret).get("file")));
        assertTrue(Files.isRegularFile(f), secret + ": " + f);
        assertEquals("/run/secrets/" + secret, env.get("PATRONI_" + secret.toUpperCase() + "_FILE"));
      }
      String test = String.join(" ", list(map(s.get("healthcheck"), name + ".healthcheck").get("test"), "test")
          .stream().map(String::valueOf).toList());
      assertTrue(test.contains("http://127.0.0.1:8008/liveness"), name + ": " + test);
      assertEquals("90s", s.get("stop_grace_period"), name + ": above pg_ctl_timeout's 60 s default");
      assertEquals(List.of(name + ":/home/postgres/data"), s.get("volumes"));
      assertTrue(volumes.containsKey(name), "named volume " + name);
      // every DCS service the node waits for must exist, be healthy-checked and be waited on as healthy
      Map<String, Object> deps = map(s.get("depends_on"), name + ".depends_on");
      assertFalse(deps.isEmpty());
      for (Map.Entry<String, Object> d : deps.entrySet()) {
        assertEquals("service_healthy", map(d.getValue(), d.getKey()).get("condition"));
        Map<String, Object> dcs = map(services.get(d.getKey()), d.getKey());
        assertNotNull(dcs.get("healthcheck"), d.getKey() + " has no healthcheck");
        assertTrue(String.valueOf(dcs.get("image")).matches("[a-z./]+:v?\\d[\\w.]*"), d.getKey() + ": unpinned image " + dcs.get("image"));
      }
    }
    Map<String, Object> haproxy = map(services.get("haproxy"), "haproxy");
    assertEquals(List.of("5000:5000", "5001:5001", "7000:7000"), haproxy.get("ports"));
    assertEquals(List.of("./haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro"), haproxy.get("volumes"));
    assertNotNull(haproxy.get("healthcheck"));
    assertEquals(new TreeSet<>(VIGILS), new TreeSet<>(map(haproxy.get("depends_on"), "haproxy.depends_on").keySet()));
  }

  @Test
  void etcdIsAThreeMemberClusterOfThePinnedOfficialImage() throws IOException {
    Map<String, Object> services = services(compose("docker-compose.yml"));
    List<String> members = new ArrayList<>();
    for (String name : List.of("etcd1", "etcd2", "etcd3")) {
      Map<String, Object> s = map(services.get(name), name);
      assertEquals("quay.io/coreos/etcd:v3.5.17", s.get("image"));
      Map<String, Object> env = map(s.get("environment"), name + ".environment");
      assertEquals(name, env.get("ETCD_NAME"));
      assertEquals("http://" + name + ":2380", env.get("ETCD_INITIAL_ADVERTISE_PEER_URLS"));
      assertEquals("http://" + name + ":2379", env.get("ETCD_ADVERTISE_CLIENT_URLS"));
      assertEquals("new", env.get("ETCD_INITIAL_CLUSTER_STATE"));
      assertEquals(List.of(name + ":/etcd-data"), s.get("volumes"));
      members.add(name + "=" + env.get("ETCD_INITIAL_ADVERTISE_PEER_URLS"));
      assertEquals(String.join(",", List.of("etcd1=http://etcd1:2380", "etcd2=http://etcd2:2380", "etcd3=http://etcd3:2380")),
          env.get("ETCD_INITIAL_CLUSTER"));
    }
    assertEquals(String.join(",", members),
        map(map(services.get("etcd1"), "etcd1").get("environment"), "env").get("ETCD_INITIAL_CLUSTER"));
    Map<String, Object> env = map(map(services.get("vigil1"), "vigil1").get("environment"), "env");
    assertEquals("'etcd1:2379','etcd2:2379','etcd3:2379'", env.get("PATRONI_ETCD3_HOSTS"));
  }

  @Test
  void zooKeeperAndConsulVariantsPointTheNodesAtTheirServers() throws IOException {
    Map<String, Object> zk = services(compose("docker-compose.zookeeper.yml"));
    String servers = String.valueOf(map(map(zk.get("zoo1"), "zoo1").get("environment"), "env").get("ZOO_SERVERS"));
    for (int i = 1; i <= 3; i++) {
      assertTrue(servers.contains("server." + i + "=zoo" + i + ":2888:3888;2181"), servers);
      assertEquals(i, map(map(zk.get("zoo" + i), "zoo" + i).get("environment"), "env").get("ZOO_MY_ID"));
    }
    assertEquals("'zoo1:2181','zoo2:2181','zoo3:2181'",
        map(map(zk.get("vigil2"), "vigil2").get("environment"), "env").get("PATRONI_ZOOKEEPER_HOSTS"));
    Map<String, Object> consul = services(compose("docker-compose.consul.yml"));
    assertTrue(consul.containsKey("consul"));
    assertEquals("consul:8500", map(map(consul.get("vigil3"), "vigil3").get("environment"), "env").get("PATRONI_CONSUL_HOST"));
  }

  /** The primary and replica backends of haproxy.cfg check each Vigil service's REST port, as Patroni's sample does. */
  @Test
  void haproxyBackendsCheckTheVigilRestPorts() throws IOException {
    String cfg = Files.readString(DOCKER.resolve("haproxy.cfg"));
    Map<String, String> sections = new java.util.LinkedHashMap<>();
    String current = null;
    for (String line : cfg.split("\n")) {
      if (line.startsWith("listen ")) {
        current = line.substring(7).trim();
        sections.put(current, "");
      } else if (current != null && !line.isBlank() && Character.isWhitespace(line.charAt(0))) {
        sections.merge(current, line.trim() + "\n", String::concat);
      } else {
        current = null;
      }
    }
    assertEquals(List.of("stats", "primary", "replicas"), List.copyOf(sections.keySet()));
    assertTrue(sections.get("stats").contains("bind *:7000") && sections.get("stats").contains("stats enable"));
    Map<String, Object> services = services(compose("docker-compose.yml"));
    for (String[] listen : new String[][] {{"primary", "5000", "/primary"}, {"replicas", "5001", "/replica"}}) {
      String body = sections.get(listen[0]);
      assertTrue(body.contains("bind *:" + listen[1] + "\n"), body);
      assertTrue(body.contains("option httpchk OPTIONS " + listen[2] + "\n"), body);
      assertTrue(body.contains("http-check expect status 200"), body);
      Matcher m = Pattern.compile("server (\\S+) (\\S+):(\\d+) .*check port (\\d+)").matcher(body);
      List<String> servers = new ArrayList<>();
      while (m.find()) {
        servers.add(m.group(1));
        assertEquals(m.group(1), m.group(2), "server name and host");
        assertTrue(services.containsKey(m.group(2)), "no Compose service " + m.group(2));
        assertEquals("5432", m.group(3));
        assertEquals("8008", m.group(4), "the check must ask the REST API");
      }
      assertEquals(VIGILS, servers);
    }
  }

  @Test
  void dockerfileShipsTheAgentAsPostgresWithVolumePortsAndLivenessCheck() throws IOException {
    String df = Files.readString(DOCKER.resolve("Dockerfile"));
    for (String expected : List.of("AS build", "FROM debian:12-slim", "postgresql-15", "openjdk-17-jre-headless", "tini",
        "USER postgres", "VOLUME /home/postgres/data", "EXPOSE 8008 5432", "HEALTHCHECK",
        "http://127.0.0.1:8008/liveness", "COPY bin/vigil bin/vigilctl", "COPY docker/entrypoint.sh",
        "ENTRYPOINT [\"/usr/bin/tini\", \"--\", \"/opt/vigil/bin/entrypoint.sh\"]")) {
      assertTrue(df.contains(expected), "Dockerfile lacks " + expected);
    }
    assertTrue(Files.isExecutable(DOCKER.resolve("entrypoint.sh")));
    assertTrue(Files.isExecutable(DOCKER.resolve("e2e.sh")));
  }

  /** packaging/systemd/vigil.service: the settings README "systemd" relies on. */
  @Test
  void systemdUnitStopsOnlyTheAgentAndWaitsLongerThanItsCleanStop() throws IOException {
    Path unit = DOCKER.resolveSibling("packaging/systemd/vigil.service");
    Map<String, String> keys = new java.util.HashMap<>();
    for (String line : Files.readAllLines(unit)) {
      int eq = line.indexOf('=');
      if (!line.startsWith("#") && eq > 0) {
        keys.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    assertEquals("simple", keys.get("Type"));
    assertEquals("process", keys.get("KillMode"));
    assertEquals("on-failure", keys.get("Restart"));
    assertEquals("postgres", keys.get("User"));
    assertEquals("/opt/vigil/bin/vigil /etc/vigil/vigil.yml", keys.get("ExecStart"));
    // above pg_ctl_timeout's 60 s default plus the cycle in flight
    assertTrue(Integer.parseInt(keys.get("TimeoutStopSec")) > 60, keys.get("TimeoutStopSec"));
    assertTrue(Files.isRegularFile(unit.resolveSibling("vigil.yml")));
  }
}
