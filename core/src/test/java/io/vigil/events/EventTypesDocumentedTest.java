package io.vigil.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/events.md "Types" has exactly one row per {@link EventType}. */
class EventTypesDocumentedTest {

  @Test
  void everyTypeHasItsRow() throws Exception {
    Path doc = null;
    for (Path p = Path.of("").toAbsolutePath(); p != null && doc == null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("docs/events.md"))) {
        doc = p.resolve("docs/events.md");
      }
    }
    String text = Files.readString(doc);
    String types = text.substring(text.indexOf("## Types"));
    Set<String> rows = new LinkedHashSet<>();
    Matcher m = Pattern.compile("(?m)^\\| `([a-z_]+)` \\|").matcher(types);
    while (m.find()) {
      rows.add(m.group(1));
    }
    Set<String> expected = new LinkedHashSet<>(Arrays.stream(EventType.values()).map(EventType::wireName).toList());
    assertEquals(expected, rows);
  }
}
