package io.vigil.ctl;

import io.vigil.patroni.ConfigPatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pure part of {@code edit-config}: the dynamic configuration as YAML, {@code -s/-p} edits, {@code --apply}
 * merges and {@code --replace}, each returning the new YAML text and value exactly as patronictl computes them.
 */
public final class ConfigEdits {
  private ConfigEdits() {}

  /** The edited text (shown in the diff) and the value that would be written. */
  public record Result(String text, Map<String, Object> data) {}

  /** {@code format_config_for_editing}: block YAML, keys sorted. */
  public static String format(Map<String, Object> config) {
    return CtlText.yaml(config, false);
  }

  /**
   * Applies {@code key.path=yamlvalue} pairs. Everything after {@code postgresql.parameters.} is one GUC name
   * (GUCs may contain dots); a null value (or nothing after '=') removes the key, and maps emptied that way go.
   *
   * @throws CtlException {@code Invalid parameter setting <pair>} when a pair has no '='
   */
  public static Result set(Map<String, Object> config, List<String> pairs) {
    Map<String, Object> changed = ConfigPatch.deepCopy(config);
    for (String pair : pairs) {
      if (pair == null || pair.isEmpty() || !pair.contains("=")) {
        throw new CtlException("Invalid parameter setting " + pair);
      }
      int eq = pair.indexOf('=');
      String keyPath = pair.substring(0, eq).strip();
      Object value = CtlText.loadYaml(pair.substring(eq + 1));
      setPath(changed, new ArrayList<>(Arrays.asList(keyPath.split("\\.", -1))), value, List.of());
    }
    return new Result(format(changed), changed);
  }

  /** {@code -p guc=value} is {@code -s postgresql.parameters.guc=value}. */
  public static List<String> pgPairs(List<String> pgPairs) {
    List<String> out = new ArrayList<>();
    for (String p : pgPairs) {
      out.add("postgresql.parameters." + p.stripLeading());
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static void setPath(Map<String, Object> config, List<String> path, Object value, List<String> prefix) {
    List<String> p = path;
    if (prefix.equals(List.of("postgresql", "parameters"))) {
      p = List.of(String.join(".", path));
    }
    String key = p.get(0);
    if (p.size() == 1) {
      if (value == null) {
        config.remove(key);
      } else {
        config.put(key, value);
      }
      return;
    }
    if (!(config.get(key) instanceof Map)) {
      config.put(key, new LinkedHashMap<String, Object>());
    }
    Map<String, Object> child = (Map<String, Object>) config.get(key);
    List<String> nextPrefix = new ArrayList<>(prefix);
    nextPrefix.add(key);
    setPath(child, p.subList(1, p.size()), value, nextPrefix);
    if (child.isEmpty()) {
      config.remove(key);
    }
  }

  /**
   * {@code --apply}: Patroni's {@code patch_config} ({@link ConfigPatch#patch}): null deletes, maps merge, and a
   * scalar whose text equals the old value's text keeps the old value (so {@code 100} stays a number when the file
   * says {@code '100'}).
   */
  @SuppressWarnings("unchecked")
  public static Result apply(Map<String, Object> config, Object yamlDocument) {
    Map<String, Object> changed = ConfigPatch.deepCopy(config);
    if (yamlDocument != null) {
      if (!(yamlDocument instanceof Map)) {
        throw new CtlException("the configuration to apply must be a YAML mapping");
      }
      ConfigPatch.patch(changed, (Map<String, Object>) yamlDocument);
    }
    return new Result(format(changed), changed);
  }

  /** {@code --replace}: the file becomes the whole configuration. */
  public static Result replace(Object yamlDocument) {
    return apply(new LinkedHashMap<>(), yamlDocument);
  }
}
