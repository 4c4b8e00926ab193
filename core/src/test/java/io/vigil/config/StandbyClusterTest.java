package io.vigil.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.postgres.RecoveryConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The standby_cluster section (docs/standby-cluster.md §1): Patroni 4's keys, multi-host, clear errors. */
class StandbyClusterTest {

  private static StandbyCluster parse(Map<String, Object> section, List<String> errors) {
    return StandbyCluster.parse(section, (k, m) -> errors.add(k + ": " + m));
  }

  @Test
  void readsEveryPatroniKey() {
    Map<String, Object> section = new LinkedHashMap<>();
    section.put("host", "10.0.0.1");
    section.put("port", 5433);
    section.put("primary_slot_name", "standby_b");
    section.put("create_replica_methods", List.of("pgbackrest", "basebackup"));
    section.put("restore_command", "pgbackrest --stanza=a archive-get %f %p");
    section.put("archive_cleanup_command", "pg_archivecleanup /arch %r");
    section.put("recovery_min_apply_delay", "5min");
    List<String> errors = new ArrayList<>();
    StandbyCluster sc = parse(section, errors);
    assertEquals(List.of(), errors);
    assertEquals(List.of("10.0.0.1"), sc.hosts());
    assertEquals(List.of(5433), sc.ports());
    assertEquals("standby_b", sc.primarySlotName());
    assertEquals(List.of("pgbackrest", "basebackup"), sc.createReplicaMethods());
    assertEquals("5min", sc.recoveryMinApplyDelay());
    assertTrue(sc.hasConnection());
    assertFalse(sc.multiHost());
  }

  @Test
  void multiHostConnectsReadWriteAndSlotOnlyWhenNamed() {
    List<String> errors = new ArrayList<>();
    StandbyCluster sc = parse(Map.of("host", "a1, a2,a3", "port", "5432,5433,5434"), errors);
    assertEquals(List.of(), errors);
    assertEquals("a1,a2,a3", sc.hostList());
    assertEquals("5432,5433,5434", sc.portList());
    RecoveryConfig rc = RecoveryConfig.remote(sc);
    assertEquals(Map.of("host", "a1,a2,a3", "port", "5432,5433,5434", "target_session_attrs", "read-write"),
        rc.source().conninfo());
    // patroni/ha.py get_remote_member: no primary_slot_name, no slot on the remote primary
    assertNull(rc.slotName());
    assertEquals(Map.of(), rc.extra());
  }

  @Test
  void archiveOnlyHasNoSource() {
    List<String> errors = new ArrayList<>();
    StandbyCluster sc = parse(Map.of("restore_command", "cp /arch/%f %p", "recovery_min_apply_delay", 300000),
        errors);
    assertEquals(List.of(), errors);
    assertFalse(sc.hasConnection());
    RecoveryConfig rc = RecoveryConfig.remote(sc);
    assertNull(rc.source());
    assertEquals("cp /arch/%f %p", rc.restoreCommand());
    assertEquals(Map.of("recovery_min_apply_delay", "300000"), rc.extra());
  }

  static Stream<Arguments> badSections() {
    return Stream.of(
        Arguments.of(Map.of("host", 5), "host: expected a host name or a comma-separated list of hosts, got 5"),
        Arguments.of(Map.of("host", "a,,b"), "host: empty host name in 'a,,b'"),
        Arguments.of(Map.of("host", "a", "port", 70000), "port: expected a port between 1 and 65535, got 70000"),
        Arguments.of(Map.of("host", "a", "port", "x"),
            "port: expected a port number or a comma-separated list of ports, got 'x'"),
        Arguments.of(Map.of("host", "a,b,c", "port", "1,2"),
            "port: lists 2 ports for 3 hosts: give one port for all hosts or one per host"),
        Arguments.of(Map.of("host", "a", "create_replica_methods", "basebackup"),
            "create_replica_methods: expected a list of method names, got 'basebackup'"),
        Arguments.of(Map.of("host", "a", "primary_slot_name", List.of()),
            "primary_slot_name: expected a string, got a list"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("badSections")
  void namesTheBadKey(Map<String, Object> section, String error) {
    List<String> errors = new ArrayList<>();
    assertNull(parse(section, errors));
    assertEquals(List.of(error), errors);
  }

  @Test
  void theDynamicConfigurationSaysWhichKeyAndWhere() {
    GlobalConfig g = GlobalConfigParser.parse(Map.of("standby_cluster", Map.of("host", "h", "port", "x"))).config();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, g::standbyClusterSettings);
    assertEquals("standby_cluster.port: expected a port number or a comma-separated list of ports, got 'x' "
        + "(dynamic configuration, /config)", e.getMessage());
    assertEquals(List.of("standby_cluster.port: expected a port number or a comma-separated list of ports, got 'x'"),
        GlobalConfigParser.validate(Map.of("standby_cluster", Map.of("host", "h", "port", "x"))));
    assertNull(GlobalConfigParser.parse(Map.of()).config().standbyClusterSettings());
  }
}
