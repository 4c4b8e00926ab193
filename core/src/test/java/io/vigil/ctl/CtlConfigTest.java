package io.vigil.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CtlConfigTest {

  @ParameterizedTest(name = "[{index}] {0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "etcd3://127.0.0.1:2379       | etcd3     | {host=127.0.0.1:2379}",
      "etcd3://random.com           | etcd3     | {host=random.com:2379}",
      "zookeeper://zk1:2182         | zookeeper | {hosts=[zk1:2182]}",
      "consul://c1                  | consul    | {host=c1:8500}",
      "localhost:2181               | zookeeper | {hosts=[localhost:2181]}",
      "localhost:8500               | consul    | {host=localhost:8500}",
      "127.0.0.1:1234               | etcd      | {host=127.0.0.1:1234}",
      "''                           | etcd      | {host=localhost:2379}",
      "etcd://:2399                 | etcd      | {host=localhost:2399}"})
  void parsesDcsUrlsAsPatronictl(String url, String kind, String section) {
    Map<String, Object> parsed = CtlConfig.parseDcsUrl(url);
    assertEquals(section, String.valueOf(parsed.get(kind)));
    assertFalse(parsed.containsKey("namespace"));
  }

  @Test
  void aDcsUrlPathIsTheNamespace() {
    assertEquals("/customnamespace", CtlConfig.parseDcsUrl("etcd3://random.com:2399/customnamespace").get("namespace"));
  }

  @Test
  void anUnknownSchemeIsRejected() {
    assertEquals("Unknown dcs scheme: redis",
        assertThrows(CtlException.class, () -> CtlConfig.parseDcsUrl("redis://x")).getMessage());
  }

  @Test
  void readsThePatroniFileWithCtlFallingBackToRestapi(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("p.yml");
    Files.writeString(f, """
        scope: batman
        namespace: /db/
        name: pg1
        restapi:
          listen: 0.0.0.0:8008
          connect_address: 127.0.0.1:8008
          authentication: {username: admin, password: s3cret}
          cafile: /etc/ssl/ca.pem
        etcd3:
          hosts: [127.0.0.1:2379, 127.0.0.2:2379]
        bootstrap:
          dcs: {ttl: 30, retry_timeout: 4}
        postgresql: {data_dir: /x}
        """);
    CtlConfig c = CtlConfig.load(f, false, null, false, Map.of());
    assertEquals("batman", c.scope());
    assertEquals("/db/", c.namespace());
    assertEquals("etcd3", c.dcs().kind());
    assertEquals(List.of("127.0.0.1:2379", "127.0.0.2:2379"), c.dcs().options().get("hosts"));
    assertEquals("admin", c.authentication().username());
    assertEquals("s3cret", c.authentication().password().reveal());
    assertEquals("/etc/ssl/ca.pem", c.cacert());
    assertEquals(4, c.retryTimeout());
    assertFalse(c.insecure());
    assertFalse(c.toString().contains("s3cret"), "no password in toString");
  }

  @Test
  void environmentAndDcsUrlOverrideTheFile(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("p.yml");
    Files.writeString(f, "scope: batman\netcd3: {hosts: 'a:1'}\nctl: {insecure: true, authentication: {username: u, password: p}}\n");
    CtlConfig c = CtlConfig.load(f, false, "zookeeper://zk:2181/ns", false,
        Map.of("PATRONI_SCOPE", "robin", "PATRONI_CTL_PASSWORD", "q"));
    assertEquals("robin", c.scope());
    assertEquals("zookeeper", c.dcs().kind());
    assertEquals("/ns", c.namespace());
    assertTrue(c.insecure());
    assertEquals("q", c.authentication().password().reveal());
  }

  @Test
  void dcsSectionFromEnvironmentAlone() {
    CtlConfig c = CtlConfig.load(Path.of("/nonexistent/default.yaml"), true, null, true,
        Map.of("PATRONI_ETCD3_HOSTS", "10.0.0.1:2379,10.0.0.2:2379"));
    assertEquals("etcd3", c.dcs().kind());
    assertEquals("10.0.0.1:2379,10.0.0.2:2379", c.dcs().options().get("hosts"));
    assertNull(c.scope());
    assertTrue(c.insecure());
  }

  @Test
  void defaultPathIsUnderTheUsersConfigDirectory() {
    assertEquals(Path.of("/home/u/.config/patroni/patronictl.yaml"), CtlConfig.defaultPath(Map.of("HOME", "/home/u")));
  }
}
