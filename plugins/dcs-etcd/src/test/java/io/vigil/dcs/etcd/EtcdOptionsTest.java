package io.vigil.dcs.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.config.DcsSettings;
import io.vigil.config.SettingsLoader;
import io.vigil.config.SettingsLoaderTest;
import io.vigil.dcs.DcsPlugins;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EtcdOptionsTest {

  static Stream<Arguments> endpoints() {
    return Stream.of(
        Arguments.of(Map.of(), List.of("http://127.0.0.1:2379")),
        Arguments.of(Map.of("host", "10.0.0.1:2379"), List.of("http://10.0.0.1:2379")),
        Arguments.of(Map.of("host", "etcd1"), List.of("http://etcd1:2379")),
        Arguments.of(Map.of("hosts", "10.0.0.1:2379, 10.0.0.2:2380"), List.of("http://10.0.0.1:2379", "http://10.0.0.2:2380")),
        Arguments.of(Map.of("hosts", List.of("a:1", "b:2")), List.of("http://a:1", "http://b:2")),
        Arguments.of(Map.of("hosts", List.of("a:1"), "protocol", "https"), List.of("https://a:1")),
        Arguments.of(Map.of("url", "https://etcd.example:2379"), List.of("https://etcd.example:2379")),
        Arguments.of(Map.of("url", "http://x:1", "proxy", "http://proxy:2379", "hosts", "a:1"), List.of("http://proxy:2379")),
        Arguments.of(Map.of("hosts", "[::1]:2379"), List.of("http://[::1]:2379")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("endpoints")
  void readsEndpointsAsPatroniDoes(Map<String, Object> options, List<String> expected) {
    EtcdOptions o = EtcdOptions.parse(new DcsSettings("etcd3", options));
    assertEquals(expected, o.endpoints().stream().map(URI::toString).toList());
  }

  static Stream<Arguments> problems() {
    return Stream.of(
        Arguments.of(Map.of("protocol", "grpc"), "etcd3.protocol: expected http or https, got 'grpc'"),
        Arguments.of(Map.of("hosts", "a:notaport"), "etcd3.hosts: expected host:port, got 'a:notaport': port 'notaport' is not a number"),
        Arguments.of(Map.of("host", ":2379"), "etcd3.host: host is empty"),
        Arguments.of(Map.of("hosts", " , "), "etcd3.hosts: no endpoint given"),
        Arguments.of(Map.of("url", "ftp://x:1"), "etcd3.url: expected an http:// or https:// URL, got scheme 'ftp'"),
        Arguments.of(Map.of("proxy", "http://"), "etcd3.proxy: "),
        Arguments.of(Map.of("username", "root"), "etcd3.password: required with etcd3.username"),
        Arguments.of(Map.of("password", "pw"), "etcd3.username: required with etcd3.password"),
        Arguments.of(Map.of("cacert", "/nonexistent/ca.pem"), "etcd3.cacert: file /nonexistent/ca.pem is not readable"),
        Arguments.of(Map.of("srv", "example.com"), "etcd3.srv: DNS SRV discovery is not supported"),
        Arguments.of(Map.of("url", "http://u:pw@h:1"), "etcd3.url: credentials in the URL are not supported"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("problems")
  void validationNamesTheKey(Map<String, Object> options, String problem) {
    List<String> found = new EtcdDcsFactory().validate(new DcsSettings("etcd3", options));
    assertEquals(1, found.size(), found.toString());
    assertTrue(found.get(0).startsWith(problem), found.toString());
  }

  @Test
  void passwordNeverAppearsInProblemsOrToString() {
    DcsSettings s = new DcsSettings("etcd3", Map.of("username", "root", "password", "s3cr3t", "url", "http://h:1"));
    assertEquals(List.of(), new EtcdDcsFactory().validate(s));
    EtcdOptions o = EtcdOptions.parse(s);
    assertFalse(o.toString().contains("s3cr3t"), o.toString());
    assertFalse(s.toString().contains("s3cr3t"));
    assertEquals("s3cr3t", o.password().reveal());
    DcsSettings inUrl = new DcsSettings("etcd3", Map.of("url", "http://u:s3cr3t@h:1"));
    assertFalse(new EtcdDcsFactory().validate(inUrl).toString().contains("s3cr3t"));
  }

  @Test
  void anUnknownKeyInTheSectionIsReportedWithTheKeyAndTheFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("node.yml");
    Files.writeString(file, SettingsLoaderTest.baseYaml().replace("  hosts: 127.0.0.1:2379\n",
        "  hosts: 127.0.0.1:2379\n  use_proxies: true\n  hostz: 10.0.0.1:2379\n"));
    // core's loader asks this plugin (found with ServiceLoader) for the section's keys
    SettingsLoader.Loaded loaded = SettingsLoader.load(file, Map.of(), dir);
    assertEquals(List.of(file + ": etcd3.hostz: unknown key, ignored"), loaded.warnings());
    assertTrue(new EtcdDcsFactory().configKeys().containsAll(Set.of("hosts", "use_proxies", "retry_timeout")));
  }

  @Test
  void pluginIsFoundByItsSectionName() {
    assertTrue(DcsPlugins.find("etcd3").orElseThrow() instanceof EtcdDcsFactory);
  }
}
