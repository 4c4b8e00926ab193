package io.vigil.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.cluster.PatroniJson.MalformedValueException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class PatroniJsonTest {

  // values captured from a real Patroni 3.0.2 cluster (docs/patroni-formats.md)
  private static final String MEMBER =
      "{\"conn_url\":\"postgres://127.0.0.1:5434/postgres\",\"api_url\":\"http://127.0.0.1:8010/patroni\","
          + "\"state\":\"running\",\"role\":\"master\",\"version\":\"3.0.2\",\"xlog_location\":67373552,\"timeline\":4}";
  private static final String CONFIG =
      "{\"ttl\":30,\"loop_wait\":10,\"retry_timeout\":10,\"maximum_lag_on_failover\":1048576,"
          + "\"synchronous_mode\":false,\"postgresql\":{\"use_pg_rewind\":true,\"use_slots\":true,\"parameters\":"
          + "{\"wal_level\":\"replica\",\"hot_standby\":\"on\",\"max_wal_senders\":10,\"max_replication_slots\":10,"
          + "\"wal_log_hints\":\"on\",\"max_connections\":100}}}";
  private static final String HISTORY =
      "[[1,67299200,\"no recovery target specified\",\"2026-11-21T04:56:50.313697+00:00\",\"pg3\"],"
          + "[2,67319168,\"no recovery target specified\",\"2026-11-21T04:57:31.845697+00:00\",\"pg1\"]]";
  private static final String FAILSAFE =
      "{\"pg3\":\"http://127.0.0.1:8010/patroni\",\"pg1\":\"http://127.0.0.1:8008/patroni\","
          + "\"pg2\":\"http://127.0.0.1:8009/patroni\"}";

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {MEMBER, CONFIG})
  void objectsRoundTripByteForByte(String stored) throws Exception {
    assertEquals(stored, PatroniJson.writeObject(PatroniJson.readObject(stored)));
  }

  @Test
  void readsConfigWrittenByPatronictlWithSpaces() throws Exception {
    ClusterConfig c = PatroniJson.readConfig("{\"ttl\": 10, \"loop_wait\": 2, \"failsafe_mode\": true}", 7);
    assertEquals(7, c.version());
    assertEquals(Map.of("ttl", 10L, "loop_wait", 2L, "failsafe_mode", true), c.data());
    assertEquals("{\"ttl\":10,\"loop_wait\":2,\"failsafe_mode\":true}", PatroniJson.writeObject(c.data()));
  }

  static Stream<Arguments> pythonEscapes() {
    // expected texts from Python 3: json.dumps({"t": s}, separators=(',', ':'))
    return Stream.of(
        Arguments.of("caf\u00e9", "{\"t\":\"caf\\u00e9\"}"),
        Arguments.of("\u00c9t\u00e9", "{\"t\":\"\\u00c9t\\u00e9\"}"),
        Arguments.of("\ud83d\ude00", "{\"t\":\"\\ud83d\\ude00\"}"),
        Arguments.of("a\nb\tc\r\b\f", "{\"t\":\"a\\nb\\tc\\r\\b\\f\"}"),
        Arguments.of("\u0001\u001f\u007f", "{\"t\":\"\\u0001\\u001f\\u007f\"}"),
        Arguments.of("q\"b\\/~", "{\"t\":\"q\\\"b\\\\/~\"}"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("pythonEscapes")
  void escapesLikePythonEnsureAscii(String text, String expected) throws Exception {
    assertEquals(expected, PatroniJson.writeObject(Map.of("t", text)));
    assertEquals(text, PatroniJson.readObject(expected).get("t"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("floats")
  void writesFloatsAsPythonRepr(double value, String python) {
    assertEquals(python, PatroniJson.pythonRepr(value));
    assertEquals("{\"f\":" + python + "}", PatroniJson.writeObject(Map.of("f", value)));
  }

  static Stream<Arguments> floats() {
    // expected texts from Python 3 repr()
    return Stream.of(
        Arguments.of(1.5, "1.5"), Arguments.of(0.9, "0.9"), Arguments.of(1e-05, "1e-05"),
        Arguments.of(0.0001, "0.0001"), Arguments.of(1e16, "1e+16"), Arguments.of(1.5e20, "1.5e+20"),
        Arguments.of(123456789012345.6, "123456789012345.6"), Arguments.of(1e15, "1000000000000000.0"),
        Arguments.of(10000000.0, "10000000.0"), Arguments.of(0.1 + 0.2, "0.30000000000000004"),
        Arguments.of(-2.5e-7, "-2.5e-07"), Arguments.of(0.0, "0.0"), Arguments.of(-0.0, "-0.0"),
        Arguments.of(1e300, "1e+300"));
  }

  @Test
  void writesFloatsAsPythonDoesForPlainValues() {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("n", 1.5);
    data.put("big", 1e7);
    data.put("small", 1e-5f);
    data.put("b", false);
    data.put("z", null);
    assertEquals("{\"n\":1.5,\"big\":10000000.0,\"small\":1e-05,\"b\":false,\"z\":null}",
        PatroniJson.writeObject(data));
  }

  @Test
  void readsMemberAndKeepsMasterRoleReadableAsPrimary() throws Exception {
    Member m = PatroniJson.readMember("pg3", MEMBER, 117, "7668682371171595139");
    assertEquals("postgres://127.0.0.1:5434/postgres", m.connUrl());
    assertEquals("http://127.0.0.1:8010/patroni", m.apiUrl());
    assertEquals("primary", m.role());
    assertEquals(67373552L, m.xlogLocation());
    assertEquals(4, m.timeline());
    assertEquals("7668682371171595139", m.session());
    assertEquals(117, m.version());
  }

  static Stream<Arguments> legacyMembers() {
    return Stream.of(
        Arguments.of("postgres://rep:pw@10.0.0.1:5432/postgres?application_name=http://10.0.0.1:8008/patroni",
            "postgres://rep:pw@10.0.0.1:5432/postgres", "http://10.0.0.1:8008/patroni"),
        Arguments.of("postgres://10.0.0.1:5432/postgres?sslmode=require&application_name=http%3A%2F%2Fh%3A8008%2Fpatroni",
            "postgres://10.0.0.1:5432/postgres", "http://h:8008/patroni"),
        Arguments.of("postgresql://10.0.0.1:5432/postgres", "postgresql://10.0.0.1:5432/postgres", null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("legacyMembers")
  void readsLegacyConnectionStringMembers(String stored, String connUrl, String apiUrl) throws Exception {
    Member m = PatroniJson.readMember("pg1", stored, 3, null);
    assertEquals(connUrl, m.connUrl());
    assertEquals(apiUrl, m.apiUrl());
  }

  static Stream<Arguments> statuses() {
    return Stream.of(
        Arguments.of("{\"optime\":67373552}", new Status(67373552, null, null)),
        Arguments.of("{\"optime\":5,\"slots\":{\"pg1\":4,\"pg2\":3},\"retain_slots\":[\"pg1\",\"pg2\"]}",
            new Status(5, Map.of("pg1", 4L, "pg2", 3L), List.of("pg1", "pg2"))),
        Arguments.of("67373552", new Status(67373552, null, null)),
        Arguments.of("{\"optime\":\"abc\"}", new Status(0, null, null)),
        Arguments.of("{\"optime\":\"12\"}", new Status(12, null, null)),
        Arguments.of("{\"optime\":9,\"slots\":\"x\",\"retain_slots\":{}}", new Status(9, null, null)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("statuses")
  void readsStatus(String stored, Status expected) throws Exception {
    assertEquals(expected, PatroniJson.readStatus(stored));
  }

  static Stream<Arguments> statusWrites() {
    return Stream.of(
        Arguments.of(new Status(67373552, null, null), "{\"optime\":67373552}"),
        Arguments.of(new Status(5, new LinkedHashMap<>(Map.of("a", 1L)), List.of("a")),
            "{\"optime\":5,\"slots\":{\"a\":1},\"retain_slots\":[\"a\"]}"),
        Arguments.of(new Status(5, null, List.of()), "{\"optime\":5,\"retain_slots\":[]}"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("statusWrites")
  void writesStatusLeavingOutNullFields(Status status, String expected) throws Exception {
    assertEquals(expected, PatroniJson.writeStatus(status));
    assertEquals(status, PatroniJson.readStatus(expected));
  }

  static Stream<Arguments> syncs() {
    return Stream.of(
        Arguments.of("{\"leader\":\"pg3\",\"sync_standby\":\"pg1\"}", new SyncState(9, "pg3", List.of("pg1"), null)),
        Arguments.of("{\"leader\":\"pg3\",\"quorum\":1,\"sync_standby\":\"pg1,pg2\"}",
            new SyncState(9, "pg3", List.of("pg1", "pg2"), 1)),
        Arguments.of("{\"leader\":\"pg3\",\"quorum\":0,\"sync_standby\":null}", new SyncState(9, "pg3", List.of(), null)),
        Arguments.of("{\"leader\":\"pg3\",\"quorum\":\"2\",\"sync_standby\":\" a , b ,\"}",
            new SyncState(9, "pg3", List.of("a", "b"), 2)),
        Arguments.of("{}", SyncState.empty(9)),
        Arguments.of("{\"leader\":null,\"sync_standby\":\"pg1\"}", SyncState.empty(9)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("syncs")
  void readsSync(String stored, SyncState expected) throws Exception {
    assertEquals(expected, PatroniJson.readSync(stored, 9));
  }

  @Test
  void writesSyncWithSortedStandbysAndNulls() {
    assertEquals("{\"leader\":\"pg3\",\"quorum\":0,\"sync_standby\":\"a,b,c\"}",
        PatroniJson.writeSync(new SyncState(1, "pg3", List.of("c", "a", "b"), null)));
    assertEquals("{\"leader\":\"pg3\",\"quorum\":1,\"sync_standby\":null}",
        PatroniJson.writeSync(new SyncState(1, "pg3", List.of(), 1)));
  }

  private static final OffsetDateTime AT = OffsetDateTime.of(2026, 11, 21, 4, 56, 50, 313697000, ZoneOffset.UTC);

  static Stream<Arguments> failovers() {
    return Stream.of(
        Arguments.of("{\"leader\":\"pg1\",\"member\":\"pg2\"}", new Failover(4, "pg1", "pg2", null)),
        Arguments.of("{\"member\":\"pg2\"}", new Failover(4, null, "pg2", null)),
        Arguments.of("{\"leader\":\"pg1\",\"scheduled_at\":\"2026-11-21T04:56:50.313697+00:00\"}",
            new Failover(4, "pg1", null, AT)),
        Arguments.of("{\"leader\":\"pg1\",\"scheduled_at\":\"2026-11-21 06:56:50.313697+02:00\"}",
            new Failover(4, "pg1", null, AT.withOffsetSameInstant(ZoneOffset.ofHours(2)))),
        Arguments.of("pg1:pg2", new Failover(4, "pg1", "pg2", null)),
        Arguments.of("pg1", new Failover(4, "pg1", null, null)),
        Arguments.of(" : pg2", new Failover(4, null, "pg2", null)),
        Arguments.of("{}", null),
        Arguments.of("{\"leader\":\"\",\"member\":\"\"}", null),
        Arguments.of("[1,2]", null),
        Arguments.of("", null));
  }

  @ParameterizedTest(name = "[{0}]")
  @MethodSource("failovers")
  void readsFailover(String stored, Failover expected) throws Exception {
    assertEquals(expected, PatroniJson.readFailover(stored, 4));
  }

  @Test
  void writesFailoverWithPythonIsoformatAndEmptyObjectToClear() {
    assertEquals("{\"leader\":\"pg1\",\"member\":\"pg2\",\"scheduled_at\":\"2026-11-21T04:56:50.313697+00:00\"}",
        PatroniJson.writeFailover(new Failover(0, "pg1", "pg2", AT)));
    assertEquals("{}", PatroniJson.writeFailover(null));
    assertEquals("{\"member\":\"pg2\"}", PatroniJson.writeFailover(new Failover(0, null, "pg2", null)));
  }

  static Stream<Arguments> isoformats() {
    return Stream.of(
        Arguments.of(AT, "2026-11-21T04:56:50.313697+00:00"),
        Arguments.of(AT.withNano(0), "2026-11-21T04:56:50+00:00"),
        Arguments.of(AT.withSecond(0).withNano(0), "2026-11-21T04:56:00+00:00"),
        Arguments.of(AT.withNano(1000).withOffsetSameLocal(ZoneOffset.ofHoursMinutes(-5, -30)),
            "2026-11-21T04:56:50.000001-05:30"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("isoformats")
  void formatsTimestampsLikePython(OffsetDateTime t, String expected) throws Exception {
    assertEquals(expected, PatroniJson.isoformat(t));
    assertTrue(t.isEqual(PatroniJson.readTimestamp(expected)));
  }

  @Test
  void historyRoundTripsIncludingShortOldLines() throws Exception {
    TimelineHistory h = PatroniJson.readHistory(HISTORY, 110);
    assertEquals(2, h.lines().size());
    assertEquals(new TimelineHistory.Line(2, 67319168, "no recovery target specified",
        "2026-11-21T04:57:31.845697+00:00", "pg1"), h.lines().get(1));
    assertEquals(HISTORY, PatroniJson.writeHistory(h));
    String old = "[[1,100,\"no recovery target specified\"],[2,200]]";
    assertEquals(old, PatroniJson.writeHistory(PatroniJson.readHistory(old, 1)));
    assertEquals("[]", PatroniJson.writeHistory(PatroniJson.readHistory("[]", 1)));
  }

  @Test
  void failsafeKeepsOrder() throws Exception {
    assertEquals(FAILSAFE, PatroniJson.writeFailsafe(PatroniJson.readFailsafe(FAILSAFE)));
  }

  interface Reader {
    Object read(String value) throws MalformedValueException;
  }

  static Stream<Arguments> malformed() {
    Reader config = v -> PatroniJson.readConfig(v, 1);
    Reader member = v -> PatroniJson.readMember("m", v, 1, null);
    Reader status = PatroniJson::readStatus;
    Reader sync = v -> PatroniJson.readSync(v, 1);
    Reader failover = v -> PatroniJson.readFailover(v, 1);
    Reader history = v -> PatroniJson.readHistory(v, 1);
    Reader failsafe = PatroniJson::readFailsafe;
    return Stream.of(
        Arguments.of("config not JSON", config, "{not json", "not JSON"),
        Arguments.of("config a list", config, "[1]", "expected a JSON object, got a list"),
        Arguments.of("config empty", config, "", "empty value"),
        Arguments.of("member garbage", member, "garbage", "not JSON"),
        Arguments.of("member a string", member, "\"x\"", "expected a JSON object, got a string"),
        Arguments.of("status not JSON", status, "oops", "not JSON"),
        Arguments.of("status a list", status, "[1]", "expected a JSON object or an integer"),
        Arguments.of("status slot not int", status, "{\"optime\":1,\"slots\":{\"a\":\"x\"}}", "slot 'a'"),
        Arguments.of("sync not JSON", sync, "[", "not JSON"),
        Arguments.of("sync a list", sync, "[]", "expected a JSON object, got a list"),
        Arguments.of("sync bad quorum", sync, "{\"leader\":\"a\",\"quorum\":\"x\"}", "quorum 'x'"),
        Arguments.of("sync standby a list", sync, "{\"leader\":\"a\",\"sync_standby\":[\"b\"]}", "sync_standby"),
        Arguments.of("failover bad time", failover, "{\"leader\":\"a\",\"scheduled_at\":\"soon\"}", "not an ISO-8601"),
        Arguments.of("failover naive time", failover, "{\"leader\":\"a\",\"scheduled_at\":\"2026-01-01T00:00:00\"}",
            "no timezone"),
        Arguments.of("history an object", history, "{}", "expected a JSON list, got an object"),
        Arguments.of("history line not a list", history, "[1]", "not a list"),
        Arguments.of("history line too short", history, "[[1]]", "at least 2"),
        Arguments.of("history timeline a string", history, "[[\"1\",2]]", "non-integer timeline"),
        Arguments.of("history lsn a float", history, "[[1,2.5]]", "non-integer LSN"),
        Arguments.of("failsafe a list", failsafe, "[]", "expected a JSON object, got a list"),
        Arguments.of("failsafe url not a string", failsafe, "{\"a\":1}", "non-string api_url"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void rejectsMalformedValuesWithAReason(String situation, Reader reader, String value, String reason) {
    MalformedValueException e = assertThrows(MalformedValueException.class, () -> reader.read(value));
    assertTrue(e.getMessage().contains(reason), e.getMessage());
  }

  @Test
  void legacyOptimeReadsDigitsOrZero() {
    assertEquals(12345, PatroniJson.readLegacyOptime("12345"));
    assertEquals(0, PatroniJson.readLegacyOptime("x"));
  }
}
