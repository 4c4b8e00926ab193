package io.vigil.postgres;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vigil.config.BootstrapSettings;
import io.vigil.config.BootstrapSettings.CustomMethod;
import io.vigil.config.BootstrapSettings.Option;
import io.vigil.config.PostgresSettings;
import io.vigil.config.PostgresSettings.PgUser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bootstrap of a new cluster (docs/postgres.md §6.1): initdb or a custom method, start, then post_bootstrap (superuser
 * password, the post_bootstrap script, replication and rewind roles, bootstrap.users). A failed initdb or
 * custom method leaves state {@code initdb failed} / {@code custom bootstrap failed} and the data directory
 * moved aside, never deleted.
 */
final class Bootstrapper {
  private static final Logger LOG = LoggerFactory.getLogger(Bootstrapper.class);
  private static final Set<String> FORBIDDEN_INITDB = Set.of("pgdata", "nosync", "pwfile", "sync-only", "version");
  private static final Pattern ROLE_OPTION = Pattern.compile("^[A-Za-z_ ]+$");

  private final PgParts parts;
  private final Supplier<Future<Void>> reload;
  private final PostgresSettings pg;
  private final BootstrapSettings bootstrap;
  /** initdb's or the custom method's pg_hba.conf while the temporary trust file is in place. */
  private String savedHba;

  /** @param reload rewrites the configuration and reloads the running server (the real pg_hba after the roles) */
  Bootstrapper(PgParts parts, Supplier<Future<Void>> reload) {
    this.parts = parts;
    this.reload = reload;
    this.pg = parts.pg();
    this.bootstrap = parts.settings().bootstrap();
  }

  Future<Void> run() {
    String method = bootstrap == null || bootstrap.method() == null ? "initdb" : bootstrap.method();
    Future<Void> created = "initdb".equals(method)
        ? parts.blocking(() -> {
          initdb();
          return null;
        })
        : parts.blocking(() -> {
          custom(method);
          return null;
        });
    return created
        .compose(v -> parts.blocking(() -> {
          parts.async().progress("starting PostgreSQL", -1);
          if (!parts.process().start(Duration.ofSeconds(pg.pgCtlTimeout()))) {
            throw new PostgresException("PostgreSQL did not start within " + pg.pgCtlTimeout() + "s after "
                + method);
          }
          return null;
        }))
        .compose(v -> postBootstrap())
        .compose(v -> "initdb".equals(method) ? checkpointForFirstClones() : Future.<Void>succeededFuture())
        .onSuccess(v -> LOG.info("initialized a new cluster"));
  }

  /**
   * An immediate CHECKPOINT of the new cluster before it takes the leader key. A clone's pg_basebackup starts with
   * a spread checkpoint, which paces even the few pages initdb and post_bootstrap dirtied over about a second;
   * with nothing left to write it ends at once (bootstrap of three nodes about 1 s quicker, README "Footprint").
   * Only after initdb: a custom bootstrap may have restored a large database, whose checkpoint the clone's own
   * spread checkpoint is there to pace. A failure is only logged: the clones then wait for their checkpoint.
   */
  private Future<Void> checkpointForFirstClones() {
    parts.async().progress("checkpoint of the new cluster", -1);
    return parts.connections().checkpoint(parts.connections().localConnectOptions(), parts.pgCtlTimeout())
        .recover(e -> {
          LOG.warn("CHECKPOINT after bootstrap did not complete: {}", e.getMessage());
          return Future.succeededFuture();
        });
  }

  private void initdb() throws IOException {
    parts.process().setStateName("initializing new cluster");
    parts.config().setRecovery(null);
    parts.process().setRole(PostgresRole.UNINITIALIZED);
    parts.async().progress("running initdb", -1);
    List<String> cmd = new ArrayList<>(List.of(parts.binaries().tool("initdb"), "-D", parts.dataDir().toString()));
    List<Option> options = bootstrap == null || bootstrap.initdb() == null ? List.of() : bootstrap.initdb();
    Path pwfile = null;
    try {
      parts.binaries().createPrivateDirectory(parts.dataDir());
      for (Option o : options) {
        if (FORBIDDEN_INITDB.contains(o.name())) {
          throw new PostgresException("initdb option '" + o.name() + "' is not allowed");
        }
        cmd.add(o.asArgument());
      }
      PgUser su = pg.superuser();
      if (su != null && su.username() != null) {
        cmd.add("--username=" + su.username());
        if (su.password() != null) {
          pwfile = parts.dataDir().toAbsolutePath().resolveSibling("." + parts.dataDir().getFileName() + ".pwfile");
          parts.binaries().writeFile(pwfile, su.password().reveal() + "\n", "rw-------");
          cmd.add("--pwfile=" + pwfile);
        }
      }
      ToolRunner.Result r = parts.tools().runTool(cmd, Map.of(), null, line -> LOG.info("{}", line));
      if (!r.ok()) {
        throw new PostgresException("initdb failed (exit " + r.exitCode() + "): " + r.tail(20));
      }
      parts.config().files().appendHba(bootstrap == null ? null : bootstrap.pgHba());
      parts.config().files().saveBaseConfig();
      parts.config().writePgpass();
    } catch (IOException | RuntimeException e) {
      parts.process().setStateName("initdb failed");
      LOG.error("initdb failed: {}", e.getMessage());
      moveAsideQuietly();
      throw e;
    } finally {
      if (pwfile != null) {
        Files.deleteIfExists(pwfile);
      }
    }
  }

  private void custom(String method) throws IOException {
    CustomMethod m = bootstrap.methods() == null ? null : bootstrap.methods().get(method);
    parts.process().setStateName("running custom bootstrap script");
    parts.config().setRecovery(null);
    parts.async().progress("running custom bootstrap script " + method, -1);
    try {
      if (m == null || m.command() == null) {
        throw new PostgresException("bootstrap method '" + method + "' has no section with a command");
      }
      if (m.recoveryConf() != null && !m.recoveryConf().isEmpty()) {
        // point-in-time recovery then promotion is a flow of its own; refuse rather than half-do it
        throw new PostgresException("recovery_conf of custom bootstrap method '" + method + "' is not supported");
      }
      List<String> args = new ArrayList<>();
      if (!m.noParams()) {
        args.add("--scope=" + parts.settings().scope());
        args.add("--datadir=" + parts.dataDir());
      }
      if (m.extraParams() != null) {
        m.extraParams().forEach((k, v) -> args.add("--" + k + "=" + v));
      }
      ToolRunner.Result r = parts.tools().runScript(m.command(), args, Map.of(), null);
      if (!r.ok()) {
        throw new PostgresException("custom bootstrap script failed (exit " + r.exitCode() + "): " + r.tail(20));
      }
      if (!Files.isRegularFile(parts.dataDir().resolve("PG_VERSION"))) {
        throw new PostgresException("custom bootstrap script left no data directory at " + parts.dataDir());
      }
      if (!m.keepExistingRecoveryConf()) {
        Files.deleteIfExists(parts.dataDir().resolve("recovery.signal"));
        Files.deleteIfExists(parts.dataDir().resolve("standby.signal"));
      }
      parts.config().files().saveBaseConfig();
      parts.config().writePgpass();
      trustLocalConnectionsUntilRolesExist();
    } catch (IOException | RuntimeException e) {
      parts.process().setStateName("custom bootstrap failed");
      LOG.error("custom bootstrap failed: {}", e.getMessage());
      moveAsideQuietly();
      throw e;
    }
  }

  /**
   * A custom method's cluster has roles and pg_hba of its own making: like Patroni, trust local connections
   * (socket and loopback) until post_bootstrap has set the configured passwords, then put the real file back.
   */
  private void trustLocalConnectionsUntilRolesExist() throws IOException {
    Path hba = parts.config().files().hbaFile();
    savedHba = Files.exists(hba) ? Files.readString(hba) : "";
    parts.config().setAccessFiles(null, parts.pg().pgIdent());
    parts.binaries().writeFile(hba, String.join("\n", "local all all trust", "local replication all trust",
        "host all all 127.0.0.1/32 trust", "host all all ::1/128 trust", "host replication all 127.0.0.1/32 trust",
        "host replication all ::1/128 trust") + "\n", "rw-------");
  }

  private Future<Void> restoreHba() {
    if (savedHba == null) {
      return Future.succeededFuture();
    }
    return parts.blocking(() -> {
      parts.binaries().writeFile(parts.config().files().hbaFile(), savedHba, "rw-------");
      parts.config().setAccessFiles(parts.pg().pgHba(), parts.pg().pgIdent());
      savedHba = null;
      return null;
    }).compose(v -> reload.get());
  }

  private void moveAsideQuietly() {
    try {
      parts.dataDirectory().moveAside();
    } catch (IOException e) {
      LOG.error("could not move {} aside: {}", parts.dataDir(), e.getMessage());
    }
  }

  /** docs/postgres.md §6.1 post_bootstrap, in Patroni's order; a failure stops PostgreSQL and moves the data aside. */
  private Future<Void> postBootstrap() {
    LOG.info("running post_bootstrap");
    parts.async().progress("running post_bootstrap", -1);
    PgUser su = pg.superuser();
    PgConnections sql = parts.connections();
    Future<Void> chain = sql.withConnection("set the superuser password", conn -> su.password() == null
        ? Future.succeededFuture()
        : createOrUpdateRole(conn, su, "SUPERUSER LOGIN"));
    if (bootstrap != null && bootstrap.postBootstrap() != null) {
      chain = chain.compose(v -> parts.blocking(() -> {
        runPostBootstrapScript();
        return null;
      }));
    }
    chain = chain.compose(v -> sql.withConnection("create roles", this::createRoles)).compose(v -> restoreHba());
    return chain.recover(e -> {
      LOG.error("post_bootstrap failed: {}", e.getMessage());
      return parts.blocking(() -> {
        parts.process().stop(StopMode.IMMEDIATE, parts.pgCtlTimeout(), null);
        parts.process().setStateName("initdb failed");
        parts.dataDirectory().moveAside();
        return null;
      }).transform(ar -> Future.failedFuture(e));
    });
  }

  private void runPostBootstrapScript() throws IOException {
    PgUser su = pg.superuser();
    String url = "postgres://" + (su.username() == null ? "" : su.username() + "@")
        + hostForUrl(parts.connections().localHost())
        + ":" + pg.listen().port() + "/" + (pg.database() == null ? "postgres" : pg.database());
    Map<String, String> env = Map.of(
        "PGOPTIONS", "-c synchronous_commit=local -c statement_timeout=0",
        "PGPASSFILE", parts.config().files().pgpass().toString());
    ToolRunner.Result r = parts.tools().runScript(bootstrap.postBootstrap(), List.of(url), env, null);
    if (!r.ok()) {
      throw new PostgresException("post_bootstrap script " + bootstrap.postBootstrap() + " failed (exit "
          + r.exitCode() + ")");
    }
  }

  private static String hostForUrl(String host) {
    return host.startsWith("/") ? java.net.URLEncoder.encode(host, java.nio.charset.StandardCharsets.UTF_8) : host;
  }

  private Future<Void> createRoles(SqlClient conn) {
    Future<Void> chain = Future.succeededFuture();
    PgUser repl = pg.replication();
    if (repl != null && repl.username() != null) {
      chain = chain.compose(v -> createOrUpdateRole(conn, repl, "LOGIN REPLICATION"));
    }
    PgUser rewind = pg.rewind();
    PgUser su = pg.superuser();
    if (rewind != null && rewind.username() != null && !rewind.username().equals(su.username())) {
      chain = chain.compose(v -> createOrUpdateRole(conn, rewind, "LOGIN"));
      for (String fn : List.of("pg_catalog.pg_ls_dir(text, boolean, boolean)",
          "pg_catalog.pg_stat_file(text, boolean)", "pg_catalog.pg_read_binary_file(text)",
          "pg_catalog.pg_read_binary_file(text, bigint, bigint, boolean)")) {
        chain = chain.compose(v -> conn.query("GRANT EXECUTE ON function " + fn + " TO "
            + Sql.identifier(rewind.username())).execute().mapEmpty());
      }
    }
    if (bootstrap != null && bootstrap.users() != null) {
      for (BootstrapSettings.User u : bootstrap.users()) {
        LOG.warn("bootstrap.users is deprecated in Patroni; creating user '{}'", u.name());
        String options = String.join(" ", u.options() == null ? List.of() : u.options());
        if (!ROLE_OPTION.matcher(options.isEmpty() ? "LOGIN" : options).matches()) {
          chain = chain.compose(v -> Future.failedFuture(new PostgresException(
              "bootstrap.users '" + u.name() + "' has invalid options '" + options + "'")));
          continue;
        }
        chain = chain.compose(v -> createOrUpdateRole(conn, new PgUser(u.name(), u.password(), Map.of()),
            options.isEmpty() ? "LOGIN" : options));
      }
    }
    return chain;
  }

  /** CREATE or ALTER ROLE; the statement holds the password, so it is never logged. */
  private static Future<Void> createOrUpdateRole(SqlClient conn, PgUser user, String options) {
    String tail = " WITH " + options + (user.password() == null ? ""
        : " PASSWORD " + Sql.literal(user.password().reveal()));
    // the statement carries the password: keep it out of the server log as well
    return conn.query("SET log_statement TO 'none'; SET log_min_duration_statement TO -1; "
            + "SET log_min_error_statement TO 'panic'").execute()
        .compose(v -> conn.preparedQuery("SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = $1")
            .execute(io.vertx.sqlclient.Tuple.of(user.username())))
        .compose(rows -> conn.query((rows.size() > 0 ? "ALTER ROLE " : "CREATE ROLE ")
            + Sql.identifier(user.username()) + tail).execute())
        .onSuccess(r -> LOG.info("created or updated role '{}'", user.username()))
        .mapEmpty();
  }
}
