package io.vigil.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link ConfigTree#readUntyped} builds values from the YAML parser's tokens instead of Jackson's object mapper
 * (the mapper's set-up delayed every agent's REST API): it must read every document exactly as
 * {@code readValue(text, Object.class)} did, types of numbers included.
 */
class ConfigTreeTest {
  private static final ObjectMapper BINDING = new ObjectMapper(new YAMLFactory());

  static Stream<String> documents() throws IOException {
    Stream<String> edgeCases = Stream.of(
        "",
        "# only a comment\n",
        "~",
        "plain",
        "[1, 2, [3, {a: b}]]",
        "a: 1\nb: -7\nc: 3000000000\nd: 123456789012345678901234567890\ne: 0x1F\nf: 017\ng: 1_000\n",
        "a: 1.5\nb: -2.0e-3\nc: .inf\nd: -.Inf\ne: .nan\nf: 1e3\n",
        "a: true\nb: false\nc: yes\nd: no\ne: on\nf: off\ng: True\nh: 'true'\n",
        "a: null\nb: ~\nc:\nd: 'null'\ne: ''\n",
        "a: 1\na: 2\nb: {x: 1, x: 3}\n",
        "base: &base {ttl: 30, loop_wait: 10}\ncopy: *base\nlist: [&one 1, *one]\n",
        "when: 2026-12-05\nat: 2026-12-05T03:00:00Z\nversion: 15.0\nport: '5432'\n",
        "multi: |\n  line one\n  line two\nfolded: >\n  a\n  b\n",
        "first: doc\n---\nsecond: doc\n",
        "1: one\n2.5: two\ntrue: three\nnull: four\n",
        "nested:\n  - name: a\n    tags: {nofailover: true, priority: 10}\n  - name: b\n    tags: []\n",
        "'quoted key': \"value with \\\"escapes\\\" \\u00e9\"\n",
        "!!str 12: !!int '42'\nb: !!float 1\n");
    Stream<String> files = Stream.of(
            Path.of("..", "conf", "postgres0.yml"), Path.of("..", "conf", "postgres1.yml"),
            Path.of("..", "conf", "postgres2.yml"), Path.of("..", "packaging", "systemd", "vigil.yml"),
            Path.of("..", "docker", "docker-compose.yml"), Path.of("src", "main", "resources", "io", "vigil",
                "sample-config.yml"),
            Path.of("src", "test", "resources", "io", "vigil", "config", "patroni-postgres0.yml"))
        .map(ConfigTreeTest::read);
    return Stream.concat(edgeCases, files);
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + p.toAbsolutePath(), e);
    }
  }

  @ParameterizedTest
  @MethodSource("documents")
  void readsEveryDocumentAsTheObjectMapperDid(String yaml) throws Exception {
    Object expected;
    try {
      expected = BINDING.readValue(yaml, Object.class);
    } catch (JsonProcessingException refused) {
      if (yaml.isBlank() || yaml.strip().startsWith("#")) {
        // the one deliberate difference: the binding refused a document without content ("No content to map"),
        // which ConfigTree.parse has always documented as an empty mapping
        assertNull(ConfigTree.readUntyped(yaml), yaml);
        assertEquals(Map.of(), ConfigTree.parse(yaml, "empty.yml"));
      } else {
        assertThrows(JsonProcessingException.class, () -> ConfigTree.readUntyped(yaml), yaml);
      }
      return;
    }
    Object actual = ConfigTree.readUntyped(yaml);
    assertEquals(expected, actual, yaml);
    assertSameTypes(expected, actual, yaml);
  }

  /** equals() says 1 (Integer) and 1 (Long) differ, but not where: walk both and name the first mismatch. */
  private static void assertSameTypes(Object expected, Object actual, String yaml) {
    if (expected == null) {
      assertNull(actual, yaml);
      return;
    }
    assertEquals(expected.getClass(), actual.getClass(), "type of " + expected + " in " + yaml);
    if (expected instanceof Map<?, ?> e && actual instanceof Map<?, ?> a) {
      assertEquals(List.copyOf(e.keySet()), List.copyOf(a.keySet()), "key order in " + yaml);
      e.forEach((k, v) -> assertSameTypes(v, a.get(k), yaml));
    } else if (expected instanceof List<?> e && actual instanceof List<?> a) {
      for (int i = 0; i < e.size(); i++) {
        assertSameTypes(e.get(i), a.get(i), yaml);
      }
    }
  }

  @Test
  void numbersKeepTheirWidth() throws Exception {
    Map<?, ?> m = (Map<?, ?>) ConfigTree.readUntyped("a: 7\nb: 3000000000\nc: 123456789012345678901234567890\n");
    assertEquals(Integer.valueOf(7), m.get("a"));
    assertEquals(Long.valueOf(3000000000L), m.get("b"));
    assertEquals(new BigInteger("123456789012345678901234567890"), m.get("c"));
  }

  @Test
  void binaryScalarsStayBytes() throws Exception {
    String yaml = "blob: !!binary aGVsbG8=\n";
    Map<?, ?> expected = (Map<?, ?>) BINDING.readValue(yaml, Object.class);
    Map<?, ?> actual = (Map<?, ?>) ConfigTree.readUntyped(yaml);
    assertArrayEquals((byte[]) expected.get("blob"), (byte[]) actual.get("blob"));
  }

  @Test
  void brokenYamlIsAParseErrorWithItsPosition() {
    for (String broken : List.of("a: [1, 2\n", "a: {b: 1\n", "a: b: c\n", "- a\nb: c\n", "a: 'open\n")) {
      assertThrows(JsonProcessingException.class, () -> BINDING.readValue(broken, Object.class), broken);
      JsonProcessingException e = assertThrows(JsonProcessingException.class, () -> ConfigTree.readUntyped(broken),
          broken);
      assertTrue(e.getLocation() != null && e.getLocation().getLineNr() >= 1, broken + ": " + e);
    }
  }
}
