package io.vigil.dcs.consul;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import io.vigil.config.DcsSettings;
import io.vigil.config.SettingsLoader;
import io.vigil.config.SettingsLoaderTest;
import io.vigil.dcs.DcsPlugins;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code consul:} section read as Patroni's dcs/consul.py reads it, and refused one line per problem. */
class ConsulOptionsTest {
  private static ConsulOptions parse(Map<String, Object> section) {
    return ConsulOptions.parse(new DcsSettings("consul", section));
  }

  @Test
  void defaultsAreTheLocalAgentOverHttp() {
    ConsulOptions o = parse(Map.of());
    assertEquals("http://127.0.0.1:8500", o.address());
    assertEquals("default", o.consistency());
    assertEquals(List.of(), o.checks(), "Patroni's default: no session checks, TTL only");
    assertFalse(o.registerService());
    assertEquals("5s", o.serviceCheckInterval());
    assertNull(o.token());
  }

  @Test
  void hostUrlPortAndSchemeAsPatroni() {
    assertEquals("http://c1:8500", parse(Map.of("host", "c1")).address());
    assertEquals("http://c1:18500", parse(Map.of("host", "c1:18500")).address());
    assertEquals("http://c1:9000", parse(Map.of("host", "c1:18500", "port", 9000)).address());
    assertEquals("https://c2:8501", parse(Map.of("url", "https://c2:8501", "host", "ignored:1")).address());
    assertEquals("https://c3:8500", parse(Map.of("host", "c3", "scheme", "https")).address());
  }

  @Test
  void listsComeAsYamlListsOrCommaStrings() {
    ConsulOptions o = parse(Map.of("checks", "serfHealth, service:pg", "service_tags", List.of("a", "b"),
        "register_service", "true", "consistency", "consistent", "dc", "eu1", "token", "t0k3n"));
    assertEquals(List.of("serfHealth", "service:pg"), o.checks());
    assertEquals(List.of("a", "b"), o.serviceTags());
    assertTrue(o.registerService());
    assertEquals("consistent", o.consistency());
    assertEquals("eu1", o.clientOptions(1000).getDc());
    assertEquals("t0k3n", o.clientOptions(1000).getAclToken());
    assertFalse(o.toString().contains("t0k3n"), "the token never reaches a log line");
  }

  @Test
  void everyProblemIsOneLineNamingTheKey() {
    List<String> problems = ConsulOptions.validate(new DcsSettings("consul", Map.of("consistency", "eventual",
        "scheme", "ftp", "port", "x", "register_service", "maybe", "key", "k.pem",
        "service_check_tls_server_name", "pg.example")));
    assertEquals(List.of(
        "consul.port: expected a port number, got 'x'",
        "consul.scheme: expected http or https, got 'ftp'",
        "consul.key: needs consul.cert",
        "consul.consistency: expected default, consistent or stale, got 'eventual'",
        "consul.service_check_tls_server_name: not supported by Vigil yet (the Vert.x Consul client cannot send a"
            + " check's TLSServerName); remove it, or check the REST API over plain HTTP",
        "consul.register_service: expected a boolean, got 'maybe'"), problems);
  }

  @Test
  void patroniConsulEnvironmentVariablesReachThePlugin() throws Exception {
    Path dir = Files.createTempDirectory("vigil-consul-env-");
    Path file = dir.resolve("n.yml");
    Files.writeString(file, "scope: batman\nname: pg1\nrestapi:\n  listen: 127.0.0.1:8008\n  connect_address: 127.0.0.1:8008\n"
        + "postgresql:\n  data_dir: " + dir.resolve("data") + "\n  listen: 127.0.0.1:5432\n"
        + "  connect_address: 127.0.0.1:5432\n  authentication:\n    replication:\n      username: r\n      password: p\n"
        + "    superuser:\n      username: s\n      password: p\n");
    DcsSettings settings = SettingsLoader.load(file, Map.of("PATRONI_CONSUL_HOST", "c1:18500",
        "PATRONI_CONSUL_TOKEN", "t0k3n", "PATRONI_CONSUL_CONSISTENCY", "stale", "PATRONI_CONSUL_REGISTER_SERVICE", "on",
        "PATRONI_CONSUL_SERVICE_TAGS", "x,y"), dir).settings().dcs();
    assertEquals("consul", settings.kind());
    ConsulOptions o = ConsulOptions.parse(settings);
    assertEquals("http://c1:18500", o.address());
    assertEquals("t0k3n", o.token().reveal());
    assertEquals("stale", o.consistency());
    assertTrue(o.registerService());
    assertEquals(List.of("x", "y"), o.serviceTags());
  }

  @Test
  void theFactoryDeclaresPatronisKeys() {
    assertEquals(java.util.Set.of("host", "url", "port", "scheme", "token", "verify", "cacert", "cert", "key", "dc",
        "consistency", "checks", "register_service", "service_tags", "service_check_interval",
        "service_check_tls_server_name"), new ConsulDcsFactory().configKeys());
  }

  @Test
  void sessionTtlMinIsReadFromAgentSelfInNanoseconds() {
    assertEquals(10, ConsulSession.sessionTtlMinSeconds(new JsonObject()));
    assertEquals(1, ConsulSession.sessionTtlMinSeconds(new JsonObject().put("Config",
        new JsonObject().put("SessionTTLMin", 1_000_000_000L))));
    assertEquals(2, ConsulSession.sessionTtlMinSeconds(new JsonObject().put("Config",
        new JsonObject().put("SessionTTLMin", 1_500_000_000L))));
  }

  @Test
  void anUnknownKeyInTheSectionIsReportedWithTheKeyAndTheFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("node.yml");
    Files.writeString(file, SettingsLoaderTest.baseYaml().replace("etcd3:\n  hosts: 127.0.0.1:2379\n",
        "consul:\n  host: 127.0.0.1:8500\n  register_service: true\n  hots: 10.0.0.1\n"));
    // core's loader asks this plugin (found with ServiceLoader) for the section's keys
    SettingsLoader.Loaded loaded = SettingsLoader.load(file, Map.of(), dir);
    assertEquals(List.of(file + ": consul.hots: unknown key, ignored"), loaded.warnings());
    assertTrue(DcsPlugins.find("consul").orElseThrow() instanceof ConsulDcsFactory);
  }
}
