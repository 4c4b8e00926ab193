package io.vigil.postgres;

import io.vertx.core.Future;
import io.vigil.config.BootstrapSettings.CustomMethod;
import io.vigil.config.BootstrapSettings.Option;
import io.vigil.config.PostgresSettings;
import io.vigil.config.PostgresSettings.PgUser;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replica creation (docs/postgres.md §6.2): the create_replica_methods in order until one succeeds. {@code basebackup} runs
 * {@code pg_basebackup -X stream --progress} (2 attempts, 5 s apart, data dir wiped in between) with the
 * replication credentials through pgpass and publishes its progress; a custom method runs
 * {@code command --scope --role=replica --datadir --connstring} plus its extra options.
 */
final class ReplicaCloner {
  private static final Logger LOG = LoggerFactory.getLogger(ReplicaCloner.class);
  private static final Set<String> FORBIDDEN_BASEBACKUP = Set.of("pgdata", "format", "wal-method", "xlog-method",
      "gzip", "version", "dbname", "host", "port", "username", "password", "progress");
  private static final int BASEBACKUP_ATTEMPTS = 2;
  private static final long RETRY_DELAY_MILLIS = 5000;

  private final PgParts parts;
  private final PostgresSettings pg;

  ReplicaCloner(PgParts parts) {
    this.parts = parts;
    this.pg = parts.pg();
  }

  /**
   * @param methods the create_replica_methods to use instead of {@code postgresql.create_replica_methods}
   *     ({@code standby_cluster.create_replica_methods}), null for those of the postgresql section
   */
  Future<Void> run(ReplicationSource source, List<String> methods) {
    return parts.blocking(() -> {
      clone(source, methods);
      return null;
    });
  }

  private void clone(ReplicationSource source, List<String> methodsOverride) throws IOException {
    if (parts.process().isRunning()) {
      throw new PostgresException("cannot create a replica while PostgreSQL runs on " + parts.dataDir());
    }
    parts.process().setStateName("creating replica");
    parts.process().setRole(PostgresRole.UNINITIALIZED);
    parts.config().writePgpass();
    List<String> configured = methodsOverride != null && !methodsOverride.isEmpty() ? methodsOverride
        : pg.createReplicaMethods();
    List<String> methods = configured == null || configured.isEmpty() ? List.of("basebackup") : configured;
    List<String> failures = new ArrayList<>();
    for (String method : methods) {
      if (parts.async().isCancelled()) {
        break;
      }
      boolean ok;
      if ("basebackup".equals(method) || "pg_basebackup".equals(method)) {
        if (source == null) {
          LOG.info("skipping basebackup: no leader to clone from");
          continue;
        }
        ok = basebackup(source);
      } else {
        CustomMethod m = pg.replicaMethods() == null ? null : pg.replicaMethods().get(method);
        if (m == null || m.command() == null) {
          LOG.error("create_replica_method '{}' has no section with a command", method);
          failures.add(method + ": no command");
          continue;
        }
        if (source == null && !m.noLeader()) {
          LOG.info("skipping replica method {}: it needs a leader (no_leader is not set)", method);
          continue;
        }
        ok = custom(method, m, source);
      }
      if (ok) {
        parts.config().files().saveBaseConfig();
        parts.process().setStateName("stopped");
        parts.process().setRole(PostgresRole.REPLICA);
        LOG.info("replica created with {}{}", method, source == null ? "" : " from " + source.memberName());
        return;
      }
      failures.add(method);
    }
    parts.process().setStateName("stopped");
    removeQuietly();
    throw new PostgresException("failed to create a replica" + (source == null ? "" : " from "
        + source.memberName()) + "; methods tried: " + (failures.isEmpty() ? "none applicable" : failures));
  }

  private boolean basebackup(ReplicationSource source) throws IOException {
    PgUser repl = pg.replication();
    Map<String, String> ci = new LinkedHashMap<>();
    ci.put("host", source.host());
    ci.put("port", Integer.toString(source.port()));
    ci.put("user", repl.username());
    ci.put("application_name", parts.settings().name());
    if (repl.options() != null) {
      ci.putAll(repl.options());
    }
    ci.putAll(source.conninfo());
    List<String> cmd = new ArrayList<>(List.of(parts.binaries().tool("pg_basebackup"), "--pgdata=" + parts.dataDir(),
        "-X", "stream", "--dbname=" + Conninfo.render(ci), "--progress"));
    for (Option o : pg.basebackup() == null ? List.<Option>of() : pg.basebackup()) {
      if (FORBIDDEN_BASEBACKUP.contains(o.name())) {
        LOG.error("pg_basebackup option '{}' is not allowed; ignored", o.name());
      } else if ("compress".equals(o.name()) && (parts.serverVersionNum() < 150000 || o.value() == null
          || !o.value().startsWith("server-"))) {
        LOG.error("pg_basebackup option compress={} is only allowed as server-* on PG 15+; ignored", o.value());
      } else {
        cmd.add(o.asArgument());
      }
    }
    for (int attempt = 1; attempt <= BASEBACKUP_ATTEMPTS; attempt++) {
      parts.dataDirectory().remove();
      parts.binaries().createPrivateDirectory(parts.dataDir());
      parts.async().progress("running pg_basebackup from " + source.memberName(), 0);
      int[] lastPercent = {-1};
      ToolRunner.Result r = parts.tools().runTool(cmd, Map.of(), null, line -> {
        OptionalInt pct = BasebackupProgress.percent(line);
        if (pct.isPresent()) {
          if (pct.getAsInt() != lastPercent[0]) {
            lastPercent[0] = pct.getAsInt();
            LOG.info("clone progress: {}", line.trim());
            parts.async().progress("running pg_basebackup from " + source.memberName(), pct.getAsInt());
          }
        } else if (!line.isBlank()) {
          LOG.info("pg_basebackup: {}", line);
          if (line.contains("waiting for checkpoint")) {
            // a spread checkpoint on the source can take minutes before the first byte is copied
            parts.async().progress("pg_basebackup from " + source.memberName() + ": waiting for checkpoint",
                Math.max(0, lastPercent[0]));
          }
        }
      });
      if (r.ok()) {
        return true;
      }
      LOG.error("Error when fetching backup: pg_basebackup exited with code={}: {}", r.exitCode(), r.tail(20));
      if (parts.async().isCancelled() || attempt == BASEBACKUP_ATTEMPTS) {
        break;
      }
      LOG.info("Trying again in 5 seconds");
      PgProcess.sleepQuietly(RETRY_DELAY_MILLIS);
    }
    return false;
  }

  private boolean custom(String method, CustomMethod m, ReplicationSource source) throws IOException {
    if (!m.keepData()) {
      parts.dataDirectory().remove();
    }
    List<String> args = new ArrayList<>();
    if (!m.noParams()) {
      args.add("--scope=" + parts.settings().scope());
      args.add("--role=replica");
      args.add("--datadir=" + parts.dataDir());
      if (source != null) {
        Map<String, String> ci = new LinkedHashMap<>();
        ci.put("host", source.host());
        ci.put("port", Integer.toString(source.port()));
        ci.put("user", pg.replication().username());
        ci.put("dbname", pg.database() == null ? "postgres" : pg.database());
        ci.putAll(source.conninfo());
        args.add("--connstring=" + Conninfo.render(ci));
      }
    }
    if (m.extraParams() != null) {
      m.extraParams().forEach((k, v) -> args.add("--" + k + "=" + v));
    }
    parts.async().progress("running replica method " + method, -1);
    ToolRunner.Result r = parts.tools().runScript(m.command(), args, Map.of(), null);
    if (!r.ok()) {
      LOG.error("replica method {} failed (exit {}): {}", method, r.exitCode(), r.tail(20));
      return false;
    }
    if (!Files.isRegularFile(parts.dataDir().resolve("PG_VERSION"))) {
      LOG.error("replica method {} left no data directory at {}", method, parts.dataDir());
      return false;
    }
    return true;
  }

  private void removeQuietly() {
    try {
      parts.dataDirectory().remove();
    } catch (IOException e) {
      LOG.error("could not remove {} after a failed clone: {}", parts.dataDir(), e.getMessage());
    }
  }
}
