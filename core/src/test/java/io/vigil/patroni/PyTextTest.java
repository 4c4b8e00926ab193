package io.vigil.patroni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.json.JsonObject;
import io.vigil.cluster.PatroniJson;
import io.vigil.postgres.Lsn;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PyTextTest {

  static Map<String, Object> map(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  /** {@code str(value)} as Python 3 prints it; the comment names the copy that printed something else. */
  static Stream<Arguments> strs() {
    return Stream.of(
        Arguments.of(null, "None"),
        Arguments.of(true, "True"),
        Arguments.of(false, "False"),
        Arguments.of(5L, "5"),
        Arguments.of("text", "text"),
        Arguments.of(2.0, "2.0"),
        Arguments.of(0.5, "0.5"),
        Arguments.of(123456789.125, "123456789.125"),
        Arguments.of(1e15, "1000000000000000.0"),
        Arguments.of(1e16, "1e+16"), // REST wrote 10000000000000000.0, vigilctl 1.0E16
        Arguments.of(1.5e20, "1.5e+20"),
        Arguments.of(0.0001, "0.0001"),
        Arguments.of(1e-5, "1e-05"), // REST wrote 0.00001, vigilctl 1.0E-5
        Arguments.of(-0.0, "-0.0"), // both wrote 0.0
        Arguments.of(0.1f, "0.1"), // vigilctl wrote 0.10000000149011612
        Arguments.of(new BigDecimal("1.50"), "1.5"), // vigilctl wrote 1.50
        Arguments.of(Double.NaN, "nan"), // REST wrote NaN
        Arguments.of(Double.NEGATIVE_INFINITY, "-inf"),
        // str() of a dict is its repr: REST wrote JSON ({"a": [1, "b", null, true]})
        Arguments.of(map("a", Arrays.asList(1L, "b", null, true)), "{'a': [1, 'b', None, True]}"),
        Arguments.of(new JsonObject().put("x", 1), "{'x': 1}"),
        Arguments.of(List.of(), "[]"));
  }

  @ParameterizedTest(name = "str({0}) = {1}")
  @MethodSource("strs")
  void strIsPythons(Object value, String expected) {
    assertEquals(expected, PyText.str(value));
  }

  static Stream<Arguments> reprs() {
    return Stream.of(
        Arguments.of("pg1", "'pg1'"),
        Arguments.of("it's", "\"it's\""), // vigilctl wrote 'it\'s'
        Arguments.of("it's \"x\"", "'it\\'s \"x\"'"),
        Arguments.of("a\\b", "'a\\\\b'"),
        Arguments.of("a\nb\tc", "'a\\nb\\tc'"),
        Arguments.of("\u0001\u007f", "'\\x01\\x7f'"),
        Arguments.of("h\u00e9", "'h\u00e9'"),
        Arguments.of("\u00a0", "'\\xa0'"),
        Arguments.of("\u2028", "'\\u2028'"),
        Arguments.of(List.of("pg1", "pg2"), "['pg1', 'pg2']"),
        Arguments.of(3L, "3"));
  }

  @ParameterizedTest(name = "repr({0}) = {1}")
  @MethodSource("reprs")
  void reprIsPythons(Object value, String expected) {
    assertEquals(expected, PyText.repr(value));
  }

  static Stream<Arguments> truthiness() {
    return Stream.of(
        Arguments.of(null, false), Arguments.of(false, false), Arguments.of(true, true),
        Arguments.of(0L, false), Arguments.of(0, false), Arguments.of(0.0, false), Arguments.of(0.5, true),
        Arguments.of(-1L, true), Arguments.of("", false), Arguments.of("0", true), Arguments.of("false", true),
        Arguments.of(List.of(), false), Arguments.of(List.of(0L), true), Arguments.of(Map.of(), false),
        Arguments.of(Map.of("a", 1), true), Arguments.of(new JsonObject(), false));
  }

  @ParameterizedTest(name = "bool({0}) = {1}")
  @MethodSource("truthiness")
  void truthyIsPythonsBool(Object value, boolean expected) {
    assertEquals(expected, PyText.truthy(value));
  }

  static Stream<Arguments> bools() {
    return Stream.of(
        Arguments.of("on", true), Arguments.of("ON", true), Arguments.of(true, true), Arguments.of(1L, true),
        Arguments.of("1", true), Arguments.of("yes", true), Arguments.of("off", false), Arguments.of(false, false),
        Arguments.of(0L, false), Arguments.of("No", false),
        // not spellings of a boolean for Patroni (the tags' truthiness took them as true)
        Arguments.of(2L, null), Arguments.of("y", null), Arguments.of(1.0, null), Arguments.of(null, null));
  }

  @ParameterizedTest(name = "parse_bool({0}) = {1}")
  @MethodSource("bools")
  void parseBoolIsPatronis(Object value, Boolean expected) {
    assertEquals(expected, PyText.parseBool(value));
  }

  static Stream<Arguments> bytes() {
    Object[][] rows = {
      {"1", 1L}, {"16kB", 16384L}, {"10MB", 10485760L}, {"1GB", 1073741824L}, {"1TB", 1099511627776L},
      {"0x10", 16L}, {"010", 8L}, {" 1024 ", 1024L}, {"1.5MB", 1572864L}, {"4097.5kB", 4195840L}, {"1mb", null},
      {"lots", null}, {"", null}, {"10 MB", 10485760L}, {"-1", -1L},
    };
    return Stream.of(rows).map(r -> Arguments.of(r[0], r[1]));
  }

  @ParameterizedTest(name = "parse_int({0}, 'B') = {1}")
  @MethodSource("bytes")
  void parsesSizesAsPatroni(String text, Long expected) {
    assertEquals(expected, PyText.parseInt(text, "B"));
  }

  static Stream<Arguments> durations() {
    return Stream.of(
        Arguments.of("5min", "s", 300L), Arguments.of("1000ms", "s", 1L), Arguments.of(30L, "s", 30L),
        Arguments.of(7.5, "s", 8L), Arguments.of(true, "s", null), Arguments.of("5min", null, null),
        Arguments.of("12", null, 12L));
  }

  @ParameterizedTest(name = "parse_int({0}, {1}) = {2}")
  @MethodSource("durations")
  void parsesDurationsAsPatroni(Object value, String baseUnit, Long expected) {
    assertEquals(expected, PyText.parseInt(value, baseUnit));
  }

  static Stream<Arguments> titles() {
    return Stream.of(
        Arguments.of("switchover", "Switchover"), Arguments.of("sync standby", "Sync Standby"),
        Arguments.of("standby_leader", "Standby_Leader"), Arguments.of("LEADER", "Leader"), Arguments.of("a1b", "A1B"));
  }

  @ParameterizedTest(name = "{0}.title() = {1}")
  @MethodSource("titles")
  void titleIsPythons(String text, String expected) {
    assertEquals(expected, PyText.title(text));
  }

  @Test
  void printsTimesLikePython() {
    assertEquals("2026-11-21 04:58:17.260036+00:00",
        PyText.datetimeStr(PyText.pgTimestamp("2026-11-21 04:58:17.260036+00")));
    assertEquals("2026-11-21T04:58:17+02:00", PatroniJson.isoformat(OffsetDateTime.parse("2026-11-21T04:58:17+02:00")));
    assertEquals("1795237097.260036", PyText.epochSeconds(PyText.pgTimestamp("2026-11-21 04:58:17.260036+00")));
    assertEquals("1795237097.0", PyText.epochSeconds(PyText.pgTimestamp("2026-11-21 04:58:17+00")));
    assertEquals("0/4040A28", Lsn.format(67373608L));
    assertEquals("1A/B", Lsn.format((0x1AL << 32) + 0xB));
  }

  @Test
  void readsPostgresVersions() throws Exception {
    assertEquals(90503, PyText.postgresVersionToInt("9.5.3"));
    assertEquals(100001, PyText.postgresVersionToInt("10.1"));
    assertEquals(150018, PyText.postgresVersionToInt("15.18"));
    assertThrows(PyText.InvalidVersion.class, () -> PyText.postgresVersionToInt("10"));
    assertThrows(PyText.InvalidVersion.class, () -> PyText.postgresVersionToInt("1.2.3.4"));
  }

  @Test
  void readsTimestampsWithAndWithoutZone() {
    assertEquals(true, PyText.parseTime("2026-11-21T06:00:00Z") instanceof PyText.Zoned);
    assertEquals(true, PyText.parseTime("2026-11-21 06:00+0100") instanceof PyText.Zoned);
    assertEquals(true, PyText.parseTime("2026-11-21T06:00:00.5") instanceof PyText.Naive);
    assertEquals(true, PyText.parseTime("next week") instanceof PyText.Unparsable);
  }
}
