package io.vigil.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code event_bridge} section: off by default, strict keys, addresses checked, PATRONI_EVENT_BRIDGE_*. */
class EventBridgeSettingsTest {
  @TempDir Path dir;

  Settings load(String extra, Map<String, String> env) throws Exception {
    Path file = dir.resolve("node.yml");
    Files.writeString(file, SettingsLoaderTest.baseYaml() + extra);
    return SettingsLoader.load(file, env, dir).settings();
  }

  List<String> problems(String extra) throws Exception {
    Path file = dir.resolve("node.yml");
    Files.writeString(file, SettingsLoaderTest.baseYaml() + extra);
    return assertThrows(SettingsError.class, () -> SettingsLoader.load(file, Map.of(), dir)).problems();
  }

  @Test
  void offWithoutTheSection() throws Exception {
    assertNull(load("", Map.of()).eventBridge());
  }

  @Test
  void aMinimalSectionListensOnEveryEventAddress() throws Exception {
    EventBridgeSettings b = load("event_bridge:\n  listen: 127.0.0.1:7000\n", Map.of()).eventBridge();
    assertEquals(new HostPort("127.0.0.1", 7000), b.listen());
    assertEquals(List.of("vigil.tap.events"), b.addresses());
    assertTrue(!b.tls());
    assertTrue(!b.keepConnectionOnInbound());
  }

  @Test
  void everyKeyIsRead() throws Exception {
    EventBridgeSettings b = load("""
        event_bridge:
          listen: 0.0.0.0:7443
          certfile: /etc/vigil/bridge.pem
          keyfile: /etc/vigil/bridge.key
          cafile: /etc/vigil/ca.pem
          verify_client: required
          addresses: [vigil.tap.events.role_changed, vigil.tap.events.leader_changed]
          keep_connection_on_inbound: true
        """, Map.of()).eventBridge();
    assertTrue(b.tls());
    assertEquals("required", b.verifyClient());
    assertEquals(List.of("vigil.tap.events.role_changed", "vigil.tap.events.leader_changed"), b.addresses());
    assertTrue(b.keepConnectionOnInbound());
  }

  @Test
  void theEnvironmentCanConfigureIt() throws Exception {
    EventBridgeSettings b = load("", Map.of("PATRONI_EVENT_BRIDGE_LISTEN", "127.0.0.1:7001",
        "PATRONI_EVENT_BRIDGE_ADDRESSES", "vigil.tap.events,vigil.tap.events.role_changed",
        "PATRONI_EVENT_BRIDGE_KEEP_CONNECTION_ON_INBOUND", "true")).eventBridge();
    assertEquals(7001, b.listen().port());
    assertEquals(List.of("vigil.tap.events", "vigil.tap.events.role_changed"), b.addresses());
    assertTrue(b.keepConnectionOnInbound());
  }

  @Test
  void unknownKeysBadAddressesAndIncompleteTlsAreErrorsNamingTheKey() throws Exception {
    String file = dir.resolve("node.yml").toString();
    assertEquals(List.of(file + ": event_bridge.adresses: unknown key (expected listen, certfile, keyfile, cafile, "
        + "verify_client, addresses, keep_connection_on_inbound)"),
        problems("event_bridge:\n  listen: 127.0.0.1:7000\n  adresses: [vigil.tap.events]\n"));
    assertEquals(List.of(file + ": event_bridge.addresses: 'vigil.ha.wake' is not a bridge address: expected "
        + "vigil.tap.events or vigil.tap.events.<event type> (docs/events.md)"),
        problems("event_bridge:\n  listen: 127.0.0.1:7000\n  addresses: [vigil.ha.wake]\n"));
    assertEquals(1, problems("event_bridge:\n  listen: 127.0.0.1:7000\n  addresses: [vigil.tap.events.nope]\n")
        .size());
    assertEquals(List.of(file + ": event_bridge.certfile: is required when keyfile, cafile or verify_client is set "
        + "(they configure TLS)"), problems("event_bridge:\n  listen: 127.0.0.1:7000\n  keyfile: /k.pem\n"));
    assertEquals(1, problems("event_bridge:\n  certfile: /c.pem\n").size(), "listen is required");
  }
}
