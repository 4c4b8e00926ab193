package io.vigil.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class ServerParametersTest {

  static Stream<Arguments> controlled() {
    return Stream.of(
        // name, given value, version, expected command-line value, warning expected
        Arguments.of("max_connections", null, 150000, "100", false),
        Arguments.of("max_connections", 200, 150000, "200", false),
        Arguments.of("max_connections", 10, 150000, "100", true),
        Arguments.of("max_connections", "lots", 150000, "100", true),
        Arguments.of("max_wal_senders", 2, 150000, "10", true),
        Arguments.of("max_replication_slots", "6", 150000, "6", false),
        Arguments.of("max_locks_per_transaction", 31, 150000, "64", true),
        Arguments.of("max_worker_processes", 2, 150000, "2", false),
        Arguments.of("max_prepared_transactions", -1, 150000, "0", true),
        Arguments.of("wal_level", null, 150000, "replica", false),
        Arguments.of("wal_level", "hot_standby", 150000, "replica", false),
        Arguments.of("wal_level", "logical", 150000, "logical", false),
        Arguments.of("wal_level", "minimal", 150000, "replica", true),
        Arguments.of("hot_standby", "off", 150000, "on", true),
        Arguments.of("wal_log_hints", null, 150000, "on", false),
        Arguments.of("wal_log_hints", false, 150000, "off", false),
        Arguments.of("wal_log_hints", "maybe", 150000, "on", true),
        Arguments.of("track_commit_timestamp", "on", 150000, "on", false),
        Arguments.of("wal_keep_size", null, 150000, "128MB", false),
        Arguments.of("wal_keep_size", "1GB", 150000, "1024MB", false),
        Arguments.of("wal_keep_size", "8MB", 150000, "128MB", true),
        Arguments.of("wal_keep_size", 256, 150000, "256MB", false));
  }

  @ParameterizedTest(name = "{0}={1} on {2} -> {3}")
  @MethodSource("controlled")
  void appliesDefaultsAndMinimumsToControlledParameters(String name, Object value, int version, String expected,
      boolean warns) {
    Map<String, Object> p = new HashMap<>();
    if (value != null) {
      p.put(name, value);
    }
    ServerParameters sp = ServerParameters.of(p, version, "127.0.0.1", 5432, "batman");
    assertEquals(expected, sp.commandLine().get(name));
    assertEquals(warns, !sp.warnings().isEmpty(), sp.warnings().toString());
    assertFalse(sp.conf().containsKey(name), "controlled parameters never go to postgresql.conf");
  }

  @Test
  void convertsWalKeepSegmentsToWalKeepSizeOnPg13AndBack() {
    ServerParameters pg15 = ServerParameters.of(Map.of("wal_keep_segments", 10), 150000, "*", 5432, "s");
    assertEquals("160MB", pg15.commandLine().get("wal_keep_size"));
    assertNull(pg15.commandLine().get("wal_keep_segments"));
    ServerParameters pg12 = ServerParameters.of(Map.of("wal_keep_size", "256MB"), 120000, "*", 5432, "s");
    assertEquals("16", pg12.commandLine().get("wal_keep_segments"));
  }

  @Test
  void listenPortAndClusterNameComeFromSettingsNotParameters() {
    ServerParameters sp = ServerParameters.of(Map.of("port", 1, "listen_addresses", "*", "cluster_name", "x",
        "shared_buffers", "64MB", "log_line_prefix", "%m ", "primary_conninfo", "host=evil"), 150000,
        "127.0.0.1,::1", 5433, "batman");
    assertEquals("127.0.0.1,::1", sp.commandLine().get("listen_addresses"));
    assertEquals("5433", sp.commandLine().get("port"));
    assertEquals("batman", sp.commandLine().get("cluster_name"));
    assertEquals(Map.of("shared_buffers", "64MB", "log_line_prefix", "%m "), sp.conf());
    assertTrue(sp.arguments().contains("--port=5433"));
    assertEquals(List.of(), sp.warnings());
  }
}
