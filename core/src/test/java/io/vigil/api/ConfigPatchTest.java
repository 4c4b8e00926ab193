package io.vigil.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigPatchTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @SuppressWarnings("unchecked")
  static Map<String, Object> json(String s) throws Exception {
    return JSON.readValue(s, java.util.LinkedHashMap.class);
  }

  @Test
  void mergesNestedDeletesWithNullAndComparesAsText() throws Exception {
    Map<String, Object> config = json("{\"ttl\": 30, \"loop_wait\": 10, \"postgresql\": {\"parameters\": "
        + "{\"max_connections\": 100, \"work_mem\": \"4MB\"}}}");
    boolean changed = ConfigPatch.apply(config, json("{\"ttl\": \"30\", \"loop_wait\": null, \"postgresql\": "
        + "{\"parameters\": {\"work_mem\": null, \"max_connections\": 200}}, \"pause\": true}"));
    assertEquals(true, changed);
    assertEquals("{\"ttl\": 30, \"postgresql\": {\"parameters\": {\"max_connections\": 200}}, \"pause\": true}",
        JsonText.write(config));
  }

  @Test
  void reportsNoChangeWhenNothingDiffers() throws Exception {
    Map<String, Object> config = json("{\"ttl\": 30, \"postgresql\": {\"use_slots\": true}}");
    assertEquals(false, ConfigPatch.apply(config, json("{\"ttl\": 30, \"postgresql\": {\"use_slots\": true}, "
        + "\"absent\": null}")));
  }

  @Test
  void deepEqualityIsPatronisDeepCompare() throws Exception {
    assertEquals(true, ConfigPatch.deepEquals(json("{\"a\": 1, \"b\": {\"c\": \"2\"}}"),
        json("{\"b\": {\"c\": 2}, \"a\": \"1\"}")));
    assertEquals(false, ConfigPatch.deepEquals(json("{\"a\": 1}"), json("{\"a\": 1, \"b\": null}")));
    assertEquals(false, ConfigPatch.deepEquals(json("{\"a\": {}}"), json("{\"a\": null}")));
  }
}
