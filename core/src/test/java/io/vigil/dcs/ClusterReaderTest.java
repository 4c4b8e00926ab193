package io.vigil.dcs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.cluster.Cluster;
import io.vigil.cluster.Failover;
import io.vigil.cluster.Member;
import io.vigil.cluster.Status;
import io.vigil.cluster.SyncState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ClusterReaderTest {
  private static final DcsKeys KEYS = new DcsKeys("service", "anchor");
  private static final String PG3 =
      "{\"conn_url\":\"postgres://127.0.0.1:5434/postgres\",\"api_url\":\"http://127.0.0.1:8010/patroni\","
          + "\"state\":\"running\",\"role\":\"master\",\"version\":\"3.0.2\",\"xlog_location\":67373552,\"timeline\":4}";

  private final List<String> warnings = new ArrayList<>();
  private final ClusterReader reader = new ClusterReader(KEYS, (key, reason) -> warnings.add(key + ": " + reason));

  private static Map<String, StoredValue> anchorCluster() {
    Map<String, StoredValue> nodes = new HashMap<>();
    nodes.put("config", StoredValue.of("{\"ttl\":30,\"loop_wait\":10}", 59));
    nodes.put("history", StoredValue.of("[[1,67299200,\"no recovery target specified\","
        + "\"2026-11-21T04:56:50.313697+00:00\",\"pg3\"],[2,67319168,\"x\",\"t\",\"pg1\"],[3,67347608,\"x\",\"t\",\"pg3\"]]", 110));
    nodes.put("initialize", StoredValue.of("7710484112634925804", 58));
    nodes.put("leader", new StoredValue("pg3", 105, "7668682371171595139"));
    nodes.put("members/pg3", new StoredValue(PG3, 117, "7668682371171595139"));
    nodes.put("members/pg1", new StoredValue(PG3.replace("5434", "5432").replace("master", "replica"), 115, "9"));
    nodes.put("status", StoredValue.of("{\"optime\":67373552}", 116));
    nodes.put("sync", StoredValue.of("{\"leader\":\"pg3\",\"sync_standby\":\"pg1\"}", 120));
    nodes.put("failover", StoredValue.of("{}", 121));
    nodes.put("failsafe", StoredValue.of("{\"pg3\":\"http://127.0.0.1:8010/patroni\"}", 122));
    return nodes;
  }

  @Test
  void readsACapturedPatroniCluster() {
    Cluster c = reader.read(anchorCluster());
    assertEquals("7710484112634925804", c.initialize());
    assertEquals(59, c.config().version());
    assertEquals(30L, c.config().data().get("ttl"));
    assertEquals("pg3", c.leaderName());
    assertEquals(105, c.leader().version());
    assertEquals("7668682371171595139", c.leader().session());
    assertEquals("primary", c.leader().member().role());
    assertEquals("http://127.0.0.1:8010/patroni", c.leader().member().apiUrl());
    assertEquals(List.of("pg1", "pg3"), c.members().stream().map(Member::name).toList());
    assertEquals(new Status(67373552, null, null), c.status());
    assertEquals(new SyncState(120, "pg3", List.of("pg1"), null), c.sync());
    assertNull(c.failover(), "{} is a cleared failover");
    assertEquals(4, c.timeline());
    assertEquals(Map.of("pg3", "http://127.0.0.1:8010/patroni"), c.failsafe().members());
    assertEquals(List.of(), warnings);
  }

  @Test
  void emptyPrefixIsAnEmptyCluster() {
    assertEquals(Cluster.empty(), reader.read(Map.of()));
    assertEquals(0, reader.read(Map.of()).timeline());
  }

  @Test
  void leaderWithoutMemberKeyKeepsEmptyData() {
    Map<String, StoredValue> nodes = anchorCluster();
    nodes.remove("members/pg3");
    Cluster c = reader.read(nodes);
    assertEquals("pg3", c.leaderName());
    assertEquals(Map.of(), c.leader().member().data());
    assertNull(c.leader().member().apiUrl());
  }

  @Test
  void emptyLeaderValueIsUnlocked() {
    Map<String, StoredValue> nodes = anchorCluster();
    nodes.put("leader", StoredValue.of("", 3));
    assertTrue(reader.read(nodes).isUnlocked());
  }

  @Test
  void onlyDirectMemberChildrenCount() {
    Map<String, StoredValue> nodes = anchorCluster();
    nodes.put("members/pg9/extra", StoredValue.of("{}", 1));
    nodes.put("members/", StoredValue.of("{}", 1));
    nodes.put("unknown", StoredValue.of("x", 1));
    assertEquals(List.of("pg1", "pg3"), reader.read(nodes).members().stream().map(Member::name).toList());
    assertEquals(List.of(), warnings);
  }

  @Test
  void legacyOptimeIsUsedOnlyWithoutStatus() {
    Map<String, StoredValue> nodes = anchorCluster();
    nodes.put("optime/leader", StoredValue.of("42", 1));
    assertEquals(67373552, reader.read(nodes).status().optime());
    nodes.remove("status");
    assertEquals(new Status(42, null, null), reader.read(nodes).status());
  }

  @Test
  void historyEmptyListIsTimelineOne() {
    Map<String, StoredValue> nodes = anchorCluster();
    nodes.put("history", StoredValue.of("[]", 1));
    assertEquals(1, reader.read(nodes).timeline());
  }

  @Test
  void legacyFailoverAndMemberValues() {
    Map<String, StoredValue> nodes = anchorCluster();
    nodes.put("failover", StoredValue.of("pg3:pg1", 7));
    nodes.put("members/pg1", StoredValue.of("postgres://10.0.0.1:5432/postgres?application_name=http://10.0.0.1:8008/patroni", 8));
    Cluster c = reader.read(nodes);
    assertEquals(new Failover(7, "pg3", "pg1", null), c.failover());
    assertEquals("http://10.0.0.1:8008/patroni", c.member("pg1").orElseThrow().apiUrl());
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
        Arguments.of("config", "{not json", (Function<Cluster, Object>) Cluster::config, null, "not JSON"),
        Arguments.of("config", "[1,2]", (Function<Cluster, Object>) Cluster::config, null, "got a list"),
        Arguments.of("status", "oops", (Function<Cluster, Object>) Cluster::status, Status.empty(), "not JSON"),
        Arguments.of("sync", "[", (Function<Cluster, Object>) Cluster::sync, SyncState.empty(120), "not JSON"),
        Arguments.of("sync", "\"a\"", (Function<Cluster, Object>) Cluster::sync, SyncState.empty(120), "a string"),
        Arguments.of("failover", "{\"leader\":\"a\",\"scheduled_at\":\"x\"}",
            (Function<Cluster, Object>) Cluster::failover, null, "ISO-8601"),
        Arguments.of("history", "{}", (Function<Cluster, Object>) Cluster::history, null, "JSON list"),
        Arguments.of("history", "[[1]]", (Function<Cluster, Object>) Cluster::timeline, 0, "at least 2"),
        Arguments.of("failsafe", "[]", (Function<Cluster, Object>) Cluster::failsafe, null, "JSON object"),
        Arguments.of("members/pg1", "garbage",
            (Function<Cluster, Object>) c -> c.member("pg1").orElseThrow().data(), Map.of(), "not JSON"),
        Arguments.of("members/pg3", "[]",
            (Function<Cluster, Object>) c -> c.leader().member().data(), Map.of(), "got a list"));
  }

  @ParameterizedTest(name = "{0} = {1}")
  @MethodSource("malformed")
  void malformedValueIsReportedOnceAndReadAsAbsent(String key, String value, Function<Cluster, Object> field,
      Object expected, String reason) {
    Map<String, StoredValue> nodes = anchorCluster();
    nodes.put(key, new StoredValue(value, 120, null));
    Cluster first = reader.read(nodes);
    assertEquals(expected, field.apply(first));
    assertNotNull(first.leader(), "the rest of the cluster is still read");
    assertEquals(2, first.members().size());
    reader.read(nodes);
    assertEquals(1, warnings.size(), warnings.toString());
    assertTrue(warnings.get(0).startsWith("/service/anchor/" + key + ": "), warnings.get(0));
    assertTrue(warnings.get(0).contains(reason), warnings.get(0));

    nodes.put(key, new StoredValue(value + " ", 121, null));
    reader.read(nodes);
    assertEquals(2, warnings.size(), "a different bad value is reported again");
  }
}
