package io.vigil.postgres;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@link PostgresState} snapshots: from the server over SQL when it runs (recovery, WAL positions,
 * timeline, replication, pending restarts), from what the agent knows when it does not. A failed query gives
 * a running snapshot with unknown values, logged once while the failure lasts.
 */
final class PgStateReader {
  private static final Logger LOG = LoggerFactory.getLogger(PgStateReader.class);
  /**
   * Recovery settings come and go with the role (a promoted replica drops them from postgresql.conf); like Patroni,
   * their changes are not a pending restart of the server.
   */
  private static final String RECOVERY_PARAMETERS = "'primary_conninfo', 'primary_slot_name', 'restore_command', "
      + "'archive_cleanup_command', 'recovery_end_command', 'recovery_min_apply_delay', 'recovery_target', "
      + "'recovery_target_lsn', 'recovery_target_name', 'recovery_target_time', 'recovery_target_xid', "
      + "'recovery_target_timeline', 'recovery_target_inclusive', 'recovery_target_action', 'promote_trigger_file'";

  private final PgProcess process;
  private final PgConfiguration config;
  private final PgConnections connections;
  private final DataDirectory dataDirectory;
  private final int serverVersionNum;

  private volatile PostgresState lastState;
  /** A replica's replay timeline learned from its WAL receiver or {@code IDENTIFY_SYSTEM}; null when unknown. */
  private volatile Integer replayTimeline;
  /** The postmaster start time {@link #replayTimeline} belongs to. */
  private volatile String replayTimelineStart;
  /** {@code IDENTIFY_SYSTEM} failed for this postmaster: not asked again until it restarts. */
  private volatile boolean replayTimelineUnavailable;
  /** The last state-query failure logged, so that a lasting problem is logged once, not every cycle. */
  private volatile String lastStateError;

  PgStateReader(PgProcess process, PgConfiguration config, PgConnections connections, DataDirectory dataDirectory,
      int serverVersionNum) {
    this.process = process;
    this.config = config;
    this.connections = connections;
    this.dataDirectory = dataDirectory;
    this.serverVersionNum = serverVersionNum;
  }

  /** A fresh snapshot of a running server (callers answer {@link #notRunning()} when none runs). */
  Future<PostgresState> running() {
    return connections.withConnection("read the server state", this::queryState)
        .compose(this::withReplayTimeline)
        .map(s -> {
          lastState = s;
          lastStateError = null;
          return s;
        })
        .recover(e -> {
          String reason = String.valueOf(e.getMessage());
          if (!reason.equals(lastStateError)) {
            lastStateError = reason;
            LOG.warn("Error communicating with PostgreSQL: {}", reason, e);
          }
          return Future.succeededFuture(runningUnknown());
        });
  }

  /**
   * A replica's timeline as Patroni publishes it (patroni/ha.py {@code touch_member}): the WAL receiver's received
   * timeline while it streams, otherwise the timeline the server itself answers to {@code IDENTIFY_SYSTEM}, asked
   * once and kept until the postmaster restarts or a restartpoint names a later one. Without it a replica whose
   * receiver is down would publish its last restartpoint's timeline, which may be older than the one it replays.
   * When the question cannot be asked (no replication connection to the local server) the restartpoint's stays.
   */
  private Future<PostgresState> withReplayTimeline(PostgresState s) {
    if (!s.inRecovery() || s.queryFailed() || s.timeline() == null) {
      replayTimeline = null;
      return Future.succeededFuture(s);
    }
    if (!Objects.equals(s.postmasterStartTime(), replayTimelineStart)) {
      replayTimelineStart = s.postmasterStartTime();
      replayTimeline = null;
      replayTimelineUnavailable = false;
    }
    if ("streaming".equals(s.replicationState())) {
      replayTimeline = s.timeline();
      return Future.succeededFuture(s);
    }
    Integer known = replayTimeline;
    if (known != null && known >= s.timeline()) {
      return Future.succeededFuture(s.withTimeline(known));
    }
    if (replayTimelineUnavailable) {
      return Future.succeededFuture(s);
    }
    return connections.localServerTimeline().map(tli -> {
      replayTimeline = tli;
      return s.withTimeline(Math.max(tli, s.timeline()));
    }).recover(e -> {
      replayTimelineUnavailable = true;
      LOG.info("could not ask the local server for its replay timeline ({}); publishing the timeline of its last "
          + "restartpoint until it restarts", e.getMessage());
      return Future.succeededFuture(s);
    });
  }

  private Future<PostgresState> queryState(SqlClient conn) {
    String main = "SELECT pg_is_in_recovery(), "
        + "CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_current_wal_flush_lsn()::text END, "
        + "pg_last_wal_receive_lsn()::text, pg_last_wal_replay_lsn()::text, "
        + "CASE WHEN pg_is_in_recovery() THEN pg_is_wal_replay_paused() ELSE false END, "
        + "pg_last_xact_replay_timestamp()::text, "
        + "to_char(pg_postmaster_start_time() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00:00', "
        + "current_setting('server_version_num')::int, "
        + "(pg_control_system()).system_identifier::text, "
        + "(pg_control_checkpoint()).checkpoint_lsn::text, "
        + "CASE WHEN pg_is_in_recovery() THEN (pg_control_checkpoint()).timeline_id "
        + "ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int END, "
        + "current_setting('restore_command')";
    String receiver = "SELECT status, received_tli FROM pg_stat_wal_receiver";
    String replication = "SELECT usename, application_name, host(client_addr), state, sync_state, sync_priority, "
        + "flush_lsn::text, replay_lsn::text FROM pg_stat_replication ORDER BY application_name";
    String pending = "SELECT s.name, current_setting(s.name), (SELECT f.setting FROM pg_file_settings f "
        + "WHERE f.name = s.name ORDER BY f.seqno DESC LIMIT 1) FROM pg_settings s "
        + "WHERE s.pending_restart AND s.name NOT IN (" + RECOVERY_PARAMETERS + ")";
    // one round trip: the snapshot is read several times per HA cycle, and each exchange wakes the event loop
    // and a backend (README "Footprint")
    return conn.query(main + "; " + receiver + "; " + replication + "; " + pending).execute().map(m -> {
      RowSet<Row> w = m.next();
      RowSet<Row> r = w.next();
      RowSet<Row> p = r.next();
      return buildState(m.iterator().next(), w, r, p);
    });
  }

  private PostgresState buildState(Row row, RowSet<Row> receiver, RowSet<Row> replication, RowSet<Row> pending) {
    boolean inRecovery = row.getBoolean(0);
    Long flush = lsnOrNull(row.getString(1));
    Long receive = lsnOrNull(row.getString(2));
    Long replay = lsnOrNull(row.getString(3));
    Integer timeline = row.getInteger(10);
    String receiverStatus = null;
    for (Row rr : receiver) {
      receiverStatus = rr.getString(0);
      Integer tli = rr.getInteger(1);
      if (inRecovery && "streaming".equals(receiverStatus) && tli != null) {
        timeline = tli;
      }
    }
    String replicationState = replicationState(inRecovery, receiverStatus, row.getString(11));
    List<PostgresState.ReplicationRow> rows = new ArrayList<>();
    for (Row rr : replication) {
      rows.add(new PostgresState.ReplicationRow(rr.getString(0), rr.getString(1), rr.getString(2), rr.getString(3),
          rr.getString(4), rr.getInteger(5), lsnOrNull(rr.getString(6)), lsnOrNull(rr.getString(7))));
    }
    Map<String, Map<String, Object>> reasons = new LinkedHashMap<>();
    for (Row pr : pending) {
      Map<String, Object> reason = new LinkedHashMap<>();
      reason.put("old_value", pr.getString(1));
      reason.put("new_value", pr.getString(2));
      reasons.put(pr.getString(0), reason);
    }
    commandLinePending(reasons);
    Long walPosition = inRecovery ? maxOf(receive, replay) : flush;
    PostgresRole known = process.role();
    PostgresRole r = inRecovery ? (known == PostgresRole.STANDBY_LEADER ? known : PostgresRole.REPLICA)
        : PostgresRole.PRIMARY;
    process.setRole(r);
    RecoveryConfig rc = config.recovery();
    String following = rc == null || rc.source() == null ? null : rc.source().memberName();
    return new PostgresState(process.stateName(), r, false, true, inRecovery, row.getString(8), timeline,
        walPosition, receive, replay, lsnOrNull(row.getString(9)), row.getString(5), row.getBoolean(4),
        replicationState, rows, inRecovery ? following : null, row.getInteger(7), row.getString(6),
        !reasons.isEmpty(), reasons, System.nanoTime() / 1_000_000);
  }

  /**
   * {@code replication_state} as patroni/postgresql/__init__.py {@code replication_state_from_parameters} computes
   * it (PostgreSQL 12+): {@code streaming} while the WAL receiver streams, {@code in archive recovery} when it does
   * not but a {@code restore_command} is set, and none otherwise (a primary; a replica whose upstream is gone and
   * that has no archive to read from, e.g. a standby leader whose remote primary is unreachable,
   * docs/standby-cluster.md §4).
   *
   * @param receiverStatus {@code pg_stat_wal_receiver.status}, null without a WAL receiver
   * @param restoreCommand the {@code restore_command} setting, empty when unset
   */
  static String replicationState(boolean inRecovery, String receiverStatus, String restoreCommand) {
    if (!inRecovery) {
      return null;
    }
    if ("streaming".equals(receiverStatus)) {
      return "streaming";
    }
    return restoreCommand == null || restoreCommand.isEmpty() ? null : "in archive recovery";
  }

  /** Controlled parameters live on the command line: a changed value needs a restart (docs/postgres.md §6.9). */
  private void commandLinePending(Map<String, Map<String, Object>> reasons) {
    ServerParameters started = process.startedWith();
    if (started == null) {
      return;
    }
    ServerParameters now = config.serverParameters();
    now.commandLine().forEach((k, v) -> {
      String old = started.commandLine().get(k);
      if (!Objects.equals(old, v) && !reasons.containsKey(k)) {
        Map<String, Object> reason = new LinkedHashMap<>();
        reason.put("old_value", old);
        reason.put("new_value", v);
        reasons.put(k, reason);
      }
    });
  }

  /** The snapshot of a server that does not run, from what the last query saw; blocks (a directory listing). */
  PostgresState notRunning() {
    PostgresState last = lastState;
    boolean empty = dataDirectory.isEmpty();
    PostgresRole r = empty ? PostgresRole.UNINITIALIZED : process.role();
    return new PostgresState(process.stateName(), r, empty, false, last != null && last.inRecovery(),
        last == null ? null : last.systemId(), last == null ? null : last.timeline(),
        last == null ? null : last.walPosition(), null, null, null, null, false, null, List.of(), null,
        serverVersionNum, null, false, Map.of(), System.nanoTime() / 1_000_000);
  }

  private PostgresState runningUnknown() {
    PostgresRole role = process.role();
    return new PostgresState(process.stateName(), role, false, true, role != PostgresRole.PRIMARY, null, null, null,
        null, null, null, null, false, null, List.of(), null, serverVersionNum, null, false, Map.of(),
        System.nanoTime() / 1_000_000, true);
  }

  static Long lsnOrNull(String text) {
    return text == null ? null : Lsn.parse(text);
  }

  private static Long maxOf(Long a, Long b) {
    if (a == null) {
      return b;
    }
    return b == null ? a : Math.max(a, b);
  }
}
