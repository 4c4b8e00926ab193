package io.vigil.ctl;

import io.vigil.patroni.PyText;
import io.vigil.config.Credentials;
import io.vigil.config.DcsSettings;
import io.vigil.config.Secret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What vigilctl needs from the Patroni YAML file (the agent's own file works, as with patronictl) after
 * {@code PATRONI_*} environment overrides and {@code -d/--dcs-url}: the cluster name and namespace, the DCS
 * section, and how to call members' REST APIs ({@code ctl.*} falling back to {@code restapi.*}). Nothing else
 * is validated: like patronictl, a file that only names the DCS is enough.
 *
 * @param dcs null when neither the file, the environment nor {@code -d} names a DCS
 * @param retryTimeout seconds a DCS read may take ({@code retry_timeout} at the top level or in
 *     {@code bootstrap.dcs}, default 10)
 */
public record CtlConfig(
    String scope,
    String namespace,
    DcsSettings dcs,
    Credentials authentication,
    boolean insecure,
    String cacert,
    String certfile,
    String keyfile,
    Secret keyfilePassword,
    int retryTimeout) {

  /** The DCS sections Patroni knows, in the order it looks for them. */
  static final List<String> DCS_KINDS = List.of("etcd", "etcd3", "consul", "zookeeper", "exhibitor", "kubernetes", "raft");

  private static final Map<String, Integer> DEFAULT_PORTS = new LinkedHashMap<>();

  static {
    DEFAULT_PORTS.put("zookeeper", 2181);
    DEFAULT_PORTS.put("exhibitor", 8181);
    DEFAULT_PORTS.put("consul", 8500);
    DEFAULT_PORTS.put("etcd", 2379);
    DEFAULT_PORTS.put("etcd3", 2379);
  }

  /** The default {@code ~/.config/patroni/patronictl.yaml}. */
  public static Path defaultPath(Map<String, String> env) {
    String xdg = env.get("XDG_CONFIG_HOME");
    String home = env.getOrDefault("HOME", System.getProperty("user.home"));
    Path base = xdg != null && !xdg.isEmpty() ? Path.of(xdg) : Path.of(home, ".config");
    return base.resolve("patroni").resolve("patronictl.yaml");
  }

  /**
   * Loads the file (a missing default file is fine, a missing named file is an error), applies the
   * environment, then the DCS URL.
   */
  @SuppressWarnings("unchecked")
  public static CtlConfig load(Path file, boolean fileIsDefault, String dcsUrl, boolean insecureFlag, Map<String, String> env) {
    Map<String, Object> raw = new LinkedHashMap<>();
    if (file != null && Files.isReadable(file) && !Files.isDirectory(file)) {
      try {
        Object doc = CtlText.loadYaml(Files.readString(file));
        if (doc instanceof Map<?, ?> m) {
          raw.putAll((Map<String, Object>) m);
        } else if (doc != null) {
          throw new CtlException("Configuration file " + file + " is not a YAML mapping");
        }
      } catch (IOException e) {
        throw new CtlException("Could not read configuration file " + file + ": " + e.getMessage());
      }
    } else if (!fileIsDefault) {
      throw new CtlException("Provided config file " + file + " not existing or no read rights."
          + " Check the -c/--config-file parameter");
    }
    applyEnvironment(raw, env);
    if (dcsUrl != null) {
      Map<String, Object> parsed = parseDcsUrl(dcsUrl);
      DCS_KINDS.forEach(raw::remove);
      raw.putAll(parsed);
    }
    return fromMap(raw, insecureFlag);
  }

  /**
   * patronictl's {@code parse_dcs}: {@code [scheme://][host][:port][/namespace]}. Without a scheme the port picks
   * it (etcd when none matches); the host defaults to localhost and the port to the scheme's.
   *
   * @return the DCS section as it would be written in YAML, plus {@code namespace} when a path was given
   */
  public static Map<String, Object> parseDcsUrl(String dcsUrl) {
    // urlparse semantics by hand: java.net.URI rejects "etcd://:2399" and "" that patronictl accepts
    String url = dcsUrl.contains("//") ? dcsUrl : "//" + dcsUrl;
    int sep = url.indexOf("//");
    String scheme = url.substring(0, sep).replaceAll(":$", "").toLowerCase(Locale.ROOT);
    String rest = url.substring(sep + 2);
    int slash = rest.indexOf('/');
    String netloc = slash < 0 ? rest : rest.substring(0, slash);
    String path = slash < 0 ? "" : rest.substring(slash);
    String hostPart = netloc;
    String portPart = null;
    if (netloc.startsWith("[")) {
      int close = netloc.indexOf(']');
      hostPart = close < 0 ? netloc : netloc.substring(1, close);
      portPart = close >= 0 && close + 1 < netloc.length() && netloc.charAt(close + 1) == ':'
          ? netloc.substring(close + 2) : null;
    } else if (netloc.contains(":")) {
      hostPart = netloc.substring(0, netloc.lastIndexOf(':'));
      portPart = netloc.substring(netloc.lastIndexOf(':') + 1);
    }
    Integer port;
    try {
      port = portPart == null || portPart.isEmpty() ? null : Integer.valueOf(portPart);
    } catch (NumberFormatException e) {
      throw new CtlException("Invalid dcs url: " + dcsUrl);
    }
    if (scheme.isEmpty()) {
      scheme = DEFAULT_PORTS.entrySet().stream().filter(e -> e.getValue().equals(port)).map(Map.Entry::getKey)
          .findFirst().orElse("etcd");
    } else if (!DEFAULT_PORTS.containsKey(scheme)) {
      throw new CtlException("Unknown dcs scheme: " + scheme);
    }
    String host = hostPart.isEmpty() ? "localhost" : hostPart;
    String hostPort = host + ":" + (port == null ? DEFAULT_PORTS.get(scheme) : port);
    Map<String, Object> section = new LinkedHashMap<>();
    switch (scheme) {
      case "zookeeper" -> section.put("hosts", List.of(hostPort));
      case "exhibitor" -> {
        section.put("hosts", List.of(host));
        section.put("port", port == null ? DEFAULT_PORTS.get(scheme) : port);
      }
      default -> section.put("host", hostPort);
    }
    Map<String, Object> ret = new LinkedHashMap<>();
    ret.put(scheme, section);
    if (!path.strip().isEmpty() && !path.strip().equals("/")) {
      ret.put("namespace", path.strip());
    }
    return ret;
  }

  @SuppressWarnings("unchecked")
  private static void applyEnvironment(Map<String, Object> raw, Map<String, String> env) {
    putIfSet(raw, "scope", env.get("PATRONI_SCOPE"));
    putIfSet(raw, "namespace", env.get("PATRONI_NAMESPACE"));
    for (String kind : DCS_KINDS) {
      String prefix = "PATRONI_" + kind.toUpperCase(Locale.ROOT) + "_";
      for (Map.Entry<String, String> e : env.entrySet()) {
        if (e.getKey().startsWith(prefix) && e.getValue() != null && !e.getValue().isEmpty()) {
          Map<String, Object> section = raw.get(kind) instanceof Map<?, ?> m
              ? new LinkedHashMap<>((Map<String, Object>) m) : new LinkedHashMap<>();
          section.put(e.getKey().substring(prefix.length()).toLowerCase(Locale.ROOT), e.getValue());
          raw.put(kind, section);
        }
      }
    }
    for (String section : List.of("restapi", "ctl")) {
      String prefix = "PATRONI_" + section.toUpperCase(Locale.ROOT) + "_";
      Map<String, Object> s = raw.get(section) instanceof Map<?, ?> m
          ? new LinkedHashMap<>((Map<String, Object>) m) : new LinkedHashMap<>();
      Map<String, Object> auth = s.get("authentication") instanceof Map<?, ?> m
          ? new LinkedHashMap<>((Map<String, Object>) m) : new LinkedHashMap<>();
      boolean touched = false;
      for (String key : List.of("username", "password")) {
        String v = env.get(prefix + key.toUpperCase(Locale.ROOT));
        if (v != null && !v.isEmpty()) {
          auth.put(key, v);
          touched = true;
        }
      }
      for (String key : List.of("insecure", "cacert", "certfile", "keyfile", "keyfile_password", "cafile")) {
        String v = env.get(prefix + key.toUpperCase(Locale.ROOT));
        if (v != null && !v.isEmpty()) {
          s.put(key, v);
          touched = true;
        }
      }
      if (touched) {
        if (!auth.isEmpty()) {
          s.put("authentication", auth);
        }
        raw.put(section, s);
      }
    }
  }

  private static void putIfSet(Map<String, Object> raw, String key, String value) {
    if (value != null && !value.isEmpty()) {
      raw.put(key, value);
    }
  }

  @SuppressWarnings("unchecked")
  static CtlConfig fromMap(Map<String, Object> raw, boolean insecureFlag) {
    String scope = raw.get("scope") == null ? null : PyText.str(raw.get("scope"));
    String namespace = raw.get("namespace") == null ? null : PyText.str(raw.get("namespace"));
    DcsSettings dcs = null;
    for (String kind : DCS_KINDS) {
      if (raw.get(kind) instanceof Map<?, ?> section) {
        dcs = new DcsSettings(kind, withoutNulls((Map<String, Object>) section));
        break;
      }
    }
    Map<String, Object> ctl = raw.get("ctl") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    Map<String, Object> restapi = raw.get("restapi") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    Credentials auth = credentials(ctl.get("authentication"));
    if (auth == null) {
      auth = credentials(restapi.get("authentication"));
    }
    boolean insecure = insecureFlag || io.vigil.config.Tags.truthy(ctl.get("insecure"));
    String cacert = firstString(ctl.get("cacert"), restapi.get("cafile"));
    String certfile = firstString(ctl.get("certfile"), restapi.get("certfile"));
    String keyfile = firstString(ctl.get("keyfile"), ctl.get("certfile") != null ? null : restapi.get("keyfile"));
    String keyPassword = firstString(ctl.get("keyfile_password"),
        ctl.get("certfile") != null ? null : restapi.get("keyfile_password"));
    return new CtlConfig(scope, namespace, dcs, auth, insecure, cacert, certfile, keyfile, Secret.of(keyPassword),
        retryTimeout(raw));
  }

  @SuppressWarnings("unchecked")
  private static int retryTimeout(Map<String, Object> raw) {
    Object v = raw.get("retry_timeout");
    if (v == null && raw.get("bootstrap") instanceof Map<?, ?> b && b.get("dcs") instanceof Map<?, ?> d) {
      v = ((Map<String, Object>) d).get("retry_timeout");
    }
    if (v instanceof Number n && n.intValue() > 0) {
      return n.intValue();
    }
    try {
      return v == null ? 10 : Math.max(1, Integer.parseInt(String.valueOf(v).trim()));
    } catch (NumberFormatException e) {
      return 10;
    }
  }

  private static Map<String, Object> withoutNulls(Map<String, Object> section) {
    Map<String, Object> out = new LinkedHashMap<>();
    section.forEach((k, v) -> {
      if (v != null) {
        out.put(k, v);
      }
    });
    return out;
  }

  private static Credentials credentials(Object section) {
    if (section instanceof Map<?, ?> m && m.get("username") != null) {
      Object pw = m.get("password");
      return new Credentials(PyText.str(m.get("username")), Secret.of(pw == null ? null : PyText.str(pw)));
    }
    return null;
  }

  private static String firstString(Object... values) {
    for (Object v : values) {
      if (v != null && !PyText.str(v).isEmpty()) {
        return PyText.str(v);
      }
    }
    return null;
  }
}
