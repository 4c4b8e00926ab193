package io.vigil.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The configuration tree built from {@code PATRONI_*} environment variables, exactly as Patroni's
 * {@code Config._build_environment_configuration} builds it (docs/configuration.md §5.4), including its order of consumption:
 * a variable taken by an earlier rule is not seen by a later, more generic one.
 */
final class EnvironmentConfig {
  static final String PREFIX = "PATRONI_";

  private static final Set<String> DCS_SUFFIXES = Set.of(
      "HOST", "HOSTS", "PORT", "USE_PROXIES", "PROTOCOL", "SRV", "SRV_SUFFIX", "URL", "PROXY", "CACERT", "CERT",
      "KEY", "KEY_PASSWORD", "VERIFY", "TOKEN", "CHECKS", "DC", "CONSISTENCY", "REGISTER_SERVICE",
      "SERVICE_CHECK_INTERVAL", "SERVICE_CHECK_TLS_SERVER_NAME", "SERVICE_TAGS", "NAMESPACE", "CONTEXT",
      "USE_ENDPOINTS", "SCOPE_LABEL", "ROLE_LABEL", "POD_IP", "PORTS", "LABELS", "BYPASS_API_SERVICE",
      "RETRIABLE_HTTP_CODES", "USE_SSL", "SET_ACLS", "AUTH_DATA", "LEADER_LABEL_VALUE", "FOLLOWER_LABEL_VALUE",
      "STANDBY_LEADER_LABEL_VALUE", "TMP_ROLE_LABEL", "BOOTSTRAP_LABELS", "GROUP", "DATABASE");

  static final List<String> AUTH_PARAMETERS = List.of(
      "username", "password", "sslmode", "sslcert", "sslkey", "sslpassword", "sslrootcert", "sslcrl", "sslcrldir",
      "gssencmode", "channel_binding", "sslnegotiation");

  static final List<String> BINARIES = List.of(
      "pg_ctl", "initdb", "pg_controldata", "pg_basebackup", "postgres", "pg_isready", "pg_rewind");

  /** The tree, the variables it consumed (to strip from child processes) and parse warnings. */
  record Result(Map<String, Object> tree, Set<String> consumed, List<String> warnings) {}

  private final TreeMap<String, String> env;
  private final Map<String, Object> tree = new LinkedHashMap<>();
  private final Set<String> consumed = new LinkedHashSet<>();
  private final List<String> warnings = new ArrayList<>();

  private EnvironmentConfig(Map<String, String> environment) {
    this.env = new TreeMap<>(environment);
  }

  static Result build(Map<String, String> environment) {
    EnvironmentConfig c = new EnvironmentConfig(environment);
    c.run();
    return new Result(c.tree, c.consumed, c.warnings);
  }

  /** Takes a variable out; empty values count as unset, as in Patroni. */
  private String pop(String name) {
    String full = PREFIX + name.toUpperCase(Locale.ROOT);
    String v = env.remove(full);
    if (v != null) {
      consumed.add(full);
    }
    return v == null || v.isEmpty() ? null : v;
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> section(String name) {
    return (Map<String, Object>) tree.computeIfAbsent(name, k -> new LinkedHashMap<String, Object>());
  }

  private void run() {
    for (String p : List.of("name", "namespace", "scope")) {
      String v = pop(p);
      if (v != null) {
        tree.put(p, v);
      }
    }
    // old names only apply when the new one is not set
    String[][] oldLog = {{"level", "loglevel"}, {"format", "logformat"}, {"dateformat", "log_datefmt"}};
    for (String[] pair : oldLog) {
      String v = pop(pair[1]);
      String newName = PREFIX + "LOG_" + pair[0].toUpperCase(Locale.ROOT);
      if (v != null && !env.containsKey(newName)) {
        env.put(newName, v);
      }
    }
    sectionValues("restapi", "listen", "connect_address", "certfile", "keyfile", "keyfile_password", "cafile",
        "ciphers", "verify_client", "http_extra_headers", "https_extra_headers", "allowlist",
        "allowlist_include_members", "request_queue_size", "server_tokens");
    sectionValues("ctl", "insecure", "cacert", "certfile", "keyfile", "keyfile_password");
    sectionValues("event_bridge", "listen", "certfile", "keyfile", "cafile", "verify_client", "addresses",
        "keep_connection_on_inbound");
    sectionValues("postgresql", "listen", "connect_address", "proxy_address", "config_dir", "data_dir", "pgpass",
        "bin_dir");
    sectionValues("log", "type", "level", "traceback_level", "format", "dateformat", "static_fields",
        "max_queue_size", "dir", "mode", "file_size", "file_num", "loggers", "deduplicate_heartbeat_logs");
    sectionValues("raft", "data_dir", "self_addr", "partner_addrs", "password", "bind_addr");

    for (String binary : BINARIES) {
      String v = pop("POSTGRESQL_BIN_" + binary);
      if (v != null) {
        Map<String, Object> pg = section("postgresql");
        @SuppressWarnings("unchecked")
        Map<String, Object> binName = (Map<String, Object>) pg.computeIfAbsent("bin_name", k -> new LinkedHashMap<String, Object>());
        binName.put(binary, v);
      }
    }

    convert("restapi", "allowlist_include_members", this::bool);
    convert("ctl", "insecure", this::bool);
    convert("event_bridge", "keep_connection_on_inbound", this::bool);
    convert("event_bridge", "addresses", v -> list(v, "PATRONI_EVENT_BRIDGE_ADDRESSES"));
    convert("log", "deduplicate_heartbeat_logs", this::bool);
    for (String k : List.of("request_queue_size")) {
      convert("restapi", k, this::integer);
    }
    for (String k : List.of("max_queue_size", "file_size", "file_num", "mode")) {
      convert("log", k, this::integer);
    }
    convert("raft", "partner_addrs", v -> list(v, "PATRONI_RAFT_PARTNER_ADDRS"));
    convert("restapi", "allowlist", v -> list(v, "PATRONI_RESTAPI_ALLOWLIST"));
    convert("restapi", "http_extra_headers", v -> dict(v, "PATRONI_RESTAPI_HTTP_EXTRA_HEADERS"));
    convert("restapi", "https_extra_headers", v -> dict(v, "PATRONI_RESTAPI_HTTPS_EXTRA_HEADERS"));
    convert("log", "static_fields", v -> dict(v, "PATRONI_LOG_STATIC_FIELDS"));
    convert("log", "loggers", v -> dict(v, "PATRONI_LOG_LOGGERS"));

    for (String s : List.of("ctl", "restapi")) {
      Map<String, Object> auth = auth(s, AUTH_PARAMETERS.subList(0, 2));
      if (!auth.isEmpty()) {
        section(s).put("authentication", auth);
      }
    }
    Map<String, Object> authentication = new LinkedHashMap<>();
    for (String userType : List.of("replication", "superuser", "rewind")) {
      Map<String, Object> entry = auth(userType, AUTH_PARAMETERS);
      if (!entry.isEmpty()) {
        authentication.put(userType, entry);
      }
    }
    if (!authentication.isEmpty()) {
      section("postgresql").put("authentication", authentication);
    }

    dcsVariables();
    for (String dcs : List.of("etcd", "etcd3")) {
      if (tree.containsKey(dcs)) {
        section(dcs).putAll(auth(dcs, AUTH_PARAMETERS.subList(0, 2)));
      }
    }
    bootstrapUsers();
    // sections created but left empty (e.g. a variable that failed to parse) must not look like config
    tree.values().removeIf(v -> v instanceof Map<?, ?> m && m.isEmpty());
  }

  private void sectionValues(String section, String... params) {
    for (String p : params) {
      String v = pop(section + "_" + p);
      if (v != null) {
        section(section).put(p, v);
      }
    }
  }

  private void convert(String section, String key, java.util.function.Function<String, Object> parser) {
    Object current = tree.get(section) instanceof Map<?, ?> m ? m.get(key) : null;
    if (current instanceof String s) {
      Object parsed = parser.apply(s);
      if (parsed == null) {
        section(section).remove(key);
      } else {
        section(section).put(key, parsed);
      }
    }
  }

  private Object bool(String v) {
    Boolean b = ConfigReader.toBool(v);
    // an unparsable value is kept so that validation names it instead of silently dropping it
    return b == null ? v : b;
  }

  private Object integer(String v) {
    Long l = ConfigReader.toLong(v);
    return l == null ? v : l;
  }

  /** Patroni's {@code _parse_list}: a YAML list, or a comma string wrapped into a flow list. */
  private Object list(String v, String variable) {
    String text = v.strip().startsWith("-") || v.contains("[") ? v : "[" + v + "]";
    Object parsed = ConfigTree.parseValue(text);
    if (!(parsed instanceof List<?> l) || l.isEmpty()) {
      warnings.add("environment: " + variable + ": expected a YAML list or a comma-separated string, ignored");
      return null;
    }
    return parsed;
  }

  /** Patroni's {@code _parse_dict}: a YAML flow mapping, braces optional. */
  private Object dict(String v, String variable) {
    String text = v.strip().startsWith("{") ? v : "{" + v + "}";
    Object parsed = ConfigTree.parseValue(text);
    if (!(parsed instanceof Map<?, ?> m) || m.isEmpty()) {
      warnings.add("environment: " + variable + ": expected a YAML mapping like {key: value}, ignored");
      return null;
    }
    return ConfigTree.deepCopyValue(parsed);
  }

  private Map<String, Object> auth(String name, List<String> params) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (String p : params) {
      String v = pop(name + "_" + p);
      if (v != null) {
        out.put(p, v);
      }
    }
    return out;
  }

  /** PATRONI_<DCS>_<SUFFIX>, e.g. PATRONI_ETCD3_HOSTS, PATRONI_CONSUL_HOST, PATRONI_CITUS_GROUP. */
  private void dcsVariables() {
    for (String variable : new ArrayList<>(env.keySet())) {
      if (!variable.startsWith(PREFIX)) {
        continue;
      }
      String rest = variable.substring(PREFIX.length());
      int underscore = rest.indexOf('_');
      if (underscore <= 0) {
        continue;
      }
      String name = rest.substring(0, underscore);
      String suffix = rest.substring(underscore + 1);
      if (!DCS_SUFFIXES.contains(suffix)) {
        continue;
      }
      String raw = env.remove(variable);
      consumed.add(variable);
      if (raw == null || raw.isEmpty()) {
        continue;
      }
      Object value;
      if (name.equals("CITUS")) {
        if (suffix.equals("GROUP")) {
          value = integer(raw);
        } else if (suffix.equals("DATABASE")) {
          value = raw;
        } else {
          continue;
        }
      } else {
        value = switch (suffix) {
          case "PORT" -> integer(raw);
          case "HOSTS", "PORTS", "CHECKS", "SERVICE_TAGS", "RETRIABLE_HTTP_CODES" -> list(raw, variable);
          case "LABELS", "SET_ACLS", "AUTH_DATA", "BOOTSTRAP_LABELS" -> dict(raw, variable);
          case "USE_PROXIES", "REGISTER_SERVICE", "USE_ENDPOINTS", "BYPASS_API_SERVICE", "VERIFY", "USE_SSL" -> bool(raw);
          default -> raw;
        };
      }
      if (value != null) {
        section(name.toLowerCase(Locale.ROOT)).put(suffix.toLowerCase(Locale.ROOT), value);
      }
    }
  }

  /** PATRONI_<username>_PASSWORD and _OPTIONS: users created after bootstrap. */
  private void bootstrapUsers() {
    Map<String, Object> users = new LinkedHashMap<>();
    for (String variable : new ArrayList<>(env.keySet())) {
      if (!variable.startsWith(PREFIX) || !variable.endsWith("_PASSWORD") || !env.containsKey(variable)) {
        continue;
      }
      String name = variable.substring(PREFIX.length(), variable.length() - "_PASSWORD".length());
      if (name.isEmpty()) {
        continue;
      }
      String password = env.remove(variable);
      consumed.add(variable);
      if (password == null || password.isEmpty()) {
        continue;
      }
      Map<String, Object> user = new LinkedHashMap<>();
      user.put("password", password);
      String optionsVar = PREFIX + name + "_OPTIONS";
      String options = env.remove(optionsVar);
      if (options != null) {
        consumed.add(optionsVar);
        Object parsed = options.isEmpty() ? null : list(options, optionsVar);
        if (parsed != null) {
          user.put("options", parsed);
        }
      }
      users.put(name, user);
    }
    if (!users.isEmpty()) {
      section("bootstrap").put("users", users);
    }
  }
}
