package io.vigil.config;

import io.vigil.dcs.DcsPlugins;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads a node's local configuration the way Patroni does (docs/configuration.md §5.3, §5.4): a YAML file, or a directory of
 * {@code *.yml}/{@code *.yaml} merged in sorted order, with {@code PATRONI_*} environment variables patched
 * over it; without a file, the YAML in {@code PATRONI_CONFIGURATION}, or else the environment alone. Then
 * validates everything and builds {@link Settings}.
 *
 * <p>Every problem is collected before failing, one line each ({@code <file>: <key.path>: <message>}), so an
 * operator fixes a file in one pass. Unknown keys are warnings. No line ever holds a secret.
 */
public final class SettingsLoader {
  /** The environment variable holding the whole YAML when no config file is given. */
  public static final String CONFIGURATION_VARIABLE = "PATRONI_CONFIGURATION";

  static final List<String> SUPPORTED_DCS = List.of("etcd3", "zookeeper", "consul");
  private static final List<String> UNSUPPORTED_DCS = List.of("exhibitor", "kubernetes", "raft");
  private static final List<String> ROLES = List.of("primary", "replica", "standby_leader");
  private static final Set<String> LOG_LEVELS = Set.of("DEBUG", "INFO", "WARNING", "WARN", "ERROR", "CRITICAL", "FATAL");
  private static final Set<String> INITDB_FORBIDDEN = Set.of("pgdata", "nosync", "pwfile", "sync-only", "version");


  /**
   * A loaded configuration.
   *
   * @param warnings unknown keys and ignored values, one line each, to be logged
   * @param consumedEnvironment the {@code PATRONI_*} variables that were read; Patroni removes them from its
   *     environment, so child processes (callbacks, scripts) must not inherit them
   */
  public record Loaded(Settings settings, List<String> warnings, Set<String> consumedEnvironment) {}

  private final Path source;
  private final Path workDir;
  /** DCS section name → the keys its plugin knows; empty when the plugin is not on the class path. */
  private final Function<String, Optional<Set<String>>> dcsSectionKeys;
  private final Problems problems;
  private final List<String> extraWarnings = new ArrayList<>();

  private SettingsLoader(Path source, Path workDir, String defaultOrigin,
      Function<String, Optional<Set<String>>> dcsSectionKeys) {
    this.source = source;
    this.workDir = workDir;
    this.dcsSectionKeys = dcsSectionKeys;
    this.problems = new Problems(defaultOrigin);
  }

  /** Loads against the process's working directory. */
  public static Loaded load(Path source, Map<String, String> environment) throws SettingsError {
    return load(source, environment, Path.of("").toAbsolutePath());
  }

  /**
   * @param source a file or directory, or null to configure from the environment
   * @param environment the process environment (a parameter so that tests can pass their own)
   * @param workDir what relative paths are resolved against
   * @throws SettingsError with every problem found
   */
  public static Loaded load(Path source, Map<String, String> environment, Path workDir) throws SettingsError {
    return load(source, environment, workDir, DcsPlugins::configKeys);
  }

  /**
   * As {@link #load(Path, Map, Path)}, with the keys of each DCS section given by {@code dcsSectionKeys}
   * (normally the loaded plugin's {@link io.vigil.dcs.DcsFactory#configKeys}).
   */
  static Loaded load(Path source, Map<String, String> environment, Path workDir,
      Function<String, Optional<Set<String>>> dcsSectionKeys) throws SettingsError {
    EnvironmentConfig.Result env = EnvironmentConfig.build(environment);
    Map<String, Object> tree;
    SettingsLoader loader;
    Set<String> consumed = new java.util.LinkedHashSet<>(env.consumed());
    if (source != null) {
      Path absolute = workDir.resolve(source).toAbsolutePath().normalize();
      loader = new SettingsLoader(absolute, workDir, absolute.toString(), dcsSectionKeys);
      tree = new LinkedHashMap<>();
      for (Path file : ConfigTree.files(absolute)) {
        Map<String, Object> part = ConfigTree.read(file);
        loader.problems.recordOrigin("", part, file.toString());
        ConfigTree.patch(tree, part);
      }
      loader.problems.recordOrigin("", env.tree(), "environment");
      ConfigTree.patch(tree, env.tree());
    } else if (environment.get(CONFIGURATION_VARIABLE) != null && !environment.get(CONFIGURATION_VARIABLE).isEmpty()) {
      // as in Patroni, the other PATRONI_* variables are not applied over PATRONI_CONFIGURATION
      consumed.add(CONFIGURATION_VARIABLE);
      loader = new SettingsLoader(null, workDir, CONFIGURATION_VARIABLE, dcsSectionKeys);
      tree = ConfigTree.parse(environment.get(CONFIGURATION_VARIABLE), CONFIGURATION_VARIABLE);
    } else {
      loader = new SettingsLoader(null, workDir, "environment", dcsSectionKeys);
      tree = ConfigTree.deepCopy(env.tree());
    }
    loader.extraWarnings.addAll(env.warnings());
    Settings settings = loader.bind(tree);
    List<String> warnings = new ArrayList<>(loader.extraWarnings);
    warnings.addAll(loader.problems.warnings());
    if (!loader.problems.errors().isEmpty()) {
      throw new SettingsError(loader.problems.errors(), warnings);
    }
    return new Loaded(settings, List.copyOf(warnings), Set.copyOf(consumed));
  }

  // ------------------------------------------------------------------------------------------ binding

  private Settings bind(Map<String, Object> tree) {
    ConfigReader top = new ConfigReader(tree, "", problems);
    String name = top.requiredString("name");
    String scope = top.requiredString("scope");
    String namespace = top.string("namespace", "/service/");
    top.markKnown("thread_pool_size", "thread_stack_size");
    for (String dynamicOnly : List.of("ttl", "loop_wait", "retry_timeout", "maximum_lag_on_failover")) {
      if (top.raw(dynamicOnly) != null) {
        top.warn(dynamicOnly, "ignored: it is read only from the DCS /config key; set it under bootstrap.dcs");
      }
    }
    if (top.raw("citus") != null) {
      top.warn("citus", "Citus is not supported, the section is ignored");
    }
    DcsSettings dcs = dcs(top);
    RestApiSettings restapi = restapi(top.section("restapi"));
    CtlSettings ctl = ctl(top.section("ctl"));
    LogSettings log = log(top.section("log"));
    BootstrapSettings bootstrap = bootstrap(top.section("bootstrap"));
    PostgresSettings postgresql = postgresql(top.section("postgresql"));
    WatchdogSettings watchdog = watchdog(top.section("watchdog"));
    Tags tags = tags(top.section("tags"));
    EventBridgeSettings eventBridge = top.has("event_bridge") ? eventBridge(top.section("event_bridge")) : null;
    CallbackSettings callbacks = callbackPlugins(top.section("callbacks"));
    top.warnUnknown();
    return new Settings(source, scope, namespace, name, restapi, ctl, log, dcs, bootstrap, postgresql, watchdog, tags,
        eventBridge, callbacks);
  }

  private DcsSettings dcs(ConfigReader top) {
    boolean unsupported = top.raw("etcd") != null;
    if (top.raw("etcd") != null) {
      top.error("etcd", "etcd v2 is not supported: Vigil uses the etcd v3 API only, configure an etcd3 section instead");
    }
    for (String kind : UNSUPPORTED_DCS) {
      if (top.raw(kind) != null) {
        top.error(kind, kind + " is not supported as a DCS: configure exactly one of etcd3, zookeeper or consul");
        unsupported = true;
      }
    }
    List<String> present = new ArrayList<>();
    for (String kind : SUPPORTED_DCS) {
      if (top.raw(kind) != null) {
        present.add(kind);
      }
    }
    if (present.size() != 1) {
      // an unsupported section was already reported; "got none" would only repeat it
      if (!(present.isEmpty() && unsupported)) {
        String path = present.isEmpty() ? "etcd3|zookeeper|consul" : String.join("|", present);
        problems.error(path, "expected exactly one DCS section (etcd3, zookeeper or consul), got "
            + (present.isEmpty() ? "none" : present.size() + ": " + String.join(", ", present)));
      }
      return null;
    }
    String kind = present.get(0);
    ConfigReader section = top.section(kind);
    Map<String, Object> options = new LinkedHashMap<>();
    section.values().forEach((k, v) -> {
      if (v != null) {
        options.put(k, ConfigTree.frozenValue(v));
      }
    });
    // the plugin knows its keys; without the plugin the node refuses to start anyway (DcsPlugins says why)
    dcsSectionKeys.apply(kind).ifPresent(keys -> {
      section.markKnown(keys.toArray(new String[0]));
      section.warnUnknown();
    });
    return new DcsSettings(kind, options);
  }

  private RestApiSettings restapi(ConfigReader r) {
    HostPort listen = r.hostPort("listen", true, 0);
    HostPort connect = r.hostPort("connect_address", false, 0);
    if (connect == null && r.raw("connect_address") == null && listen != null) {
      connect = defaultConnectAddress(r, listen);
    }
    String verify = r.string("verify_client", "none");
    if (!Set.of("none", "optional", "required").contains(verify)) {
      r.error("verify_client", "expected none, optional or required, got '" + verify + "'");
    }
    String tokens = r.string("server_tokens", "Original");
    if (!Set.of("original", "minimal", "productonly").contains(tokens.toLowerCase(Locale.ROOT))) {
      r.error("server_tokens", "expected Original, Minimal or ProductOnly, got '" + tokens + "'");
    }
    RestApiSettings api = new RestApiSettings(
        listen,
        connect,
        credentials(r, "authentication"),
        r.string("certfile", null),
        r.string("keyfile", null),
        r.secret("keyfile_password"),
        r.string("cafile", null),
        r.string("ciphers", null),
        verify,
        r.stringList("allowlist", true),
        r.bool("allowlist_include_members", false),
        r.stringMap("http_extra_headers"),
        r.stringMap("https_extra_headers"),
        tokens,
        r.integer("request_queue_size", 5, 0, 4096));
    r.warnUnknown();
    return api;
  }

  /**
   * Vigil's own section, so unlike Patroni's sections an unknown key is an error: a misspelt {@code addresses}
   * or {@code certfile} must not silently open a different bridge than the one configured.
   */
  private EventBridgeSettings eventBridge(ConfigReader r) {
    HostPort listen = r.hostPort("listen", true, 0);
    String verify = r.string("verify_client", "none");
    if (!Set.of("none", "optional", "required").contains(verify)) {
      r.error("verify_client", "expected none, optional or required, got '" + verify + "'");
    }
    String certfile = r.string("certfile", null);
    String cafile = r.string("cafile", null);
    if (certfile == null && (r.raw("keyfile") != null || cafile != null || !"none".equals(verify))) {
      r.error("certfile", "is required when keyfile, cafile or verify_client is set (they configure TLS)");
    }
    if (!"none".equals(verify) && cafile == null) {
      r.error("cafile", "is required when verify_client is " + verify + ": client certificates are checked against it");
    }
    List<String> addresses = r.stringList("addresses", true);
    if (addresses == null || addresses.isEmpty()) {
      addresses = List.of(EventBridgeSettings.ALL_EVENTS_ADDRESS);
    }
    for (String address : addresses) {
      String prefix = EventBridgeSettings.ALL_EVENTS_ADDRESS + ".";
      boolean typed = address.startsWith(prefix)
          && io.vigil.events.EventType.fromWireName(address.substring(prefix.length())).isPresent();
      if (!address.equals(EventBridgeSettings.ALL_EVENTS_ADDRESS) && !typed) {
        r.error("addresses", "'" + address + "' is not a bridge address: expected "
            + EventBridgeSettings.ALL_EVENTS_ADDRESS + " or " + prefix + "<event type> (docs/events.md)");
      }
    }
    EventBridgeSettings bridge = new EventBridgeSettings(listen, certfile, r.string("keyfile", null), cafile, verify,
        List.copyOf(addresses), r.bool("keep_connection_on_inbound", false));
    for (String k : r.values().keySet()) {
      if (!Set.of("listen", "certfile", "keyfile", "cafile", "verify_client", "addresses",
          "keep_connection_on_inbound").contains(k)) {
        r.error(k, "unknown key (expected listen, certfile, keyfile, cafile, verify_client, addresses, "
            + "keep_connection_on_inbound)");
      }
    }
    return bridge;
  }

  private Credentials credentials(ConfigReader parent, String key) {
    if (!parent.has(key)) {
      return null;
    }
    ConfigReader r = parent.section(key);
    String username = r.requiredString("username");
    Secret password = r.secret("password");
    if (password == null && r.raw("password") == null) {
      r.error("password", "is required, got nothing");
    }
    r.warnUnknown();
    return new Credentials(username, password);
  }

  /** Without connect_address the listen address is advertised, unless it is a wildcard that no peer can dial. */
  private static HostPort defaultConnectAddress(ConfigReader r, HostPort listen) {
    if (Set.of("0.0.0.0", "::", "*").contains(listen.host())) {
      r.warn("connect_address", "not set and listen is a wildcard address; 127.0.0.1 is advertised instead");
      return new HostPort("127.0.0.1", listen.port());
    }
    return listen;
  }

  private CtlSettings ctl(ConfigReader r) {
    CtlSettings ctl = new CtlSettings(
        r.bool("insecure", false),
        r.string("cacert", null),
        r.string("certfile", null),
        r.string("keyfile", null),
        r.secret("keyfile_password"),
        credentials(r, "authentication"));
    r.warnUnknown();
    return ctl;
  }

  private LogSettings log(ConfigReader r) {
    String type = r.string("type", "plain");
    if (!type.equals("plain") && !type.equals("json")) {
      r.error("type", "expected plain or json, got '" + type + "'");
    }
    String level = logLevel(r, "level", "INFO");
    String traceback = logLevel(r, "traceback_level", "ERROR");
    Object format = r.raw("format");
    String formatText = "%(asctime)s %(levelname)s: %(message)s";
    if (format instanceof List<?> l) {
      // json logs may list the record fields; keep them as a space separated Python format
      StringBuilder b = new StringBuilder();
      for (Object f : l) {
        b.append(b.length() == 0 ? "" : " ").append("%(").append(f).append(")s");
      }
      formatText = b.toString();
    } else if (format != null) {
      formatText = r.string("format", formatText);
    }
    Map<String, String> loggers = new LinkedHashMap<>();
    ConfigReader lr = r.section("loggers");
    for (String logger : lr.values().keySet()) {
      String l = logLevel(lr, logger, null);
      if (l != null) {
        loggers.put(logger, l);
      }
    }
    lr.markKnown(lr.values().keySet().toArray(new String[0]));
    r.integer("max_queue_size", 1000, 1, Integer.MAX_VALUE);
    r.integer("mode", 0600, 0, 0777);
    r.bool("deduplicate_heartbeat_logs", false);
    Path logDir = r.path("dir", workDir, false);
    LogSettings log = new LogSettings(
        type,
        level,
        traceback,
        formatText,
        r.string("dateformat", null),
        r.stringMap("static_fields"),
        logDir == null ? null : logDir.toString(),
        r.integer("file_num", 4, 1, 1000),
        r.longValue("file_size", 25_000_000L, 4096, Long.MAX_VALUE),
        java.util.Collections.unmodifiableMap(loggers));
    r.warnUnknown();
    return log;
  }

  private static String normalizeLevel(String level) {
    String up = level.toUpperCase(Locale.ROOT);
    return switch (up) {
      case "WARN" -> "WARNING";
      case "FATAL" -> "CRITICAL";
      default -> up;
    };
  }

  private String logLevel(ConfigReader r, String key, String fallback) {
    String v = r.string(key, null);
    if (v == null) {
      return fallback;
    }
    if (!LOG_LEVELS.contains(v.toUpperCase(Locale.ROOT))) {
      r.error(key, "expected one of DEBUG, INFO, WARNING, ERROR, CRITICAL, got '" + v + "'");
      return fallback;
    }
    return normalizeLevel(v);
  }

  private BootstrapSettings bootstrap(ConfigReader r) {
    Map<String, Object> dcs = r.map("dcs");
    GlobalConfigParser.validate(dcs, r.key("dcs"), problems);
    String method = r.string("method", "initdb");
    List<BootstrapSettings.Option> initdb = options(r, "initdb", INITDB_FORBIDDEN);
    Map<String, BootstrapSettings.CustomMethod> methods = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : r.values().entrySet()) {
      if (e.getValue() instanceof Map<?, ?> m && m.containsKey("command") && !e.getKey().equals("dcs")) {
        methods.put(e.getKey(), customMethod(r.section(e.getKey()), e.getKey()));
      }
    }
    if (!method.equals("initdb") && !methods.containsKey(method)) {
      r.error("method", "expected initdb or the name of a bootstrap section with a command, got '" + method + "'");
    }
    List<BootstrapSettings.User> users = new ArrayList<>();
    ConfigReader ur = r.section("users");
    for (String user : ur.values().keySet()) {
      ConfigReader u = ur.section(user);
      users.add(new BootstrapSettings.User(user, u.secret("password"), u.stringList("options", true)));
      u.warnUnknown();
    }
    ur.markKnown(ur.values().keySet().toArray(new String[0]));
    String post = r.string("post_bootstrap", null);
    String postInit = r.string("post_init", null);
    BootstrapSettings b = new BootstrapSettings(
        ConfigTree.frozen(dcs),
        method,
        initdb,
        java.util.Collections.unmodifiableMap(methods),
        r.stringList("pg_hba", false),
        List.copyOf(users),
        post != null ? post : postInit);
    r.warnUnknown();
    return b;
  }

  private BootstrapSettings.CustomMethod customMethod(ConfigReader m, String name) {
    String command = m.requiredString("command");
    boolean noParams = m.bool("no_params", false);
    boolean keepRecovery = m.bool("keep_existing_recovery_conf", false);
    boolean keepData = m.bool("keep_data", false);
    boolean noLeader = m.bool("no_leader", false);
    Map<String, Object> recovery = ConfigTree.frozen(m.map("recovery_conf"));
    Map<String, String> extra = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : m.values().entrySet()) {
      if (Set.of("command", "no_params", "keep_existing_recovery_conf", "keep_data", "no_leader", "recovery_conf",
          "no_master").contains(e.getKey())) {
        continue;
      }
      if (e.getValue() instanceof Map || e.getValue() instanceof List) {
        m.error(e.getKey(), "expected a scalar passed as --" + e.getKey() + "=value, got " + ConfigReader.describe(e.getValue()));
      } else if (e.getValue() != null) {
        extra.put(e.getKey(), String.valueOf(e.getValue()));
      }
    }
    if (m.raw("no_master") != null) {
      noLeader = noLeader || m.bool("no_master", false);
    }
    return new BootstrapSettings.CustomMethod(name, command, noParams, keepRecovery, keepData, noLeader, recovery,
        java.util.Collections.unmodifiableMap(extra));
  }

  /** initdb/pg_basebackup/pg_rewind options: a list of flags and one-key mappings, or a mapping. */
  private List<BootstrapSettings.Option> options(ConfigReader r, String key, Set<String> forbidden) {
    Object v = r.raw(key);
    List<BootstrapSettings.Option> out = new ArrayList<>();
    if (v == null) {
      return List.of();
    }
    if (v instanceof Map<?, ?> m) {
      ConfigReader.asMap(m).forEach((k, value) -> out.add(new BootstrapSettings.Option(k,
          value == null || Boolean.TRUE.equals(value) ? null : String.valueOf(value))));
    } else if (v instanceof List<?> l) {
      for (int i = 0; i < l.size(); i++) {
        Object item = l.get(i);
        String itemPath = r.key(key) + "[" + i + "]";
        if (item instanceof String s) {
          out.add(new BootstrapSettings.Option(s, null));
        } else if (item instanceof Map<?, ?> m && m.size() == 1) {
          Map.Entry<String, Object> e = ConfigReader.asMap(m).entrySet().iterator().next();
          if (e.getValue() instanceof Map || e.getValue() instanceof List) {
            problems.error(itemPath, "expected a flag or a {option: value} mapping with a scalar value, got "
                + ConfigReader.describe(e.getValue()));
          } else {
            out.add(new BootstrapSettings.Option(e.getKey(), e.getValue() == null ? null : String.valueOf(e.getValue())));
          }
        } else {
          problems.error(itemPath, "expected a flag or a {option: value} mapping with one key, got "
              + ConfigReader.describe(item));
        }
      }
    } else {
      r.error(key, "expected a list of options, got " + ConfigReader.describe(v));
      return List.of();
    }
    for (BootstrapSettings.Option o : out) {
      String bare = o.name().replaceFirst("^-+", "");
      if (forbidden.contains(bare)) {
        r.error(key, "option '" + bare + "' is not allowed (Vigil sets " + String.join(", ", forbidden.stream().sorted().toList())
            + " itself)");
      }
    }
    return List.copyOf(out);
  }

  private PostgresSettings postgresql(ConfigReader r) {
    String listenText = r.requiredString("listen");
    HostPort listen = null;
    String listenAddresses = null;
    if (listenText != null) {
      try {
        listen = HostPort.parse(listenText, 0);
        int colon = listenText.trim().lastIndexOf(':');
        listenAddresses = listenText.trim().substring(0, colon);
      } catch (IllegalArgumentException e) {
        r.error("listen", e.getMessage());
      }
    }
    HostPort connect = r.hostPort("connect_address", false, 0);
    if (connect == null && r.raw("connect_address") == null && listen != null) {
      connect = defaultConnectAddress(r, listen);
    }
    HostPort proxy = r.hostPort("proxy_address", false, 0);
    Path dataDir = r.path("data_dir", workDir, true);
    Path configDir = r.has("config_dir") ? r.path("config_dir", workDir, false) : dataDir;
    Path binDir = r.path("bin_dir", workDir, false);
    Map<String, String> binName = new LinkedHashMap<>();
    EnvironmentConfig.BINARIES.forEach(b -> binName.put(b, b));
    ConfigReader bn = r.section("bin_name");
    for (Map.Entry<String, Object> e : bn.values().entrySet()) {
      if (!binName.containsKey(e.getKey())) {
        bn.warn(e.getKey(), "unknown binary, ignored");
      } else {
        String v = bn.string(e.getKey(), null);
        if (v != null) {
          binName.put(e.getKey(), v);
        }
      }
    }
    Path pgpass = r.has("pgpass") ? r.path("pgpass", workDir, false)
        : Path.of(System.getProperty("user.home"), "pgpass").toAbsolutePath();
    ConfigReader auth = r.section("authentication");
    PostgresSettings.PgUser superuser = pgUser(auth, "superuser", true);
    PostgresSettings.PgUser replication = pgUser(auth, "replication", true);
    PostgresSettings.PgUser rewind = pgUser(auth, "rewind", false);
    auth.warnUnknown();

    Map<String, Object> parameters = parameters(r, "parameters");
    Map<String, Map<String, Object>> roleParameters = new LinkedHashMap<>();
    Map<String, List<String>> rolePgHba = new LinkedHashMap<>();
    Map<String, List<String>> rolePgIdent = new LinkedHashMap<>();
    for (String role : ROLES) {
      if (r.has("parameters_" + role)) {
        roleParameters.put(role, parameters(r, "parameters_" + role));
      }
      if (r.has("pg_hba_" + role)) {
        rolePgHba.put(role, r.stringList("pg_hba_" + role, false));
      }
      if (r.has("pg_ident_" + role)) {
        rolePgIdent.put(role, r.stringList("pg_ident_" + role, false));
      }
    }
    if (r.raw("use_slots") != null) {
      r.warn("use_slots", "ignored: use_slots is read only from the DCS; set it under bootstrap.dcs.postgresql");
    }
    List<String> createReplicaMethods = r.has("create_replica_methods")
        ? r.stringList("create_replica_methods", true) : List.of("basebackup");
    Map<String, BootstrapSettings.CustomMethod> replicaMethods = new LinkedHashMap<>();
    for (String method : createReplicaMethods) {
      if (method.equals("basebackup")) {
        continue;
      }
      if (!(r.raw(method) instanceof Map)) {
        r.error("create_replica_methods", "method '" + method + "' needs a postgresql." + method + " section with a command");
      } else {
        replicaMethods.put(method, customMethod(r.section(method), method));
      }
    }
    ConfigReader callbacks = r.section("callbacks");
    Map<String, String> callbackMap = new LinkedHashMap<>();
    for (String event : List.of("on_start", "on_stop", "on_restart", "on_reload", "on_role_change")) {
      String command = callbacks.string(event, null);
      if (command != null && !command.isBlank()) {
        callbackMap.put(event, command);
        runnable(callbacks, event, command);
      }
    }
    callbacks.warnUnknown();
    for (String script : List.of("pre_promote", "before_stop")) {
      String command = r.string(script, null);
      if (command != null && !command.isBlank()) {
        runnable(r, script, command);
      }
    }
    r.markKnown("krbsrvname", "config_base_name", "remove_data_directory_on_rewind_failure");
    PostgresSettings pg = new PostgresSettings(
        listen,
        listenAddresses,
        connect,
        proxy,
        dataDir,
        configDir,
        binDir,
        java.util.Collections.unmodifiableMap(binName),
        pgpass,
        superuser,
        replication,
        rewind,
        r.string("database", "postgres"),
        r.bool("use_unix_socket", false),
        r.bool("use_unix_socket_repl", false),
        parameters,
        r.string("custom_conf", null) == null ? null : r.path("custom_conf", workDir, false).toString(),
        r.stringList("pg_hba", false),
        r.stringList("pg_ident", false),
        ConfigTree.frozen(r.map("recovery_conf")),
        r.integer("pg_ctl_timeout", 60, 1, Integer.MAX_VALUE),
        java.util.Collections.unmodifiableMap(callbackMap),
        createReplicaMethods,
        java.util.Collections.unmodifiableMap(replicaMethods),
        options(r, "basebackup", Set.of()),
        r.optionalBool("use_pg_rewind"),
        options(r, "rewind", Set.of()),
        r.bool("remove_data_directory_on_rewind_failure", false),
        r.bool("remove_data_directory_on_diverged_timelines", false),
        r.string("pre_promote", null),
        r.string("before_stop", null),
        java.util.Collections.unmodifiableMap(roleParameters),
        java.util.Collections.unmodifiableMap(rolePgHba),
        java.util.Collections.unmodifiableMap(rolePgIdent));
    r.warnUnknown();
    return pg;
  }

  /**
   * A callback's program must exist and be executable now, not when the first failover calls it
   * (docs/callbacks.md §1.4): a path is checked as it is, a bare name is looked up on {@code PATH}.
   */
  private void runnable(ConfigReader r, String key, String command) {
    List<String> argv;
    try {
      argv = io.vigil.postgres.CommandLine.split(command);
    } catch (IllegalArgumentException e) {
      r.error(key, e.getMessage());
      return;
    }
    if (argv.isEmpty()) {
      return;
    }
    String program = argv.get(0);
    if (program.contains("/")) {
      Path file = ConfigReader.resolve(program, workDir);
      if (!java.nio.file.Files.exists(file)) {
        r.error(key, "the program " + file + " does not exist");
      } else if (java.nio.file.Files.isDirectory(file) || !java.nio.file.Files.isExecutable(file)) {
        r.error(key, "the program " + file + " is not an executable file");
      }
      return;
    }
    String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
    for (String dir : path.split(":")) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir).resolve(program);
      if (java.nio.file.Files.isRegularFile(candidate) && java.nio.file.Files.isExecutable(candidate)) {
        return;
      }
    }
    r.error(key, "the program '" + program + "' is not on PATH (" + path + ")");
  }

  /** Vigil's {@code callbacks:} section: plugin directory, per-call timeout, each plugin's settings. */
  private CallbackSettings callbackPlugins(ConfigReader r) {
    Path dir = r.path("plugin_dir", workDir, false);
    if (dir != null && !java.nio.file.Files.isDirectory(dir)) {
      r.error("plugin_dir", "the directory " + dir + " does not exist");
    }
    int timeoutMillis = r.integer("timeout_ms", (int) CallbackSettings.DEFAULT_TIMEOUT.toMillis(), 1, 600_000);
    Map<String, Map<String, Object>> plugins = new LinkedHashMap<>();
    ConfigReader section = r.section("plugins");
    for (String plugin : section.values().keySet()) {
      plugins.put(plugin, ConfigTree.frozen(section.map(plugin)));
    }
    section.markKnown(section.values().keySet().toArray(new String[0]));
    r.warnUnknown();
    return new CallbackSettings(dir, java.time.Duration.ofMillis(timeoutMillis), plugins);
  }

  /** GUC values must be scalars; they are written to postgresql.conf as they are. */
  private Map<String, Object> parameters(ConfigReader r, String key) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : r.map(key).entrySet()) {
      if (e.getValue() instanceof Map || e.getValue() instanceof List) {
        problems.error(r.key(key) + "." + e.getKey(), "expected a scalar parameter value, got " + ConfigReader.describe(e.getValue()));
      } else if (e.getValue() != null) {
        out.put(e.getKey(), e.getValue());
      }
    }
    return java.util.Collections.unmodifiableMap(out);
  }

  private PostgresSettings.PgUser pgUser(ConfigReader auth, String kind, boolean required) {
    if (!auth.has(kind)) {
      if (required) {
        auth.error(kind, "is required (a mapping with username and password), got nothing");
      }
      return null;
    }
    ConfigReader u = auth.section(kind);
    String username = u.requiredString("username");
    Secret password = u.secret("password");
    Map<String, String> options = new LinkedHashMap<>();
    for (String p : EnvironmentConfig.AUTH_PARAMETERS.subList(2, EnvironmentConfig.AUTH_PARAMETERS.size())) {
      String v = u.string(p, null);
      if (v != null) {
        options.put(p, v);
      }
    }
    u.warnUnknown();
    return new PostgresSettings.PgUser(username, password, java.util.Collections.unmodifiableMap(options));
  }

  private WatchdogSettings watchdog(ConfigReader r) {
    Object rawMode = r.raw("mode");
    String mode = "automatic";
    if (rawMode != null) {
      // Patroni's parse_mode spellings (patroni/watchdog/base.py); YAML's off/no/false read as a boolean
      Boolean b = rawMode instanceof String ? null : ConfigReader.toBool(rawMode);
      String parsed = b != null ? (b ? "automatic" : "off")
          : switch (String.valueOf(rawMode).toLowerCase(Locale.ROOT)) {
            case "required", "require" -> "required";
            case "automatic", "auto" -> "automatic";
            case "off", "disable", "disabled", "false" -> "off";
            default -> null;
          };
      if (parsed == null) {
        r.error("mode", "expected off, automatic or required (or Patroni's aliases disable, disabled, auto, "
            + "require), got " + ConfigReader.describe(rawMode));
      } else {
        mode = parsed;
      }
    }
    String driver = r.string("driver", "default");
    if (!Set.of("default", "testing").contains(driver)) {
      r.error("driver", "expected default (the Linux device) or testing (Patroni's test harness), got " + driver);
    }
    WatchdogSettings w = new WatchdogSettings(
        mode,
        r.string("device", "/dev/watchdog"),
        r.integer("safety_margin", 5, -1, Integer.MAX_VALUE),
        driver);
    r.warnUnknown();
    return w;
  }

  private Tags tags(ConfigReader r) {
    Map<String, Object> values = new LinkedHashMap<>();
    for (String bool : List.of("nofailover", "clonefrom", "noloadbalance", "nosync", "nostream")) {
      r.optionalBool(bool);
    }
    r.integer("failover_priority", 1, 0, Integer.MAX_VALUE);
    r.integer("sync_priority", 1, 0, Integer.MAX_VALUE);
    r.string("replicatefrom", null);
    r.values().forEach((k, v) -> {
      if (v != null) {
        values.put(k, ConfigTree.frozenValue(v));
      }
    });
    Boolean nofailover = ConfigReader.toBool(values.get("nofailover"));
    Long priority = values.get("failover_priority") == null ? null : ConfigReader.toLong(values.get("failover_priority"));
    if (Boolean.TRUE.equals(nofailover) && priority != null && priority > 0) {
      r.warn("failover_priority", "ignored because nofailover is set");
    }
    // custom tags are allowed: no unknown-key warning here
    return new Tags(values);
  }
}
