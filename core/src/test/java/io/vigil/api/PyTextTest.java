package io.vigil.api;

import io.vigil.postgres.Lsn;
import io.vigil.cluster.PatroniJson;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.OffsetDateTime;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PyTextTest {

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

  @Test
  void parsesDurations() {
    assertEquals(300L, PyText.parseInt("5min", "s"));
    assertEquals(1L, PyText.parseInt("1000ms", "s"));
    assertEquals(30L, PyText.parseInt(30, "s"));
    assertEquals(null, PyText.parseInt(true, "s"));
  }

  @Test
  void printsLikePython() {
    assertEquals("2026-11-21 04:58:17.260036+00:00",
        PyText.datetimeStr(PyText.pgTimestamp("2026-11-21 04:58:17.260036+00")));
    assertEquals("2026-11-21T04:58:17+02:00", PatroniJson.isoformat(OffsetDateTime.parse("2026-11-21T04:58:17+02:00")));
    assertEquals("1795237097.260036", PyText.epochSeconds(PyText.pgTimestamp("2026-11-21 04:58:17.260036+00")));
    assertEquals("1795237097.0", PyText.epochSeconds(PyText.pgTimestamp("2026-11-21 04:58:17+00")));
    assertEquals("0.5", PyText.floatRepr(0.5));
    assertEquals("3.0", PyText.floatRepr(3));
    assertEquals("True", PyText.str(true));
    assertEquals("None", PyText.str(null));
    assertEquals("0/4040A28", Lsn.format(67373608L));
    assertEquals("1A/B", Lsn.format((0x1AL << 32) + 0xB));
    assertEquals("{\"a\": [1, \"\\u00e9\", null, 1.5]}", JsonText.write(java.util.Map.of("a",
        java.util.Arrays.asList(1, "é", null, 1.5))));
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
