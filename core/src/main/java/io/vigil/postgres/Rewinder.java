package io.vigil.postgres;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import io.vigil.config.BootstrapSettings.Option;
import io.vigil.config.PostgresSettings;
import io.vigil.config.PostgresSettings.PgUser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Timeline divergence check, pg_rewind and single-user crash recovery (docs/ha-rules.md §2.7, docs/postgres.md §6.3).
 *
 * <p>The leader's timeline and history are read over a normal SQL connection with the rewind credentials:
 * {@code pg_walfile_name(pg_current_wal_lsn())} gives its current timeline even before its first checkpoint
 * after promotion, and {@code pg_read_binary_file('pg_wal/<TLI>.history')} (granted to the rewind role at
 * bootstrap, as Patroni grants it for pg_rewind) gives the switchpoints. This is what Patroni learns with
 * {@code IDENTIFY_SYSTEM} and {@code TIMELINE_HISTORY} over a replication connection.
 */
final class Rewinder {
  private static final Logger LOG = LoggerFactory.getLogger(Rewinder.class);
  private static final Set<String> FORBIDDEN = Set.of("target-pgdata", "source-pgdata", "source-server",
      "write-recovery-conf", "dry-run", "restore-target-wal", "config-file", "no-ensure-shutdown", "version", "help");

  private final PgParts parts;
  private final PostgresSettings pg;

  Rewinder(PgParts parts) {
    this.parts = parts;
    this.pg = parts.pg();
  }

  /**
   * The local position: timeline, LSN, whether it is a cleanly shut down primary's checkpoint, and where it was
   * read (for the log line).
   */
  private record LocalPosition(int timeline, long lsn, boolean cleanPrimaryShutdown, boolean rewindPossible,
      String readFrom) {}

  private record LeaderPosition(int timeline, String history) {}

  Future<RewindCheck> check(ReplicationSource source) {
    return writableHost(source).compose(this::checkAgainst);
  }

  private Future<RewindCheck> checkAgainst(ReplicationSource leader) {
    return localPosition().compose(local -> leaderPosition(leader, local.timeline()).map(remote -> {
      List<TimelineHistoryFile.Entry> history = TimelineHistoryFile.parse(remote.history() == null ? ""
          : remote.history());
      boolean needed = TimelineHistoryFile.needsRewind(local.timeline(), local.lsn(), local.cleanPrimaryShutdown(),
          remote.timeline(), history);
      String reason = String.format("local timeline=%d lsn=%s (%s), leader %s timeline=%d: %s", local.timeline(),
          Lsn.format(local.lsn()), local.readFrom(),
          leader.memberName(), remote.timeline(), needed ? "rewind needed" : "no rewind needed");
      LOG.info("{}", reason);
      return new RewindCheck(needed, local.rewindPossible() && Files.isExecutable(
          Path.of(parts.binaries().tool("pg_rewind"))), local.timeline(), remote.timeline(), reason);
    }));
  }

  private Future<LocalPosition> localPosition() {
    if (parts.process().isRunning()) {
      return parts.state().compose(s -> parts.blocking(parts.tools()::controlData).compose(cd -> {
        if (s.timeline() == null) {
          throw new PostgresException("cannot read the local timeline of the running server");
        }
        if (!s.inRecovery()) {
          return Future.succeededFuture(new LocalPosition(s.timeline(), nz(s.walPosition()), false,
              cd.rewindPossible(), "running primary"));
        }
        // the replay position on the timeline being replayed, as Patroni judges a running replica
        // (patroni/postgresql/rewind.py _get_local_timeline_lsn). A streaming replica's state has the received
        // timeline; one whose WAL receiver stopped shows the timeline of its last restartpoint, which may be older
        // than the one it replays, so its own IDENTIFY_SYSTEM is asked, as Patroni does
        LocalPosition fromState = new LocalPosition(s.timeline(), nz(s.replayLsn()), false, cd.rewindPossible(),
            "replay position, timeline of the last restartpoint");
        if ("streaming".equals(s.replicationState())) {
          return Future.succeededFuture(new LocalPosition(s.timeline(), fromState.lsn(), false, cd.rewindPossible(),
              "replay position, received timeline"));
        }
        return parts.connections().localServerTimeline().map(timeline -> new LocalPosition(timeline,
            fromState.lsn(), false, cd.rewindPossible(), "replay position, timeline from IDENTIFY_SYSTEM"))
            .recover(e -> {
              LOG.warn("IDENTIFY_SYSTEM on the local server failed ({}); judging from timeline {} of the last "
                  + "restartpoint, which may ask for a rewind that finds nothing to do", e.getMessage(),
                  fromState.timeline());
              return Future.succeededFuture(fromState);
            });
      }));
    }
    return parts.blocking(() -> {
      ControlData cd = parts.tools().controlData();
      if (!cd.shutDownCleanly()) {
        crashRecoveryBlocking(false);
        cd = parts.tools().controlData();
      }
      if ("shut down".equals(cd.clusterState())) {
        return new LocalPosition(cd.latestCheckpointTimeline(), cd.latestCheckpointLsn(), true, cd.rewindPossible(),
            "shutdown checkpoint");
      }
      int tli = cd.minRecoveryEndTimeline() != 0 ? cd.minRecoveryEndTimeline() : cd.latestCheckpointTimeline();
      return new LocalPosition(tli, Math.max(cd.minRecoveryEndLsn(), cd.latestCheckpointLsn()), false,
          cd.rewindPossible(), "pg_controldata of a stopped standby");
    });
  }

  /**
   * The host of {@code source} that runs as a primary. A standby cluster's remote primary may be a list of hosts
   * (docs/standby-cluster.md §3); Patroni's check and pg_rewind connect with {@code target_session_attrs=read-write}
   * for that (patroni/postgresql/rewind.py {@code _conn_kwargs}), Vigil asks every host at once with the rewind
   * credentials and takes the first in the list that answers as a primary. A single host is returned as it is:
   * the check itself refuses one in recovery.
   */
  private Future<ReplicationSource> writableHost(ReplicationSource source) {
    List<ReplicationSource> hosts = source.eachHost();
    if (hosts.size() == 1) {
      return Future.succeededFuture(source);
    }
    Future<ReplicationSource> found = Future.failedFuture(new PostgresException(
        "no host of " + source.memberName() + " runs as a primary"));
    for (int i = hosts.size() - 1; i >= 0; i--) {
      ReplicationSource host = hosts.get(i);
      Future<ReplicationSource> next = found;
      found = isPrimary(host).transform(ar -> ar.succeeded() && ar.result() ? Future.succeededFuture(host) : next);
    }
    return found;
  }

  private Future<Boolean> isPrimary(ReplicationSource host) {
    PgConnections sql = parts.connections();
    return sql.oneShot(sql.remoteConnectOptions(host, rewindUser()), "ask " + host.memberName() + " for its role",
        PgConnections.QUERY_BOUND, conn -> conn.query("SELECT pg_is_in_recovery()").execute()
            .map(rows -> !rows.iterator().next().getBoolean(0)));
  }


  private Future<LeaderPosition> leaderPosition(ReplicationSource leader, int localTimeline) {
    PgConnections sql = parts.connections();
    return sql.oneShot(sql.remoteConnectOptions(leader, rewindUser()), "read the timeline of " + leader.memberName(),
        PgConnections.QUERY_BOUND, conn ->
        conn.query("SELECT pg_is_in_recovery(), CASE WHEN pg_is_in_recovery() THEN NULL ELSE "
                + "('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int END").execute()
            .compose(rows -> {
              Row row = rows.iterator().next();
              if (row.getBoolean(0)) {
                return Future.<LeaderPosition>failedFuture(new PostgresException(
                    "leader " + leader.memberName() + " is still in recovery"));
              }
              int tli = row.getInteger(1);
              if (tli <= localTimeline) {
                return Future.succeededFuture(new LeaderPosition(tli, null));
              }
              return conn.preparedQuery("SELECT pg_read_binary_file($1)")
                  .execute(Tuple.of(String.format("pg_wal/%08X.history", tli)))
                  .map(h -> new LeaderPosition(tli, new String(h.iterator().next().getBuffer(0).getBytes(),
                      StandardCharsets.UTF_8)));
            }));
  }

  /** The rewind role on PG 11+ (docs/postgres.md §6.3), the superuser otherwise or when no rewind role is configured. */
  private PgUser rewindUser() {
    return pg.rewind() != null && pg.rewind().username() != null && parts.serverVersionNum() >= 110000
        ? pg.rewind() : pg.superuser();
  }

  Future<Void> rewind(ReplicationSource source) {
    return writableHost(source).compose(this::rewindFrom);
  }

  private Future<Void> rewindFrom(ReplicationSource leader) {
    return parts.blocking(() -> {
      parts.async().progress("stopping PostgreSQL before pg_rewind", -1);
      parts.process().stop(StopMode.FAST, parts.pgCtlTimeout(), null);
      // a replica that crashed ("in archive recovery") is recovered too: pg_rewind refuses an unclean target
      // and throws away the WAL this recovery writes
      crashRecoveryBlocking(true);
      return null;
    })
        .compose(v -> checkpointOnLeader(leader))
        .compose(v -> parts.blocking(() -> {
          runPgRewind(leader);
          return null;
        }));
  }

  /**
   * pg_rewind reads the source's pg_control: until the new leader's first checkpoint after promotion it still
   * shows the old timeline and pg_rewind would find nothing to do.
   */
  private Future<Void> checkpointOnLeader(ReplicationSource leader) {
    PgConnections sql = parts.connections();
    return sql.checkpoint(sql.remoteConnectOptions(leader, pg.superuser()), Duration.ofSeconds(pg.pgCtlTimeout()))
        .recover(e -> {
          LOG.warn("could not issue a CHECKPOINT on {}: {}", leader.memberName(), e.getMessage());
          return Future.succeededFuture();
        });
  }

  private void runPgRewind(ReplicationSource leader) throws IOException {
    parts.async().progress("running pg_rewind from " + leader.memberName(), -1);
    PgUser user = rewindUser();
    Map<String, String> ci = new LinkedHashMap<>();
    ci.put("host", leader.host());
    ci.put("port", Integer.toString(leader.port()));
    ci.put("user", user.username());
    ci.put("dbname", pg.database() == null ? "postgres" : pg.database());
    if (user.options() != null) {
      ci.putAll(user.options());
    }
    List<String> cmd = new ArrayList<>(List.of(parts.binaries().tool("pg_rewind"), "-D", parts.dataDir().toString(),
        "--source-server=" + Conninfo.render(ci)));
    for (Option o : pg.rewindOptions() == null ? List.<Option>of() : pg.rewindOptions()) {
      if (FORBIDDEN.contains(o.name())) {
        LOG.error("pg_rewind option '{}' is not allowed; ignored", o.name());
      } else {
        cmd.add(o.asArgument());
      }
    }
    RecoveryConfig target = parts.config().recovery();
    if (target != null && target.restoreCommand() != null && parts.serverVersionNum() >= 130000) {
      cmd.add("--restore-target-wal");
    }
    Map<Path, byte[]> saved = saveConfigFiles();
    LOG.info("running pg_rewind from {}", leader.memberName());
    ToolRunner.Result r = parts.tools().runTool(cmd, Map.of(), null, line -> LOG.info("pg_rewind: {}", line));
    restoreConfigFiles(saved);
    if (r.ok()) {
      LOG.info("pg_rewind finished successfully");
      parts.process().setStateName("stopped");
      return;
    }
    LOG.error("Failed to rewind from healty primary: {}", leader.memberName());
    if (pg.removeDataDirectoryOnRewindFailure()) {
      LOG.warn("remove_data_directory_on_rewind_failure is set: removing the data directory");
      parts.dataDirectory().remove();
    }
    throw new PostgresException("pg_rewind failed (exit " + r.exitCode() + "): " + r.tail(20));
  }

  /** pg_rewind copies the source's config files over ours: keep ours, as Patroni does. */
  private Map<Path, byte[]> saveConfigFiles() throws IOException {
    Map<Path, byte[]> out = new LinkedHashMap<>();
    PgConfigFiles f = parts.config().files();
    for (Path p : List.of(f.postgresqlConf(), f.baseConf(), f.hbaFile(), f.identFile())) {
      if (Files.isRegularFile(p)) {
        out.put(p, Files.readAllBytes(p));
      }
    }
    return out;
  }

  private void restoreConfigFiles(Map<Path, byte[]> saved) throws IOException {
    for (Map.Entry<Path, byte[]> e : saved.entrySet()) {
      if (Files.isDirectory(e.getKey().getParent())) {
        parts.binaries().writeFile(e.getKey(), new String(e.getValue(), StandardCharsets.UTF_8), "rw-------");
      }
    }
  }

  /**
   * Runs {@code postgres --single} (stdin /dev/null) when pg_control says a primary was not shut down cleanly
   * ({@code in production}, {@code in crash recovery}, {@code shutting down}) and no backup_label exists, so that
   * pg_rewind and the divergence check see a consistent pg_control. A crashed replica ({@code in archive
   * recovery}) is left alone unless {@code beforeRewind}: ending its recovery writes WAL of its own (the
   * end-of-recovery checkpoint) that its primary never sent, which only a pg_rewind right after may undo
   * (Patroni's {@code _handle_rewind_or_reinitialize}).
   *
   * @return true when the cluster is (now) cleanly shut down
   */
  boolean crashRecoveryBlocking(boolean beforeRewind) throws IOException {
    if (parts.process().isRunning()) {
      throw new PostgresException("crash recovery needs PostgreSQL stopped");
    }
    ControlData cd = parts.tools().controlData();
    if (cd.shutDownCleanly()) {
      return true;
    }
    if (cd.clusterState().contains("archive recovery") && !beforeRewind) {
      LOG.info("no crash recovery for a replica (cluster state '{}')", cd.clusterState());
      return false;
    }
    if (Files.exists(parts.dataDir().resolve("backup_label"))) {
      LOG.info("skipping crash recovery: backup_label exists");
      return false;
    }
    LOG.info("doing crash recovery in a single user mode (cluster state '{}')", cd.clusterState());
    parts.async().progress("crash recovery", -1);
    Path signal = parts.dataDir().resolve("standby.signal");
    boolean hadSignal = Files.exists(signal);
    // single-user mode refuses standby mode
    Files.deleteIfExists(signal);
    try {
      parts.config().files().saveBaseConfig();
      List<String> cmd = new ArrayList<>(List.of(parts.binaries().tool("postgres"), "--single", "-D",
          parts.dataDir().toString(), "--config-file=" + parts.config().files().postgresqlConf()));
      cmd.addAll(parts.config().serverParameters().arguments());
      cmd.add(pg.database() == null ? "postgres" : pg.database());
      ToolRunner.Result r = parts.tools().runTool(cmd, Map.of(), Duration.ofSeconds(Math.max(60, pg.pgCtlTimeout() * 5L)),
          line -> LOG.info("postgres --single: {}", line));
      if (!r.ok()) {
        throw new PostgresException("crash recovery in single-user mode failed (exit " + r.exitCode() + "): "
            + r.tail(20));
      }
    } finally {
      if (hadSignal) {
        parts.binaries().writeFile(signal, "", "rw-------");
      }
    }
    return parts.tools().controlData().shutDownCleanly();
  }

  private static long nz(Long v) {
    return v == null ? 0 : v;
  }
}
