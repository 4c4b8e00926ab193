package io.vigil.ctl;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Text only patronictl writes or reads: {@code yaml.safe_dump} (sorted keys, YAML 1.1 quoting, width 200),
 * {@code yaml.safe_load} and the timestamps of its messages. Python's {@code str()} and {@code json.dumps}, which
 * the REST API shares, are {@link io.vigil.patroni.PyText} and {@link io.vigil.patroni.PyJson}.
 */
public final class CtlText {
  private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

  private CtlText() {}

  /**
   * {@code yaml.safe_dump(data, default_flow_style=flow, allow_unicode=True, width=200)}: keys sorted at every
   * level, as PyYAML does by default. Ends with a newline.
   */
  public static String yaml(Object data, boolean flow) {
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(flow ? DumperOptions.FlowStyle.FLOW : DumperOptions.FlowStyle.BLOCK);
    options.setAllowUnicode(true);
    options.setWidth(200);
    options.setIndent(2);
    return new Yaml(options).dump(sorted(data));
  }

  private static Object sorted(Object data) {
    if (data instanceof Map<?, ?> m) {
      Map<String, Object> out = new TreeMap<>();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        out.put(String.valueOf(e.getKey()), sorted(e.getValue()));
      }
      return out;
    }
    if (data instanceof Collection<?> c) {
      List<Object> out = new ArrayList<>();
      for (Object o : c) {
        out.add(sorted(o));
      }
      return out;
    }
    return data;
  }

  /**
   * {@code yaml.safe_load(text)}: YAML 1.1, so {@code on}/{@code off}/{@code yes} read as booleans exactly as
   * patronictl reads them. Maps keep their order.
   *
   * @throws CtlException when the text is not YAML
   */
  public static Object loadYaml(String text) {
    try {
      LoaderOptions options = new LoaderOptions();
      return normalize(new Yaml(new SafeConstructor(options)).load(text));
    } catch (YAMLException e) {
      throw new CtlException("invalid YAML: " + e.getMessage().replace('\n', ' '));
    }
  }

  private static Object normalize(Object v) {
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        out.put(String.valueOf(e.getKey()), normalize(e.getValue()));
      }
      return out;
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      for (Object o : l) {
        out.add(normalize(o));
      }
      return out;
    }
    if (v instanceof Integer i) {
      return i.longValue();
    }
    if (v instanceof java.math.BigInteger b) {
      return b.longValue();
    }
    return v;
  }

  /**
   * patronictl's {@code timestamp(precision)}: local time {@code %Y-%m-%d %H:%M:%S.%f} with the last
   * {@code 7 - precision} characters cut (so precision 0 drops the fraction, 6 keeps 5 digits, as Python does).
   */
  public static String timestamp(int precision, LocalDateTime now) {
    String full = TS.format(now);
    return full.substring(0, full.length() - (7 - precision));
  }

  public static String timestamp(int precision) {
    return timestamp(precision, LocalDateTime.now());
  }
}
