package io.vigil.patroni;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PyJsonTest {

  /** {@code json.dumps(value, default=str)}; the comment names the copy that wrote something else. */
  static Stream<Arguments> dumps() {
    return Stream.of(
        Arguments.of(PyTextTest.map("a", Arrays.asList(1L, "\u00e9", null, 1.5)),
            "{\"a\": [1, \"\\u00e9\", null, 1.5]}"),
        Arguments.of(List.of(PyTextTest.map("a", "h\u00e9\"x\n", "b", null, "c", true, "d", 1.5, "e", List.of(1, 2))),
            "[{\"a\": \"h\\u00e9\\\"x\\n\", \"b\": null, \"c\": true, \"d\": 1.5, \"e\": [1, 2]}]"),
        Arguments.of(1e-5, "1e-05"), // REST wrote 0.00001, vigilctl 1.0E-5
        Arguments.of(1e16, "1e+16"), // REST wrote 10000000000000000.0, vigilctl 1.0E16
        Arguments.of(3.0, "3.0"),
        Arguments.of(Double.NaN, "NaN"),
        Arguments.of(Double.POSITIVE_INFINITY, "Infinity"),
        Arguments.of(new BigDecimal("1.50"), "1.5"), // vigilctl wrote 1.50
        Arguments.of(new BigInteger("18446744073709551616"), "18446744073709551616"),
        Arguments.of(new JsonObject().put("k", new JsonArray().add(1)), "{\"k\": [1]}"), // vigilctl wrote a string
        Arguments.of(OffsetDateTime.parse("2026-11-21T04:58:17.5Z"), "\"2026-11-21 04:58:17.500000+00:00\""),
        Arguments.of("\u007f\u0000\t", "\"\\u007f\\u0000\\t\""),
        Arguments.of("\ud83d\ude00", "\"\\ud83d\\ude00\""),
        Arguments.of("a/b", "\"a/b\""));
  }

  @ParameterizedTest(name = "json.dumps -> {1}")
  @MethodSource("dumps")
  void writesAsJsonDumps(Object value, String expected) {
    assertEquals(expected, PyJson.dumps(value));
  }
}
