package io.vigil.dcs.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.config.DcsSettings;
import io.vigil.config.SettingsLoader;
import io.vigil.config.SettingsLoaderTest;
import io.vigil.dcs.DcsPlugins;
import io.vigil.dcs.DcsTiming;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.zookeeper.ZooDefs.Perms;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ZooKeeperOptionsTest {

  private static DcsSettings section(Map<String, Object> options) {
    return new DcsSettings("zookeeper", options);
  }

  static Stream<Arguments> validHosts() {
    return Stream.of(
        Arguments.of("comma string", "10.0.0.1:2181, 10.0.0.2:2182", "10.0.0.1:2181,10.0.0.2:2182"),
        Arguments.of("yaml list", List.of("zk1:2181", "zk2:2181"), "zk1:2181,zk2:2181"),
        Arguments.of("one host", "127.0.0.1:21811", "127.0.0.1:21811"),
        Arguments.of("ipv6", List.of("[::1]:2181"), "[::1]:2181"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("validHosts")
  void acceptsHostsAsListOrCommaString(String situation, Object hosts, String connectString) {
    ZooKeeperOptions options = ZooKeeperOptions.parse(section(Map.of("hosts", hosts)));
    assertEquals(connectString, options.connectString());
  }

  static Stream<Arguments> invalidSections() {
    return Stream.of(
        Arguments.of("no hosts", Map.of(), "zookeeper.hosts: is required"),
        Arguments.of("host without port", Map.of("hosts", "zk1"), "zookeeper.hosts: expected host:port"),
        Arguments.of("port not a number", Map.of("hosts", List.of("zk1:abc")), "is not a number"),
        Arguments.of("port out of range", Map.of("hosts", "zk1:70000"), "is not in 1..65535"),
        Arguments.of("hosts a map", Map.of("hosts", Map.of("a", 1)), "zookeeper.hosts: expected a list"),
        Arguments.of("use_ssl not a boolean", Map.of("hosts", "zk:1", "use_ssl", "maybe"),
            "zookeeper.use_ssl: expected a boolean"),
        Arguments.of("cert without key", Map.of("hosts", "zk:1", "use_ssl", true, "cert", "/c.pem"),
            "zookeeper.cert and zookeeper.key"),
        Arguments.of("unknown permission", Map.of("hosts", "zk:1", "set_acls", Map.of("CN=a", List.of("READ", "FLY"))),
            "zookeeper.set_acls.CN=a: unknown permission 'FLY'"),
        Arguments.of("auth_data a string", Map.of("hosts", "zk:1", "auth_data", "digest"),
            "zookeeper.auth_data: expected"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidSections")
  void reportsEachProblemNamingTheKey(String situation, Map<String, Object> options, String expected) {
    List<String> problems = new ZooKeeperDcsFactory().validate(section(options));
    assertTrue(problems.stream().anyMatch(p -> p.contains(expected)), () -> problems.toString());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ZooKeeperOptions.parse(section(options)));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  void readsAclsAsX509PermissionBitsAndKeepsCredentialsOutOfToString() {
    ZooKeeperOptions options = ZooKeeperOptions.parse(section(Map.of(
        "hosts", "zk:2181",
        "set_acls", Map.of("CN=principal1", List.of("create", "READ"), "CN=principal2", List.of("ALL")),
        "auth_data", Map.of("digest", "user:s3cret"),
        "use_ssl", "true", "verify", false, "key_password", "k3y")));
    assertEquals(Map.of("CN=principal1", Perms.CREATE | Perms.READ, "CN=principal2", Perms.ALL), options.acls());
    assertEquals("user:s3cret", options.authData().get("digest").reveal());
    assertTrue(options.useSsl());
    assertFalse(options.verify());
    assertFalse(options.toString().contains("s3cret"), options.toString());
    assertFalse(options.toString().contains("k3y"), options.toString());
  }

  @Test
  void appliesSetAclsAsX509AclsToEveryCreatedZnode() {
    ZooKeeperOptions options = ZooKeeperOptions.parse(section(Map.of(
        "hosts", "zk:2181", "set_acls", Map.of("CN=principal1", List.of("READ", "WRITE")))));
    org.apache.curator.framework.api.ACLProvider provider = ZooKeeperSession.aclProvider(options.acls());
    List<org.apache.zookeeper.data.ACL> expected = List.of(new org.apache.zookeeper.data.ACL(
        Perms.READ | Perms.WRITE, new org.apache.zookeeper.data.Id("x509", "CN=principal1")));
    assertEquals(expected, provider.getDefaultAcl());
    assertEquals(expected, provider.getAclForPath("/service/batman/leader"));
  }

  @Test
  void acceptsKazooStyleAuthDataPairs() {
    ZooKeeperOptions options = ZooKeeperOptions.parse(section(Map.of(
        "hosts", "zk:2181", "auth_data", List.of(List.of("digest", "u:p")))));
    assertEquals("u:p", options.authData().get("digest").reveal());
  }

  @Test
  void anUnknownKeyInTheSectionIsReportedWithTheKeyAndTheFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("node.yml");
    Files.writeString(file, SettingsLoaderTest.baseYaml().replace("etcd3:\n  hosts: 127.0.0.1:2379\n",
        "zookeeper:\n  hosts: [zk1:2181]\n  set_acls: {admin: [ALL]}\n  use_proxies: true\n"));
    // core's loader asks this plugin (found with ServiceLoader) for the section's keys: use_proxies is etcd3's
    SettingsLoader.Loaded loaded = SettingsLoader.load(file, Map.of(), dir);
    assertEquals(List.of(file + ": zookeeper.use_proxies: unknown key, ignored"), loaded.warnings());
  }

  @Test
  void isFoundByServiceLoaderUnderItsSectionName() {
    assertInstanceOf(ZooKeeperDcsFactory.class, DcsPlugins.find("zookeeper").orElseThrow());
  }

  static Stream<Arguments> connectionTimeouts() {
    return Stream.of(
        Arguments.of(new DcsTiming(30, 10, 10), 5_000), // Patroni's 8 s read timeout, capped at retry_timeout/2
        Arguments.of(new DcsTiming(30, 10, 20), 8_000), // max(loop_wait - 2, 2)
        Arguments.of(new DcsTiming(10, 2, 10), 2_000), // never under 2 s from loop_wait
        Arguments.of(new DcsTiming(5, 1, 1), 500)); // but a tiny retry_timeout still leaves room to retry
  }

  @ParameterizedTest(name = "{0} -> {1} ms")
  @MethodSource("connectionTimeouts")
  void derivesTheConnectionTimeoutFromLoopWaitWithinRetryTimeout(DcsTiming timing, int expectedMs) {
    assertEquals(expectedMs, ZooKeeperDcs.connectionTimeoutMs(timing));
  }

  static Stream<Arguments> memberChanges() {
    Map<String, Object> running = Map.of("state", "running", "role", "replica", "version", "4.0.4",
        "tags", Map.of("nofailover", false));
    return Stream.of(
        Arguments.of("same value", running, running, false),
        Arguments.of("only xlog_location moved", running, with(running, "xlog_location", 42), false),
        Arguments.of("stopped running", running, with(running, "state", "stopped"), true),
        Arguments.of("starting to stopped (neither running)", with(running, "state", "starting"),
            with(running, "state", "stopped"), false),
        Arguments.of("tags changed", running, with(running, "tags", Map.of("nofailover", true)), true),
        Arguments.of("version changed", running, with(running, "version", "4.1.0"), true),
        Arguments.of("checkpoint_after_promote appeared", running,
            with(running, "checkpoint_after_promote", false), true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("memberChanges")
  void recreatesTheMemberZnodeOnlyForChangesPatroniAnnounces(
      String situation, Map<String, Object> before, Map<String, Object> after, boolean important) {
    assertEquals(important, ZooKeeperDcs.importantChange(before, after));
  }

  private static Map<String, Object> with(Map<String, Object> base, String key, Object value) {
    Map<String, Object> copy = new java.util.HashMap<>(base);
    copy.put(key, value);
    return copy;
  }
}
