package io.vigil.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

public class SettingsLoaderTest {
  /** A minimal valid node configuration; tests replace lines of it. */
  static final String BASE = """
      scope: demo
      name: node1
      restapi:
        listen: 127.0.0.1:8008
      etcd3:
        hosts: 127.0.0.1:2379
      bootstrap:
        dcs:
          ttl: 30
        initdb:
        - encoding: UTF8
      postgresql:
        listen: 127.0.0.1:5432
        data_dir: data/node1
        authentication:
          superuser:
            username: postgres
            password: s3cr3t-super
          replication:
            username: replicator
            password: s3cr3t-repl
      """;

  @TempDir Path dir;

  /** {@link #BASE}, for tests in other packages. */
  public static String baseYaml() {
    return BASE;
  }

  private Path write(String name, String yaml) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, yaml);
    return file;
  }

  private SettingsLoader.Loaded load(String yaml) throws Exception {
    return SettingsLoader.load(write("node.yml", yaml), Map.of(), dir);
  }

  private SettingsError loadFails(String yaml, Map<String, String> env) throws IOException {
    Path file = write("node.yml", yaml);
    return assertThrows(SettingsError.class, () -> SettingsLoader.load(file, env, dir));
  }

  static Path confDir() {
    // surefire runs in the module directory (core/); the samples live at the repository root
    Path conf = Path.of("..", "conf").toAbsolutePath().normalize();
    assertTrue(Files.isDirectory(conf), "no conf/ directory at " + conf);
    return conf;
  }

  @Test
  void everySampleInConfLoadsWithoutWarnings() throws Exception {
    List<Path> samples;
    try (Stream<Path> s = Files.list(confDir())) {
      samples = s.filter(p -> p.toString().endsWith(".yml")).sorted().toList();
    }
    assertEquals(List.of("postgres0.yml", "postgres1.yml", "postgres2.yml"),
        samples.stream().map(p -> p.getFileName().toString()).toList());
    for (int i = 0; i < samples.size(); i++) {
      SettingsLoader.Loaded loaded = SettingsLoader.load(samples.get(i), Map.of(), dir);
      Settings s = loaded.settings();
      assertEquals(List.of(), loaded.warnings(), samples.get(i).toString());
      assertEquals("postgres" + i, s.name());
      assertEquals(8008 + i, s.restapi().listen().port());
      assertEquals(5432 + i, s.postgresql().listen().port());
      assertEquals("etcd3", s.dcs().kind());
      assertEquals(dir.resolve("data/postgres" + i), s.postgresql().dataDir());
      assertEquals(30, s.bootstrap().dcs().get("ttl"));
      GlobalConfig g = GlobalConfigParser.parse(s.bootstrap().dcs()).config();
      assertEquals(List.of(30, 10, 10), List.of(g.ttl(), g.loopWait(), g.retryTimeout()));
      assertTrue(g.usePgRewind() && g.useSlots());
      assertNotNull(s.postgresql().rewind());
      assertTrue(g.pgHba().stream().anyMatch(l -> l.contains("replication")));
    }
  }

  @Test
  void theSampleConfigResourceLoads() throws Exception {
    String sample;
    try (InputStream in = io.vigil.Agent.class.getResourceAsStream("sample-config.yml")) {
      sample = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertEquals("demo", load(sample).settings().scope());
  }

  @Test
  void patronisDocumentedExampleLoads() throws Exception {
    String yaml;
    try (InputStream in = getClass().getResourceAsStream("patroni-postgres0.yml")) {
      yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    SettingsLoader.Loaded loaded = load(yaml);
    Settings s = loaded.settings();
    assertEquals(List.of(), loaded.warnings());
    assertEquals("batman", s.scope());
    assertEquals("postgresql0", s.name());
    assertEquals("/service/", s.namespace());
    assertEquals("/service/batman/", new io.vigil.dcs.DcsKeys(s.namespace(), s.scope()).base());
    assertEquals("etcd3", s.dcs().kind());
    assertEquals("127.0.0.1:2379", s.dcs().string("host"));
    assertEquals("http://127.0.0.1:8008/patroni", s.restapi().apiUrl());
    assertEquals(5, s.restapi().requestQueueSize());
    assertNull(s.restapi().authentication());
    assertEquals("none", s.restapi().verifyClient());

    BootstrapSettings b = s.bootstrap();
    assertEquals("initdb", b.method());
    assertEquals(List.of(new BootstrapSettings.Option("encoding", "UTF8"), new BootstrapSettings.Option("data-checksums", null)),
        b.initdb());
    assertEquals(1, b.users().size());
    assertEquals("admin", b.users().get(0).name());
    assertEquals("admin%", b.users().get(0).password().reveal());
    assertEquals(List.of("createrole", "createdb"), b.users().get(0).options());
    GlobalConfig g = GlobalConfigParser.parse(b.dcs()).config();
    assertEquals(List.of("host replication replicator 127.0.0.1/32 md5", "host all all 0.0.0.0/0 md5"), g.pgHba());
    assertTrue(g.usePgRewind());

    PostgresSettings pg = s.postgresql();
    assertEquals(dir.resolve("data/postgresql0"), pg.dataDir());
    assertEquals(pg.dataDir(), pg.configDir());
    assertEquals(Path.of("/tmp/pgpass0"), pg.pgpass());
    assertEquals("postgres://127.0.0.1:5432/postgres", pg.connUrl());
    assertEquals("127.0.0.1", pg.listenAddresses());
    assertEquals("postgres", pg.superuser().username());
    assertEquals("zalando", pg.superuser().password().reveal());
    assertEquals("replicator", pg.replication().username());
    assertEquals("rewind_user", pg.rewind().username());
    assertEquals("..", pg.parameters().get("unix_socket_directories"));
    assertEquals(60, pg.pgCtlTimeout());
    assertEquals(List.of("basebackup"), pg.createReplicaMethods());
    assertEquals("pg_ctl", pg.binName().get("pg_ctl"));
    assertEquals("postgres", pg.database());
    assertNull(pg.usePgRewind());

    assertEquals(new WatchdogSettings("automatic", "/dev/watchdog", 5, "default"), s.watchdog());
    assertFalse(s.tags().nofailover());
    assertFalse(s.tags().noloadbalance());
    assertFalse(s.tags().clonefrom());
    assertFalse(s.tags().nosync());
    assertEquals(1, s.tags().failoverPriority());
    assertEquals("plain", s.log().type());
    assertEquals("INFO", s.log().level());
    assertEquals("ERROR", s.log().tracebackLevel());
    assertEquals("%(asctime)s %(levelname)s: %(message)s", s.log().format());
    assertEquals(4, s.log().fileNum());
    assertEquals(25_000_000L, s.log().fileSize());
  }

  @Test
  void aDirectoryIsMergedInSortedOrderAndErrorsNameTheFileThatSetTheKey() throws Exception {
    Path confd = Files.createDirectory(dir.resolve("conf.d"));
    Files.writeString(confd.resolve("00-base.yml"), BASE);
    Files.writeString(confd.resolve("10-override.yaml"), "name: node2\nrestapi:\n  listen: 127.0.0.1:8100\n");
    Files.writeString(confd.resolve("ignored.txt"), "name: nope\n");
    Settings s = SettingsLoader.load(confd, Map.of(), dir).settings();
    assertEquals("node2", s.name());
    assertEquals(8100, s.restapi().listen().port());
    assertEquals("demo", s.scope());
    assertEquals(confd, s.source());

    Files.writeString(confd.resolve("20-broken.yml"), "bootstrap:\n  dcs:\n    loop_wait: often\n");
    SettingsError e = assertThrows(SettingsError.class, () -> SettingsLoader.load(confd, Map.of(), dir));
    assertEquals(List.of(confd.resolve("20-broken.yml") + ": bootstrap.dcs.loop_wait: expected an integer >= 1, got 'often'"),
        e.problems());
  }

  @Test
  void withoutAFileTheYamlInPatroniConfigurationIsUsedAndOtherVariablesAreNot() throws Exception {
    Map<String, String> env = Map.of("PATRONI_CONFIGURATION", BASE, "PATRONI_NAME", "from-env");
    SettingsLoader.Loaded loaded = SettingsLoader.load(null, env, dir);
    assertEquals("node1", loaded.settings().name());
    assertNull(loaded.settings().source());
    assertTrue(loaded.consumedEnvironment().contains("PATRONI_CONFIGURATION"));
  }

  @Test
  void withoutAFileOrPatroniConfigurationTheEnvironmentAloneConfiguresTheNode() throws Exception {
    Map<String, String> env = Map.of(
        "PATRONI_NAME", "n1", "PATRONI_SCOPE", "s1",
        "PATRONI_RESTAPI_LISTEN", "127.0.0.1:8008",
        "PATRONI_ETCD3_HOSTS", "127.0.0.1:2379",
        "PATRONI_POSTGRESQL_LISTEN", "127.0.0.1:5432",
        "PATRONI_POSTGRESQL_DATA_DIR", "/var/lib/pg",
        "PATRONI_SUPERUSER_USERNAME", "postgres", "PATRONI_SUPERUSER_PASSWORD", "pw1",
        "PATRONI_REPLICATION_USERNAME", "rep", "PATRONI_REPLICATION_PASSWORD", "pw2");
    Settings s = SettingsLoader.load(null, env, dir).settings();
    assertEquals("n1", s.name());
    assertEquals(Path.of("/var/lib/pg"), s.postgresql().dataDir());
    assertEquals("rep", s.postgresql().replication().username());
  }

  @Test
  void aMissingConfigPathIsAnError() {
    SettingsError e = assertThrows(SettingsError.class, () -> SettingsLoader.load(dir.resolve("nope.yml"), Map.of(), dir));
    assertTrue(e.problems().get(0).contains("nope.yml"), e.problems().toString());
  }

  // ------------------------------------------------------------------ environment overrides

  @Test
  void topLevelAndLogVariablesOverrideTheFile() throws Exception {
    Settings s = SettingsLoader.load(write("n.yml", BASE), Map.of(
        "PATRONI_NAME", "env-name", "PATRONI_SCOPE", "env-scope", "PATRONI_NAMESPACE", "/ns/",
        "PATRONI_LOGLEVEL", "debug", "PATRONI_LOG_DATEFMT", "%H:%M",
        "PATRONI_LOG_LOGGERS", "io.vigil.dcs: DEBUG, io.netty: ERROR",
        "PATRONI_LOG_STATIC_FIELDS", "{app: vigil}", "PATRONI_LOG_TYPE", "json", "PATRONI_LOG_FILE_NUM", "7"), dir).settings();
    assertEquals("env-name", s.name());
    assertEquals("env-scope", s.scope());
    assertEquals("/ns/", s.namespace());
    assertEquals("DEBUG", s.log().level());
    assertEquals("%H:%M", s.log().dateformat());
    assertEquals(Map.of("io.vigil.dcs", "DEBUG", "io.netty", "ERROR"), s.log().loggers());
    assertEquals(Map.of("app", "vigil"), s.log().staticFields());
    assertEquals("json", s.log().type());
    assertEquals(7, s.log().fileNum());
  }

  @Test
  void theNewLogVariableWinsOverTheOldName() throws Exception {
    Settings s = SettingsLoader.load(write("n.yml", BASE),
        Map.of("PATRONI_LOGLEVEL", "DEBUG", "PATRONI_LOG_LEVEL", "WARNING"), dir).settings();
    assertEquals("WARNING", s.log().level());
  }

  @Test
  void restapiAndCtlVariables() throws Exception {
    Settings s = SettingsLoader.load(write("n.yml", BASE), Map.of(
        "PATRONI_RESTAPI_LISTEN", "0.0.0.0:9008", "PATRONI_RESTAPI_CONNECT_ADDRESS", "10.0.0.1:9008",
        "PATRONI_RESTAPI_USERNAME", "api", "PATRONI_RESTAPI_PASSWORD", "api-pw",
        "PATRONI_RESTAPI_ALLOWLIST", "127.0.0.1, 10.0.0.0/8",
        "PATRONI_RESTAPI_HTTP_EXTRA_HEADERS", "X-Frame-Options: SAMEORIGIN",
        "PATRONI_RESTAPI_REQUEST_QUEUE_SIZE", "10",
        "PATRONI_CTL_INSECURE", "true", "PATRONI_CTL_USERNAME", "ctl", "PATRONI_CTL_PASSWORD", "ctl-pw"), dir).settings();
    assertEquals(new HostPort("0.0.0.0", 9008), s.restapi().listen());
    assertEquals("http://10.0.0.1:9008/patroni", s.restapi().apiUrl());
    assertEquals(new Credentials("api", Secret.of("api-pw")), s.restapi().authentication());
    assertEquals(List.of("127.0.0.1", "10.0.0.0/8"), s.restapi().allowlist());
    assertEquals(Map.of("X-Frame-Options", "SAMEORIGIN"), s.restapi().httpExtraHeaders());
    assertEquals(10, s.restapi().requestQueueSize());
    assertTrue(s.ctl().insecure());
    assertEquals("ctl", s.ctl().authentication().username());
  }

  @Test
  void postgresqlVariablesIncludingBinaries() throws Exception {
    Settings s = SettingsLoader.load(write("n.yml", BASE), Map.of(
        "PATRONI_POSTGRESQL_DATA_DIR", "other/data", "PATRONI_POSTGRESQL_BIN_DIR", "/usr/lib/postgresql/15/bin",
        "PATRONI_POSTGRESQL_BIN_PG_CTL", "pg_ctl.wrapper", "PATRONI_POSTGRESQL_CONNECT_ADDRESS", "10.0.0.2:5432",
        "PATRONI_POSTGRESQL_PGPASS", "pgpass-file"), dir).settings();
    PostgresSettings pg = s.postgresql();
    assertEquals(dir.resolve("other/data"), pg.dataDir());
    assertEquals(Path.of("/usr/lib/postgresql/15/bin"), pg.binDir());
    assertEquals("pg_ctl.wrapper", pg.binName().get("pg_ctl"));
    assertEquals("initdb", pg.binName().get("initdb"));
    assertEquals(new HostPort("10.0.0.2", 5432), pg.connectAddress());
    assertEquals(dir.resolve("pgpass-file"), pg.pgpass());
  }

  @Test
  void authenticationVariablesForEachUserType() throws Exception {
    Settings s = SettingsLoader.load(write("n.yml", BASE), Map.of(
        "PATRONI_SUPERUSER_USERNAME", "su", "PATRONI_SUPERUSER_PASSWORD", "su-pw", "PATRONI_SUPERUSER_SSLMODE", "require",
        "PATRONI_REPLICATION_PASSWORD", "rep-pw", "PATRONI_REPLICATION_SSLPASSWORD", "key-pw",
        "PATRONI_REWIND_USERNAME", "rw", "PATRONI_REWIND_PASSWORD", "rw-pw"), dir).settings();
    PostgresSettings pg = s.postgresql();
    assertEquals("su", pg.superuser().username());
    assertEquals("su-pw", pg.superuser().password().reveal());
    assertEquals(Map.of("sslmode", "require"), pg.superuser().options());
    assertEquals("replicator", pg.replication().username());
    assertEquals("rep-pw", pg.replication().password().reveal());
    assertEquals("rw", pg.rewind().username());
    assertFalse(pg.replication().toString().contains("key-pw"));
  }

  @Test
  void dcsVariablesAddTheSectionAndParseListsAndBooleans() throws Exception {
    String noDcs = BASE.replace("etcd3:\n  hosts: 127.0.0.1:2379\n", "");
    Settings etcd = SettingsLoader.load(write("n.yml", noDcs), Map.of(
        "PATRONI_ETCD3_HOSTS", "'127.0.0.1:2379','127.0.0.1:22379'",
        "PATRONI_ETCD3_USERNAME", "etcd-user", "PATRONI_ETCD3_PASSWORD", "etcd-pw",
        "PATRONI_ETCD3_USE_PROXIES", "on"), dir).settings();
    assertEquals("etcd3", etcd.dcs().kind());
    assertEquals(List.of("127.0.0.1:2379", "127.0.0.1:22379"), etcd.dcs().options().get("hosts"));
    assertEquals("etcd-user", etcd.dcs().options().get("username"));
    assertEquals(true, etcd.dcs().options().get("use_proxies"));
    assertFalse(etcd.dcs().toString().contains("etcd-pw"));

    Settings yamlList = SettingsLoader.load(write("n.yml", noDcs),
        Map.of("PATRONI_ETCD3_HOSTS", "[a:2379, b:2379]"), dir).settings();
    assertEquals(List.of("a:2379", "b:2379"), yamlList.dcs().options().get("hosts"));

    Settings zk = SettingsLoader.load(write("n.yml", noDcs),
        Map.of("PATRONI_ZOOKEEPER_HOSTS", "- zk1:2181\n- zk2:2181", "PATRONI_ZOOKEEPER_SET_ACLS", "admin: [ALL]"), dir).settings();
    assertEquals("zookeeper", zk.dcs().kind());
    assertEquals(List.of("zk1:2181", "zk2:2181"), zk.dcs().options().get("hosts"));
    assertEquals(Map.of("admin", List.of("ALL")), zk.dcs().options().get("set_acls"));

    Settings consul = SettingsLoader.load(write("n.yml", noDcs), Map.of(
        "PATRONI_CONSUL_HOST", "127.0.0.1:8500", "PATRONI_CONSUL_REGISTER_SERVICE", "true",
        "PATRONI_CONSUL_TOKEN", "consul-token", "PATRONI_CONSUL_SERVICE_TAGS", "a,b"), dir).settings();
    assertEquals("consul", consul.dcs().kind());
    assertEquals(true, consul.dcs().options().get("register_service"));
    assertEquals(List.of("a", "b"), consul.dcs().options().get("service_tags"));
    assertFalse(consul.toString().contains("consul-token"));
  }

  @Test
  void anEnvironmentDcsAlongsideAFileDcsIsTwoSections() throws IOException {
    SettingsError e = loadFails(BASE, Map.of("PATRONI_CONSUL_HOST", "127.0.0.1:8500"));
    assertEquals(List.of(dir.resolve("node.yml")
        + ": etcd3|consul: expected exactly one DCS section (etcd3, zookeeper or consul), got 2: etcd3, consul"), e.problems());
  }

  @Test
  void passwordVariablesOfOtherNamesBecomeBootstrapUsers() throws Exception {
    SettingsLoader.Loaded loaded = SettingsLoader.load(write("n.yml", BASE),
        Map.of("PATRONI_admin_PASSWORD", "adm-pw", "PATRONI_admin_OPTIONS", "createrole,createdb", "HOME", "/root"), dir);
    BootstrapSettings.User user = loaded.settings().bootstrap().users().get(0);
    assertEquals("admin", user.name());
    assertEquals("adm-pw", user.password().reveal());
    assertEquals(List.of("createrole", "createdb"), user.options());
    assertEquals(java.util.Set.of("PATRONI_admin_PASSWORD", "PATRONI_admin_OPTIONS"), loaded.consumedEnvironment());
  }

  // ------------------------------------------------------------------ validation

  static Stream<Arguments> invalidConfigs() {
    return Stream.of(
        Arguments.of("wrong type in bootstrap.dcs", BASE.replace("ttl: 30", "ttl: abc"),
            "bootstrap.dcs.ttl: expected an integer >= 20, got 'abc'"),
        Arguments.of("ttl below its minimum", BASE.replace("ttl: 30", "ttl: 5"),
            "bootstrap.dcs.ttl: expected an integer >= 20, got 5"),
        Arguments.of("synchronous_mode", BASE.replace("ttl: 30", "synchronous_mode: sometimes"),
            "bootstrap.dcs.synchronous_mode: expected on, off or quorum, got 'sometimes'"),
        Arguments.of("out of range", BASE.replace("  listen: 127.0.0.1:8008", "  listen: 127.0.0.1:8008\n  request_queue_size: 9999"),
            "restapi.request_queue_size: expected an integer in 0..4096, got 9999"),
        Arguments.of("wrong type of a section", BASE.replace("bootstrap:", "watchdog: [a]\nbootstrap:"),
            "watchdog: expected a mapping, got a list"),
        Arguments.of("no DCS", BASE.replace("etcd3:\n  hosts: 127.0.0.1:2379\n", ""),
            "etcd3|zookeeper|consul: expected exactly one DCS section (etcd3, zookeeper or consul), got none"),
        Arguments.of("two DCS", BASE.replace("etcd3:", "zookeeper:\n  hosts: [a:2181]\netcd3:"),
            "etcd3|zookeeper: expected exactly one DCS section (etcd3, zookeeper or consul), got 2: etcd3, zookeeper"),
        Arguments.of("etcd v2", BASE.replace("etcd3:", "etcd:"),
            "etcd: etcd v2 is not supported: Vigil uses the etcd v3 API only, configure an etcd3 section instead"),
        Arguments.of("kubernetes", BASE.replace("etcd3:\n  hosts: 127.0.0.1:2379", "kubernetes:\n  namespace: x"),
            "kubernetes: kubernetes is not supported as a DCS: configure exactly one of etcd3, zookeeper or consul"),
        Arguments.of("missing name", BASE.replace("name: node1\n", ""), "name: is required, got nothing"),
        Arguments.of("missing scope", BASE.replace("scope: demo\n", ""), "scope: is required, got nothing"),
        Arguments.of("missing data_dir", BASE.replace("  data_dir: data/node1\n", ""),
            "postgresql.data_dir: is required, got nothing"),
        Arguments.of("missing postgresql.listen", BASE.replace("  listen: 127.0.0.1:5432\n", ""),
            "postgresql.listen: is required, got nothing"),
        Arguments.of("missing restapi.listen", BASE.replace("  listen: 127.0.0.1:8008\n", "  connect_address: 127.0.0.1:8008\n"),
            "restapi.listen: is required, got nothing"),
        Arguments.of("host without port", BASE.replace("listen: 127.0.0.1:8008", "listen: localhost"),
            "restapi.listen: expected host:port, got 'localhost' without a port"),
        Arguments.of("port not a number", BASE.replace("listen: 127.0.0.1:5432", "listen: 127.0.0.1:5432\n  connect_address: db:abc"),
            "postgresql.connect_address: expected host:port, got 'db:abc': port 'abc' is not a number"),
        Arguments.of("port out of range", BASE.replace("listen: 127.0.0.1:5432", "listen: 127.0.0.1:70000"),
            "postgresql.listen: port 70000 is not in 1..65535"),
        Arguments.of("missing superuser", BASE.replace("    superuser:\n      username: postgres\n      password: s3cr3t-super\n", ""),
            "postgresql.authentication.superuser: is required (a mapping with username and password), got nothing"),
        Arguments.of("initdb pgdata", BASE.replace("- encoding: UTF8", "- pgdata: /x"),
            "bootstrap.initdb: option 'pgdata' is not allowed (Vigil sets nosync, pgdata, pwfile, sync-only, version itself)"),
        Arguments.of("initdb nosync", BASE.replace("- encoding: UTF8", "- nosync"),
            "bootstrap.initdb: option 'nosync' is not allowed (Vigil sets nosync, pgdata, pwfile, sync-only, version itself)"),
        Arguments.of("initdb pwfile", BASE.replace("- encoding: UTF8", "- pwfile: /pw"),
            "bootstrap.initdb: option 'pwfile' is not allowed (Vigil sets nosync, pgdata, pwfile, sync-only, version itself)"),
        Arguments.of("initdb sync-only", BASE.replace("- encoding: UTF8", "- sync-only"),
            "bootstrap.initdb: option 'sync-only' is not allowed (Vigil sets nosync, pgdata, pwfile, sync-only, version itself)"),
        Arguments.of("initdb version", BASE.replace("- encoding: UTF8", "- version"),
            "bootstrap.initdb: option 'version' is not allowed (Vigil sets nosync, pgdata, pwfile, sync-only, version itself)"),
        Arguments.of("initdb item shape", BASE.replace("- encoding: UTF8", "- {a: 1, b: 2}"),
            "bootstrap.initdb[0]: expected a flag or a {option: value} mapping with one key, got a mapping"),
        Arguments.of("log level", BASE + "log:\n  level: LOUD\n",
            "log.level: expected one of DEBUG, INFO, WARNING, ERROR, CRITICAL, got 'LOUD'"),
        Arguments.of("watchdog mode", BASE + "watchdog:\n  mode: sometimes\n",
            "watchdog.mode: expected off, automatic or required (or Patroni's aliases disable, disabled, auto, "
                + "require), got 'sometimes'"),
        Arguments.of("watchdog driver", BASE + "watchdog:\n  driver: acme\n",
            "watchdog.driver: expected default (the Linux device) or testing (Patroni's test harness), got acme"),
        Arguments.of("tag type", BASE + "tags:\n  nofailover: perhaps\n",
            "tags.nofailover: expected a boolean, got 'perhaps'"),
        Arguments.of("custom replica method without section", BASE.replace("  data_dir: data/node1", "  data_dir: data/node1\n  create_replica_methods: [wal_e, basebackup]"),
            "postgresql.create_replica_methods: method 'wal_e' needs a postgresql.wal_e section with a command"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidConfigs")
  void eachProblemIsOneLineNamingTheFileAndTheKey(String situation, String yaml, String expected) throws IOException {
    SettingsError e = loadFails(yaml, Map.of());
    assertEquals(List.of(dir.resolve("node.yml") + ": " + expected), e.problems());
  }

  @Test
  void everyProblemIsReportedAtOnce() throws IOException {
    String yaml = BASE.replace("ttl: 30", "ttl: abc").replace("name: node1\n", "").replace("listen: 127.0.0.1:8008", "listen: x");
    SettingsError e = loadFails(yaml, Map.of());
    assertEquals(3, e.problems().size(), e.problems().toString());
  }

  @Test
  void unknownKeysAreWarningsNotErrors() throws Exception {
    SettingsLoader.Loaded loaded = load(BASE.replace("scope: demo", "scope: demo\nscoop: x\nttl: 30")
        .replace("  listen: 127.0.0.1:8008", "  listen: 127.0.0.1:8008\n  lisen: 1"));
    String file = dir.resolve("node.yml").toString();
    assertEquals(List.of(
        file + ": ttl: ignored: it is read only from the DCS /config key; set it under bootstrap.dcs",
        file + ": restapi.lisen: unknown key, ignored",
        file + ": scoop: unknown key, ignored"), loaded.warnings());
  }

  @Test
  void theKeysOfTheDcsSectionComeFromItsPlugin() throws Exception {
    Path file = write("node.yml", BASE.replace("  hosts: 127.0.0.1:2379\n",
        "  hosts: 127.0.0.1:2379\n  only_the_plugin_knows: 1\n  use_proxies: true\n"));
    // the plugin knows hosts and only_the_plugin_knows: use_proxies (an etcd3 key of Patroni's) is unknown to it
    Function<String, Optional<Set<String>>> plugin = section -> "etcd3".equals(section)
        ? Optional.of(Set.of("hosts", "only_the_plugin_knows")) : Optional.empty();
    SettingsLoader.Loaded loaded = SettingsLoader.load(file, Map.of(), dir, plugin);
    assertEquals(List.of(file + ": etcd3.use_proxies: unknown key, ignored"), loaded.warnings());
    assertEquals(1, loaded.settings().dcs().options().get("only_the_plugin_knows"));
  }

  @Test
  void withoutItsPluginTheDcsSectionsKeysAreNotJudged() throws Exception {
    // the node refuses to start without the plugin (DcsPlugins.missingPluginMessage); the loader does not guess
    Path file = write("node.yml", BASE.replace("  hosts: 127.0.0.1:2379\n", "  hosts: 127.0.0.1:2379\n  hostz: x\n"));
    assertEquals(List.of(), SettingsLoader.load(file, Map.of(), dir, section -> Optional.empty()).warnings());
  }

  @Test
  void connectAddressesDefaultToListenButNeverToAWildcard() throws Exception {
    SettingsLoader.Loaded plain = load(BASE);
    assertEquals(new HostPort("127.0.0.1", 8008), plain.settings().restapi().connectAddress());
    assertEquals(new HostPort("127.0.0.1", 5432), plain.settings().postgresql().connectAddress());
    SettingsLoader.Loaded wildcard = load(BASE.replace("listen: 127.0.0.1:8008", "listen: 0.0.0.0:8008")
        .replace("listen: 127.0.0.1:5432", "listen: '*:5432'"));
    assertEquals(new HostPort("127.0.0.1", 8008), wildcard.settings().restapi().connectAddress());
    assertEquals(new HostPort("127.0.0.1", 5432), wildcard.settings().postgresql().connectAddress());
    assertEquals("*", wildcard.settings().postgresql().listenAddresses());
    assertEquals(2, wildcard.warnings().size(), wildcard.warnings().toString());
    SettingsLoader.Loaded several = load(BASE.replace("listen: 127.0.0.1:5432", "listen: 127.0.0.1,10.0.0.5:5432"));
    assertEquals("127.0.0.1,10.0.0.5", several.settings().postgresql().listenAddresses());
    assertEquals(new HostPort("127.0.0.1", 5432), several.settings().postgresql().listen());
  }

  @Test
  void relativePathsAreResolvedAgainstTheWorkingDirectory() throws Exception {
    Settings s = load(BASE.replace("data_dir: data/node1", "data_dir: data/node1\n  config_dir: ./conf/../cfg\n  pgpass: pgpass1")).settings();
    assertEquals(dir.resolve("data/node1"), s.postgresql().dataDir());
    assertEquals(dir.resolve("cfg"), s.postgresql().configDir());
    assertEquals(dir.resolve("pgpass1"), s.postgresql().pgpass());
    assertTrue(s.postgresql().dataDir().isAbsolute());
    assertEquals(dir.resolve("logs").toString(), load(BASE + "log:\n  dir: logs\n").settings().log().dir());
    assertEquals(null, load(BASE + "log:\n  dir: ''\n").settings().log().dir());
  }

  @Test
  void watchdogModeAcceptsYamlBooleans() throws Exception {
    assertEquals("off", load(BASE + "watchdog:\n  mode: false\n").settings().watchdog().mode());
    assertEquals("off", load(BASE + "watchdog:\n  mode: 'off'\n").settings().watchdog().mode());
    assertEquals("required", load(BASE + "watchdog:\n  mode: required\n").settings().watchdog().mode());
  }

  /** Patroni's parse_mode aliases (patroni/watchdog/base.py), any case. */
  @Test
  void watchdogModeAcceptsPatronisAliases() throws Exception {
    Map<String, String> aliases = Map.of("require", "required", "Required", "required", "auto", "automatic",
        "AUTOMATIC", "automatic", "disable", "off", "disabled", "off");
    for (Map.Entry<String, String> e : aliases.entrySet()) {
      assertEquals(e.getValue(), load(BASE + "watchdog:\n  mode: " + e.getKey() + "\n").settings().watchdog().mode(),
          e.getKey());
    }
    WatchdogSettings w = load(BASE + "watchdog:\n  mode: required\n  device: /dev/watchdog1\n  safety_margin: -1\n"
        + "  driver: testing\n").settings().watchdog();
    assertEquals(new WatchdogSettings("required", "/dev/watchdog1", -1, "testing"), w);
  }

  @Test
  void customMethodsRoleSectionsAndOptionsAreBound() throws Exception {
    String yaml = BASE.replace("  data_dir: data/node1", """
          data_dir: data/node1
          create_replica_methods: wal_g,basebackup
          wal_g:
            command: wal-g backup-fetch
            no_params: true
            threads: 4
          basebackup:
            max-rate: 100M
            checkpoint: fast
          parameters_primary:
            synchronous_commit: "on"
          pg_hba_replica:
          - host all all 0.0.0.0/0 md5
          use_pg_rewind: false
          callbacks:
            on_role_change: /bin/true
        """.stripTrailing());
    PostgresSettings pg = load(yaml).settings().postgresql();
    assertEquals(List.of("wal_g", "basebackup"), pg.createReplicaMethods());
    BootstrapSettings.CustomMethod walg = pg.replicaMethods().get("wal_g");
    assertEquals("wal-g backup-fetch", walg.command());
    assertTrue(walg.noParams());
    assertEquals(Map.of("threads", "4"), walg.extraParams());
    assertEquals(List.of(new BootstrapSettings.Option("max-rate", "100M"), new BootstrapSettings.Option("checkpoint", "fast")),
        pg.basebackup());
    assertEquals(Map.of("synchronous_commit", "on"), pg.roleParameters().get("primary"));
    assertEquals(List.of("host all all 0.0.0.0/0 md5"), pg.rolePgHba().get("replica"));
    assertEquals(Boolean.FALSE, pg.usePgRewind());
    assertEquals(Map.of("on_role_change", "/bin/true"), pg.callbacks());
  }

  // ------------------------------------------------------------------ secrets

  @Test
  void secretsNeverAppearInToStringOrProblemLines() throws Exception {
    String yaml = BASE.replace("  listen: 127.0.0.1:8008", """
          listen: 127.0.0.1:8008
          keyfile_password: s3cr3t-keyfile
          authentication:
            username: api
            password: s3cr3t-api
        """.stripTrailing()).replace("hosts: 127.0.0.1:2379", "hosts: 127.0.0.1:2379\n  password: s3cr3t-etcd")
        .replace("password: s3cr3t-repl", "password: s3cr3t-repl\n      sslpassword: s3cr3t-sslkey")
        + "ctl:\n  keyfile_password: s3cr3t-ctl\n  authentication: {username: c, password: s3cr3t-ctlauth}\n";
    Settings s = load(yaml).settings();
    assertFalse(s.toString().contains("s3cr3t"), s.toString());
    assertEquals("s3cr3t-api", s.restapi().authentication().password().reveal());

    // broken in many ways next to the secrets: no line may quote them
    String broken = yaml.replace("name: node1\n", "").replace("ttl: 30", "ttl: abc")
        .replace("password: s3cr3t-super", "password: s3cr3t-super\n      sslmode: [s3cr3t-list]");
    SettingsError e = loadFails(broken, Map.of());
    assertFalse(e.problems().isEmpty());
    assertFalse(String.join("\n", e.problems()).contains("s3cr3t"), e.problems().toString());
    assertFalse(e.getMessage().contains("s3cr3t"));

    SettingsError syntax = loadFails("name: x\npassword: s3cr3t-yaml: [\n", Map.of());
    assertFalse(syntax.getMessage().contains("s3cr3t"), syntax.getMessage());
    assertTrue(syntax.getMessage().startsWith(dir.resolve("node.yml") + ": not valid YAML at line"), syntax.getMessage());
  }

  @Test
  void environmentSecretsStayHiddenToo() throws Exception {
    Settings s = SettingsLoader.load(write("n.yml", BASE), Map.of(
        "PATRONI_RESTAPI_USERNAME", "u", "PATRONI_RESTAPI_PASSWORD", "s3cr3t-env",
        "PATRONI_SUPERUSER_PASSWORD", "s3cr3t-env2", "PATRONI_ETCD3_PASSWORD", "s3cr3t-env3",
        "PATRONI_ETCD3_USERNAME", "e"), dir).settings();
    assertFalse(s.toString().contains("s3cr3t"), s.toString());
  }
}
