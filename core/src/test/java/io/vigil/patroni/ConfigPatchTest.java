package io.vigil.patroni;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigPatchTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @SuppressWarnings("unchecked")
  static Map<String, Object> json(String s) {
    try {
      return JSON.readValue(s, LinkedHashMap.class);
    } catch (Exception e) {
      throw new IllegalArgumentException(s, e);
    }
  }

  /** config, patch, changed?, config afterwards (as json.dumps). */
  static Stream<Arguments> patches() {
    return Stream.of(
        Arguments.of("nested merge, null deletes, text-equal scalars keep their old value",
            "{\"ttl\": 30, \"loop_wait\": 10, \"postgresql\": {\"parameters\": {\"max_connections\": 100, "
                + "\"work_mem\": \"4MB\"}}}",
            "{\"ttl\": \"30\", \"loop_wait\": null, \"postgresql\": {\"parameters\": {\"work_mem\": null, "
                + "\"max_connections\": 200}}, \"pause\": true}",
            true, "{\"ttl\": 30, \"postgresql\": {\"parameters\": {\"max_connections\": 200}}, \"pause\": true}"),
        Arguments.of("nothing differs", "{\"ttl\": 30, \"postgresql\": {\"use_slots\": true}}",
            "{\"ttl\": 30, \"postgresql\": {\"use_slots\": true}, \"absent\": null}", false,
            "{\"ttl\": 30, \"postgresql\": {\"use_slots\": true}}"),
        Arguments.of("a key holding null goes, but that is no change", "{\"a\": null, \"b\": 1}", "{\"a\": null}",
            false, "{\"b\": 1}"),
        Arguments.of("a new map is stored as given, nulls inside included", "{}", "{\"p\": {\"a\": null, \"b\": 1}}",
            true, "{\"p\": {\"a\": null, \"b\": 1}}"),
        Arguments.of("a map replaces a scalar", "{\"p\": 5}", "{\"p\": {\"a\": 1}}", true, "{\"p\": {\"a\": 1}}"),
        Arguments.of("a float and an int differ as text", "{\"x\": 1.0}", "{\"x\": 1}", true, "{\"x\": 1}"),
        // str(1e16) is '1e+16': the REST copy (10000000000000000.0) and the vigilctl copy (1.0E16) saw a change
        Arguments.of("str() of a large float", "{\"x\": 1e16}", "{\"x\": \"1e+16\"}", false, "{\"x\": 1e+16}"),
        Arguments.of("str() of a small float", "{\"x\": 1e-05}", "{\"x\": \"1e-05\"}", false, "{\"x\": 1e-05}"),
        // str(['a']) is "['a']": the REST copy compared JSON text (["a"]) and saw a change
        Arguments.of("str() of a list is its repr", "{\"x\": [\"a\", true]}", "{\"x\": \"['a', True]\"}", false,
            "{\"x\": [\"a\", true]}"),
        Arguments.of("lists are replaced whole", "{\"x\": [1, 2]}", "{\"x\": [2]}", true, "{\"x\": [2]}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("patches")
  void patchesAsPatchConfig(String situation, String config, String patch, boolean changed, String after) {
    Map<String, Object> c = json(config);
    assertEquals(changed, ConfigPatch.patch(c, json(patch)));
    assertEquals(after, PyJson.dumps(c));
  }

  static Stream<Arguments> comparisons() {
    return Stream.of(
        Arguments.of("{\"a\": 1, \"b\": {\"c\": \"2\"}}", "{\"b\": {\"c\": 2}, \"a\": \"1\"}", true),
        Arguments.of("{\"a\": 1}", "{\"a\": 1, \"b\": null}", false),
        Arguments.of("{\"a\": {}}", "{\"a\": null}", false),
        Arguments.of("{\"a\": [1]}", "{\"a\": [2]}", false),
        Arguments.of("{\"a\": true}", "{\"a\": \"True\"}", true),
        // the REST copy wrote 0.00001 for the float and found them different
        Arguments.of("{\"a\": 1e-05}", "{\"a\": \"1e-05\"}", true),
        Arguments.of("{\"a\": [\"x\"]}", "{\"a\": \"['x']\"}", true));
  }

  @ParameterizedTest(name = "deep_compare({0}, {1}) = {2}")
  @MethodSource("comparisons")
  void comparesAsDeepCompare(String a, String b, boolean equal) {
    assertEquals(equal, ConfigPatch.deepCompare(json(a), json(b)));
  }

  static Stream<Arguments> equalities() {
    return Stream.of(
        Arguments.of(Map.of("a", 1), Map.of("a", 1L), true),
        Arguments.of(Map.of("a", 1), Map.of("a", 2L), false),
        Arguments.of(Map.of("a", 1), Map.of("a", 1, "b", 2), false),
        Arguments.of(1L, 1.0, true),
        Arguments.of(true, 1L, true), // True == 1 in Python; vigilctl's copy said no
        Arguments.of(false, 0.0, true),
        Arguments.of("1", 1L, false),
        Arguments.of(List.of(1L, 2L), List.of(2L, 1L), false),
        Arguments.of(null, null, true));
  }

  @ParameterizedTest(name = "{0} == {1} is {2}")
  @MethodSource("equalities")
  void equalsAsPython(Object a, Object b, boolean equal) {
    assertEquals(equal, ConfigPatch.pyEquals(a, b));
  }
}
