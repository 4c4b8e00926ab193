package io.vigil.config;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Reading YAML into plain maps and lists, and Patroni's {@code patch_config} merge. */
final class ConfigTree {
  private static final YAMLFactory YAML = new YAMLFactory();

  private ConfigTree() {}

  /** The files a config path stands for: the file itself, or a directory's *.yml/*.yaml in sorted order. */
  static List<Path> files(Path source) throws SettingsError {
    if (Files.isRegularFile(source)) {
      return List.of(source);
    }
    if (Files.isDirectory(source)) {
      try (Stream<Path> entries = Files.list(source)) {
        return entries
            .filter(p -> Files.isRegularFile(p))
            .filter(p -> p.getFileName().toString().endsWith(".yml") || p.getFileName().toString().endsWith(".yaml"))
            .sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()))
            .toList();
      } catch (IOException e) {
        throw new SettingsError(source + ": cannot list the directory: " + e.getMessage());
      }
    }
    throw new SettingsError(source + ": config path is neither a file nor a directory");
  }

  /** Parses one YAML document that must be a mapping (an empty document is an empty mapping). */
  static Map<String, Object> parse(String text, String origin) throws SettingsError {
    Object value;
    try {
      value = readUntyped(text);
    } catch (JsonProcessingException e) {
      // Jackson's message quotes the offending line, which may hold a password: report the position only
      String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
      throw new SettingsError(origin + ": not valid YAML" + where);
    }
    if (value == null) {
      return new LinkedHashMap<>();
    }
    if (!(value instanceof Map)) {
      throw new SettingsError(origin + ": expected a YAML mapping at the top level, got " + ConfigReader.describe(value));
    }
    return deepCopy(ConfigReader.asMap(value));
  }

  static Map<String, Object> read(Path file) throws SettingsError {
    try {
      return parse(Files.readString(file), file.toString());
    } catch (IOException e) {
      throw new SettingsError(file + ": cannot read: " + e.getMessage());
    }
  }

  /**
   * Patroni's {@code patch_config}: mappings merge recursively, a null value removes the key, anything else
   * replaces what was there.
   */
  static void patch(Map<String, Object> target, Map<String, Object> patch) {
    for (Map.Entry<String, Object> e : patch.entrySet()) {
      Object value = e.getValue();
      Object existing = target.get(e.getKey());
      if (value == null) {
        target.remove(e.getKey());
      } else if (value instanceof Map && existing instanceof Map) {
        @SuppressWarnings("unchecked")
        Map<String, Object> nested = (Map<String, Object>) existing;
        patch(nested, ConfigReader.asMap(value));
      } else {
        target.put(e.getKey(), deepCopyValue(value));
      }
    }
  }

  static Map<String, Object> deepCopy(Map<String, Object> map) {
    Map<String, Object> out = new LinkedHashMap<>();
    map.forEach((k, v) -> out.put(k, deepCopyValue(v)));
    return out;
  }

  static Object deepCopyValue(Object v) {
    if (v instanceof Map<?, ?>) {
      return deepCopy(ConfigReader.asMap(v));
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      l.forEach(item -> out.add(deepCopyValue(item)));
      return out;
    }
    return v;
  }

  /** A deep, unmodifiable copy that keeps nulls and order (Map.copyOf would reject YAML nulls). */
  static Map<String, Object> frozen(Map<String, Object> map) {
    Map<String, Object> out = new LinkedHashMap<>();
    map.forEach((k, v) -> out.put(k, frozenValue(v)));
    return java.util.Collections.unmodifiableMap(out);
  }

  static Object frozenValue(Object v) {
    if (v instanceof Map<?, ?>) {
      return frozen(ConfigReader.asMap(v));
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      l.forEach(item -> out.add(frozenValue(item)));
      return java.util.Collections.unmodifiableList(out);
    }
    return v;
  }

  /** Parses an environment value as YAML; null when it is not valid YAML. */
  static Object parseValue(String text) {
    try {
      return readUntyped(text);
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  /**
   * The first YAML document as Jackson's untyped binding ({@code readValue(text, Object.class)}) reads it: maps,
   * lists, strings, Integer, Long or BigInteger, Double, Boolean, null; a repeated key keeps its last value. Built
   * from the parser's tokens alone, because setting up an object mapper is about 50 ms of an agent's start before
   * its REST API answers (README "Footprint"). {@code ConfigTreeTest} holds it equal to the binding.
   */
  static Object readUntyped(String text) throws JsonProcessingException {
    try (JsonParser p = YAML.createParser(text)) {
      JsonToken first = p.nextToken();
      return first == null ? null : untyped(p, first);
    } catch (JsonProcessingException e) {
      throw e;
    } catch (java.io.IOException e) {
      // a String source cannot fail to read; anything else the parser reports is a parse problem
      throw new JsonParseException(null, e.getMessage(), e);
    }
  }

  private static Object untyped(JsonParser p, JsonToken token) throws java.io.IOException {
    if (token == null) {
      throw new JsonParseException(p, "unexpected end of the YAML document");
    }
    switch (token) {
      case START_OBJECT -> {
        Map<String, Object> map = new LinkedHashMap<>();
        JsonToken t = p.nextToken();
        for (; t == JsonToken.FIELD_NAME; t = p.nextToken()) {
          String name = p.currentName();
          map.put(name, untyped(p, p.nextToken()));
        }
        if (t != JsonToken.END_OBJECT) {
          throw new JsonParseException(p, "unexpected " + (t == null ? "end of the YAML document" : t) + " in a mapping");
        }
        return map;
      }
      case START_ARRAY -> {
        List<Object> list = new ArrayList<>();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
          list.add(untyped(p, t));
        }
        return list;
      }
      case VALUE_STRING -> {
        return p.getText();
      }
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
        return p.getNumberValue();
      }
      case VALUE_TRUE -> {
        return Boolean.TRUE;
      }
      case VALUE_FALSE -> {
        return Boolean.FALSE;
      }
      case VALUE_NULL -> {
        return null;
      }
      case VALUE_EMBEDDED_OBJECT -> {
        return p.getEmbeddedObject();
      }
      default -> throw new JsonParseException(p, "unexpected YAML token " + token);
    }
  }
}
