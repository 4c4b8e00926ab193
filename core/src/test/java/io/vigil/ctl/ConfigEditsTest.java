package io.vigil.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.patroni.ConfigPatch;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Expected texts are Python's (PyYAML 6 safe_dump, difflib.unified_diff) for the same data. */
class ConfigEditsTest {

  private static Map<String, Object> config() {
    Map<String, Object> c = CtlFixtures.sampleConfig();
    c.put("pg_hba", List.of("host all all 0.0.0.0/0 md5", "local all all trust"));
    c.put("standby_cluster", null);
    c.put("name", "");
    c.put("ratio", 1.5);
    c.put("tags", Map.of());
    return c;
  }

  @Test
  void formatsLikePyYamlSafeDump() {
    assertEquals("""
        loop_wait: 10
        maximum_lag_on_failover: 1048576
        name: ''
        pg_hba:
        - host all all 0.0.0.0/0 md5
        - local all all trust
        postgresql:
          parameters:
            hot_standby: 'on'
            max_connections: 100
            max_replication_slots: 10
            max_wal_senders: 10
            wal_level: replica
            wal_log_hints: 'on'
          use_pg_rewind: true
          use_slots: true
        ratio: 1.5
        retry_timeout: 10
        standby_cluster: null
        synchronous_mode: false
        tags: {}
        ttl: 30
        """, ConfigEdits.format(config()));
  }

  @Test
  void setPairsEditDottedPathsAndDeleteWithNull() {
    ConfigEdits.Result r = ConfigEdits.set(config(), List.of("ttl=20", "loop_wait=", "postgresql.parameters.max_connections=200",
        "postgresql.parameters.work_mem=8MB"));
    assertEquals(20L, r.data().get("ttl"));
    assertFalse(r.data().containsKey("loop_wait"));
    assertEquals("""
        --- \n+++ \n@@ -1,4 +1,3 @@
        -loop_wait: 10
         maximum_lag_on_failover: 1048576
         name: ''
         pg_hba:
        @@ -7,11 +6,12 @@
         postgresql:
           parameters:
             hot_standby: 'on'
        -    max_connections: 100
        +    max_connections: 200
             max_replication_slots: 10
             max_wal_senders: 10
             wal_level: replica
             wal_log_hints: 'on'
        +    work_mem: 8MB
           use_pg_rewind: true
           use_slots: true
         ratio: 1.5
        @@ -19,4 +19,4 @@
         standby_cluster: null
         synchronous_mode: false
         tags: {}
        -ttl: 30
        +ttl: 20""", String.join("\n", UnifiedDiff.diff(ConfigEdits.format(config()), r.text())));
  }

  @Test
  void gucNamesKeepTheirDots() {
    ConfigEdits.Result r = ConfigEdits.set(Map.of(), ConfigEdits.pgPairs(List.of(" auto_explain.log_min_duration=100ms")));
    assertEquals(Map.of("postgresql", Map.of("parameters", Map.of("auto_explain.log_min_duration", "100ms"))), r.data());
  }

  @Test
  void valuesAreYaml11AsPatronictlReadsThem() {
    ConfigEdits.Result r = ConfigEdits.set(Map.of(), List.of("a=on", "b=[1, 2]", "c={x: 1}", "d='on'", "e=1.5"));
    assertEquals(true, r.data().get("a"));
    assertEquals(List.of(1L, 2L), r.data().get("b"));
    assertEquals(Map.of("x", 1L), r.data().get("c"));
    assertEquals("on", r.data().get("d"));
    assertEquals(1.5, r.data().get("e"));
  }

  @Test
  void deletingTheLastKeyOfAMapDropsTheMap() {
    ConfigEdits.Result r = ConfigEdits.set(Map.of("standby_cluster", Map.of("host", "h")),
        List.of("standby_cluster.host=null"));
    assertEquals(Map.of(), r.data());
  }

  @Test
  void aPairWithoutEqualsIsRejected() {
    CtlException e = assertThrows(CtlException.class, () -> ConfigEdits.set(Map.of(), List.of("ttl")));
    assertEquals("Invalid parameter setting ttl", e.getMessage());
  }

  @Test
  void applyMergesMapsDeletesNullsAndKeepsEqualTextValues() {
    Map<String, Object> doc = CtlFixtures.map("ttl", "30", "loop_wait", null,
        "postgresql", CtlFixtures.map("parameters", CtlFixtures.map("work_mem", "4MB")), "synchronous_mode", true);
    ConfigEdits.Result r = ConfigEdits.apply(config(), doc);
    assertEquals(30, r.data().get("ttl"), "same text: the number stays");
    assertFalse(r.data().containsKey("loop_wait"));
    @SuppressWarnings("unchecked")
    Map<String, Object> params = (Map<String, Object>) ((Map<String, Object>) r.data().get("postgresql")).get("parameters");
    assertEquals("4MB", params.get("work_mem"));
    assertEquals(100, params.get("max_connections"));
    assertEquals(true, r.data().get("synchronous_mode"));
  }

  @Test
  void replaceTakesTheDocumentAsIs() {
    ConfigEdits.Result r = ConfigEdits.replace(CtlText.loadYaml("ttl: 20\nloop_wait: 5\n"));
    assertEquals(Map.of("ttl", 20L, "loop_wait", 5L), r.data());
    assertEquals("loop_wait: 5\nttl: 20\n", r.text());
  }

  @Test
  void sameValueComparesNumbersByValue() {
    assertTrue(ConfigPatch.pyEquals(Map.of("a", 1), Map.of("a", 1L)));
    assertFalse(ConfigPatch.pyEquals(Map.of("a", 1), Map.of("a", 2L)));
    assertFalse(ConfigPatch.pyEquals(Map.of("a", 1), Map.of("a", 1, "b", 2)));
  }

  @Test
  void diffMatchesDifflibHunks() {
    StringBuilder a = new StringBuilder();
    for (int i = 0; i < 30; i++) {
      a.append("line").append(i).append(i < 29 ? "\n" : "");
    }
    String b = a.toString().replace("line3\n", "LINE3\n").replace("line20\n", "").replace("line27", "line27\nnew");
    assertEquals(List.of("--- ", "+++ ", "@@ -1,7 +1,7 @@", " line0", " line1", " line2", "-line3", "+LINE3", " line4",
        " line5", " line6", "@@ -18,7 +18,6 @@", " line17", " line18", " line19", "-line20", " line21", " line22",
        " line23", "@@ -26,5 +25,6 @@", " line25", " line26", " line27", "+new", " line28", " line29"),
        UnifiedDiff.diff(a.toString(), b));
    assertEquals(List.of(), UnifiedDiff.diff("a\nb\n", "a\nb"));
  }
}
