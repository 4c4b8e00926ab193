package io.vigil.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class GlobalConfigParserTest {
  private static Map<String, Object> map(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void defaultsAreThoseOfPatroni() {
    GlobalConfig g = GlobalConfigParser.defaults();
    assertEquals(30, g.ttl());
    assertEquals(10, g.loopWait());
    assertEquals(10, g.retryTimeout());
    assertEquals(1048576, g.maximumLagOnFailover());
    assertEquals(-1, g.maximumLagOnSyncnode());
    assertEquals(0, g.maxTimelinesHistory());
    assertEquals(300, g.primaryStartTimeout());
    assertEquals(0, g.primaryStopTimeout());
    assertEquals(0, g.primaryRaceBackoff());
    assertEquals(GlobalConfig.SynchronousMode.OFF, g.synchronousMode());
    assertFalse(g.synchronousModeStrict());
    assertEquals(1, g.synchronousNodeCount());
    assertFalse(g.failsafeMode());
    assertFalse(g.checkTimeline());
    assertFalse(g.pause());
    assertEquals(1800, g.memberSlotsTtl());
    assertEquals(Map.of(), g.slots());
    assertEquals(List.of(), g.ignoreSlots());
    assertNull(g.standbyCluster());
    assertFalse(g.isStandbyCluster());
    assertFalse(g.usePgRewind());
    assertTrue(g.useSlots());
    assertEquals(Map.of(), g.postgresqlParameters());
    assertEquals(List.of(), g.pgHba());
    assertEquals(List.of(), GlobalConfigParser.parse(null).warnings());
  }

  static Stream<Arguments> minimums() {
    return Stream.of(
        Arguments.of("ttl", 5, "ttl", 20),
        Arguments.of("loop_wait", 0, "loop_wait", 1),
        Arguments.of("retry_timeout", 1, "retry_timeout", 3),
        Arguments.of("synchronous_node_count", 0, "synchronous_node_count", 1),
        Arguments.of("maximum_lag_on_syncnode", -5, "maximum_lag_on_syncnode", -1),
        Arguments.of("primary_start_timeout", -1, "primary_start_timeout", 0));
  }

  @ParameterizedTest(name = "{0}={1} is raised to {3}")
  @MethodSource("minimums")
  void valuesBelowTheMinimumAreRaisedWithAWarning(String key, int value, String field, long expected) {
    GlobalConfigParser.Parsed p = GlobalConfigParser.parse(map(key, value));
    assertEquals(expected, field(p.config(), field));
    assertTrue(p.warnings().stream().anyMatch(w -> w.startsWith(key + ": " + value + " is below the minimum")), p.warnings().toString());
  }

  static Stream<Arguments> invalidValues() {
    return Stream.of(
        Arguments.of("ttl", "abc", "ttl", 30L),
        Arguments.of("loop_wait", List.of(1), "loop_wait", 10L),
        Arguments.of("maximum_lag_on_failover", "1MB", "maximum_lag_on_failover", 1048576L),
        Arguments.of("master_start_timeout", "soon", "primary_start_timeout", 300L),
        Arguments.of("synchronous_node_count", true, "synchronous_node_count", 1L));
  }

  @ParameterizedTest(name = "{0}={1} falls back to {3}")
  @MethodSource("invalidValues")
  void invalidValuesFallBackToTheDefaultWithAWarning(String key, Object value, String field, long expected) {
    GlobalConfigParser.Parsed p = GlobalConfigParser.parse(map(key, value));
    assertEquals(expected, field(p.config(), field));
    assertEquals(1, p.warnings().size(), p.warnings().toString());
    assertTrue(p.warnings().get(0).startsWith(key + ": expected an integer"), p.warnings().get(0));
  }

  private static long field(GlobalConfig g, String name) {
    return switch (name) {
      case "ttl" -> g.ttl();
      case "loop_wait" -> g.loopWait();
      case "retry_timeout" -> g.retryTimeout();
      case "synchronous_node_count" -> g.synchronousNodeCount();
      case "maximum_lag_on_syncnode" -> g.maximumLagOnSyncnode();
      case "maximum_lag_on_failover" -> g.maximumLagOnFailover();
      case "primary_start_timeout" -> g.primaryStartTimeout();
      default -> throw new IllegalArgumentException(name);
    };
  }

  @ParameterizedTest(name = "ttl={0} loop_wait={1} retry_timeout={2} -> loop_wait={3} retry_timeout={4}")
  @CsvSource({
      // rule holds: untouched
      "30, 10, 10, 10, 10",
      "20, 1, 3, 1, 3",
      "30, 2, 14, 2, 14",
      // loop_wait is lowered first
      "30, 15, 10, 10, 10",
      "20, 10, 9, 2, 9",
      "25, 10, 10, 5, 10",
      // loop_wait would drop below 1: loop_wait=1, retry_timeout=(ttl-1)//2
      "20, 10, 10, 1, 9",
      "21, 5, 15, 1, 10",
      "30, 10, 20, 1, 14",
  })
  void theTtlRuleIsEnforcedAsPatroniDoes(int ttl, int loopWait, int retryTimeout, int expectedLoopWait, int expectedRetry) {
    GlobalConfigParser.Parsed p = GlobalConfigParser.parse(map("ttl", ttl, "loop_wait", loopWait, "retry_timeout", retryTimeout));
    assertEquals(ttl, p.config().ttl());
    assertEquals(expectedLoopWait, p.config().loopWait());
    assertEquals(expectedRetry, p.config().retryTimeout());
    assertTrue(p.config().loopWait() + 2 * p.config().retryTimeout() <= p.config().ttl());
    boolean adjusted = expectedLoopWait != loopWait || expectedRetry != retryTimeout;
    assertEquals(adjusted, p.warnings().stream().anyMatch(w -> w.startsWith("Violated the rule")), p.warnings().toString());
  }

  @Test
  void minimumsApplyBeforeTheTtlRule() {
    // ttl 10 is raised to 20 first; then 2 + 2*4 <= 20 holds
    GlobalConfig g = GlobalConfigParser.parse(map("ttl", 10, "loop_wait", 2, "retry_timeout", 4)).config();
    assertEquals(List.of(20, 2, 4), List.of(g.ttl(), g.loopWait(), g.retryTimeout()));
  }

  @Test
  void legacyNamesAreReadAndTheNewNamesWin() {
    GlobalConfig legacy = GlobalConfigParser.parse(map("master_start_timeout", 60, "master_stop_timeout", 5)).config();
    assertEquals(60, legacy.primaryStartTimeout());
    assertEquals(5, legacy.primaryStopTimeout());
    GlobalConfig both = GlobalConfigParser.parse(map("master_start_timeout", 60, "primary_start_timeout", 0)).config();
    assertEquals(0, both.primaryStartTimeout());
  }

  @ParameterizedTest(name = "synchronous_mode={0}")
  @CsvSource({"true, ON", "on, ON", "ON, ON", "quorum, QUORUM", "false, OFF", "off, OFF", "maybe, OFF"})
  void synchronousModeAcceptsBooleansOnOffAndQuorum(String value, GlobalConfig.SynchronousMode expected) {
    Object yamlValue = value.equals("true") ? Boolean.TRUE : value.equals("false") ? Boolean.FALSE : value;
    GlobalConfigParser.Parsed p = GlobalConfigParser.parse(map("synchronous_mode", yamlValue));
    assertEquals(expected, p.config().synchronousMode());
    assertEquals(value.equals("maybe"), !p.warnings().isEmpty());
  }

  @Test
  void booleansAcceptPatroniSpellings() {
    GlobalConfig g = GlobalConfigParser.parse(map("pause", "on", "failsafe_mode", "yes", "check_timeline", true,
        "synchronous_mode_strict", "true")).config();
    assertTrue(g.pause() && g.failsafeMode() && g.checkTimeline() && g.synchronousModeStrict());
  }

  @Test
  void permanentSlotsUnderAnyOfTheirNames() {
    Map<String, Object> slots = map("phys", null, "zero", 0, "logi", map("database", "db", "plugin", "pgoutput"),
        "typed", map("type", "physical", "cluster_type", "primary"));
    for (String key : List.of("slots", "permanent_slots", "permanent_replication_slots")) {
      GlobalConfig g = GlobalConfigParser.parse(map(key, slots)).config();
      assertEquals(Map.of("type", "physical"), g.slots().get("phys"), key);
      assertEquals(Map.of("type", "physical"), g.slots().get("zero"));
      assertEquals(Map.of("type", "logical", "database", "db", "plugin", "pgoutput"), g.slots().get("logi"));
      assertEquals(Map.of("type", "physical", "cluster_type", "primary"), g.slots().get("typed"));
    }
    GlobalConfigParser.Parsed bad = GlobalConfigParser.parse(map("slots", map("x", map("type", "logical"))));
    assertEquals(Map.of(), bad.config().slots());
    assertEquals(1, bad.warnings().size());
  }

  @Test
  void ignoreSlotsMemberSlotsTtlAndStandbyCluster() {
    GlobalConfig g = GlobalConfigParser.parse(map(
        "ignore_slots", List.of(map("name", "ext", "type", "logical"), "junk"),
        "member_slots_ttl", "2h",
        "standby_cluster", map("host", "10.0.0.1", "port", 5432, "primary_slot_name", "standby"))).config();
    assertEquals(List.of(Map.of("name", "ext", "type", "logical")), g.ignoreSlots());
    assertEquals(7200, g.memberSlotsTtl());
    assertTrue(g.isStandbyCluster());
    assertEquals("standby", g.standbyCluster().get("primary_slot_name"));
    assertFalse(GlobalConfigParser.parse(map("standby_cluster", map("primary_slot_name", "x"))).config().isStandbyCluster());
    // Patroni's is_standby_cluster counts host, port or restore_command only when truthy in Python's sense
    assertFalse(GlobalConfigParser.parse(map("standby_cluster", map("host", ""))).config().isStandbyCluster());
    assertFalse(GlobalConfigParser.parse(map("standby_cluster", map("restore_command", List.of()))).config()
        .isStandbyCluster());
    assertTrue(GlobalConfigParser.parse(map("standby_cluster", map("restore_command", "cp %f %p"))).config()
        .isStandbyCluster());
    assertEquals(0, GlobalConfigParser.parse(map("member_slots_ttl", 0)).config().memberSlotsTtl());
    assertEquals(90, GlobalConfigParser.parse(map("member_slots_ttl", "90s")).config().memberSlotsTtl());
    assertEquals(1800, GlobalConfigParser.parse(map("member_slots_ttl", "forever")).config().memberSlotsTtl());
  }

  @Test
  void postgresqlSectionAndRawValue() {
    Map<String, Object> raw = map("postgresql", map("use_pg_rewind", true, "use_slots", false,
        "parameters", map("max_connections", 200), "pg_hba", List.of("host all all 0.0.0.0/0 md5")));
    GlobalConfig g = GlobalConfigParser.parse(raw).config();
    assertTrue(g.usePgRewind());
    assertFalse(g.useSlots());
    assertEquals(Map.of("max_connections", 200), g.postgresqlParameters());
    assertEquals(List.of("host all all 0.0.0.0/0 md5"), g.pgHba());
    assertEquals(raw, g.raw());
  }

  @Test
  void validateReportsWrongTypesAsErrorsWithKeyPaths() {
    assertEquals(List.of(), GlobalConfigParser.validate(map("ttl", 30, "loop_wait", 10, "synchronous_mode", "quorum")));
    assertEquals(List.of(
            "ttl: expected an integer >= 20, got 'abc'",
            "loop_wait: expected an integer >= 1, got 0",
            "pause: expected a boolean, got 'sometimes'",
            "synchronous_mode: expected on, off or quorum, got 'x'",
            "member_slots_ttl: expected a duration like 30min or a number of seconds, got 'long'",
            "slots.s1: expected a mapping {type, database, plugin} or nothing, got 'phys'",
            "slots.s2.type: expected physical or logical, got 'other'",
            "ignore_slots[0]: expected a mapping {name, type, database, plugin}, got 'x'",
            "postgresql.use_pg_rewind: expected a boolean, got 'perhaps'",
            "postgresql.parameters: expected a mapping, got a list"),
        GlobalConfigParser.validate(map("ttl", "abc", "loop_wait", 0, "pause", "sometimes", "synchronous_mode", "x",
            "member_slots_ttl", "long", "slots", map("s1", "phys", "s2", map("type", "other")),
            "ignore_slots", List.of("x"), "postgresql", map("use_pg_rewind", "perhaps", "parameters", List.of()))));
  }
}
