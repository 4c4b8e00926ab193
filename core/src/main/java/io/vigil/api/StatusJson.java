package io.vigil.api;

import io.vigil.patroni.PyText;
import io.vigil.cluster.PatroniJson;

import io.vigil.bus.NodeStatus;
import io.vigil.cluster.Cluster;
import io.vigil.postgres.PostgresState;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The body of {@code GET /patroni} and of GET health checks (docs/rest-api.md §3.3), key for key in Patroni's order:
 * {@code get_postgresql_status()} then the additions of {@code _write_status_response()}. Built only from the
 * last published {@link NodeStatus}; PostgreSQL is never asked.
 */
final class StatusJson {
  private StatusJson() {}

  private static final Set<String> QUERYABLE_STATES = Set.of("running", "restarting", "starting");

  /** Patroni's {@code get_postgresql_status()}: what health checks and metrics decide on. */
  static Map<String, Object> postgresStatus(NodeView view) {
    NodeStatus s = view.status();
    PostgresState pg = s.postgres();
    Cluster cluster = view.cluster();
    Map<String, Object> r = new LinkedHashMap<>();
    if (pg != null && pg.running() && QUERYABLE_STATES.contains(pg.state()) && !view.postgresOutdated()) {
      r.put("state", pg.state());
      OffsetDateTime start = PyText.pgTimestamp(pg.postmasterStartTime());
      r.put("postmaster_start_time", start == null ? pg.postmasterStartTime() : PyText.datetimeStr(start));
      String role = pg.inRecovery() ? "replica" : "primary";
      if (pg.inRecovery() && view.standbyCluster()) {
        role = memberRole(s);
      }
      r.put("role", role);
      r.put("server_version", pg.serverVersion());
      Map<String, Object> xlog = new LinkedHashMap<>();
      if (pg.inRecovery()) {
        Long received = pg.receiveLsn() != null ? pg.receiveLsn() : pg.replayLsn();
        xlog.put("received_location", received);
        xlog.put("replayed_location", pg.replayLsn());
        OffsetDateTime replayed = PyText.pgTimestamp(pg.replayedTimestamp());
        xlog.put("replayed_timestamp", replayed == null ? pg.replayedTimestamp() : PyText.datetimeStr(replayed));
        xlog.put("paused", pg.replayPaused());
      } else {
        xlog.put("location", pg.walPosition());
      }
      r.put("xlog", xlog);
      if ("replica".equals(role) && view.synchronousMode() && cluster != null && cluster.sync() != null
          && cluster.sync().matches(s.name())) {
        r.put(view.quorumMode() ? "quorum_standby" : "sync_standby", true);
      }
      r.put("timeline", pg.timeline());
      if (pg.replicationState() != null) {
        r.put("replication_state", pg.replicationState());
      }
      if (!pg.replication().isEmpty()) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (PostgresState.ReplicationRow row : pg.replication()) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("usename", row.usename());
          m.put("application_name", row.applicationName());
          m.put("client_addr", row.clientAddr());
          m.put("state", row.state());
          m.put("sync_state", row.syncState());
          m.put("sync_priority", row.syncPriority());
          rows.add(m);
        }
        r.put("replication", rows);
      }
    } else {
      String state = pg == null ? "unknown" : pg.state();
      // it was believed to be running but could not be asked; an outdated state is not known either
      if ("running".equals(state) || view.postgresOutdated()) {
        state = "unknown";
      }
      r.put("state", state);
      r.put("role", memberRole(s));
    }
    if (s.paused()) {
      r.put("pause", true);
    }
    if (cluster == null || cluster.isUnlocked()) {
      r.put("cluster_unlocked", true);
    }
    if (s.failsafeActive()) {
      r.put("failsafe_mode_is_active", true);
    }
    r.put("dcs_last_seen", s.dcsLastSeenEpochSeconds());
    return r;
  }

  /** {@code _write_status_response()}: the postgres status plus tags, sysid, pending restart, patroni, ... */
  static Map<String, Object> body(NodeView view, String patroniVersion) {
    return complete(postgresStatus(view), view.status(), patroniVersion);
  }

  static Map<String, Object> complete(Map<String, Object> r, NodeStatus s, String patroniVersion) {
    PostgresState pg = s.postgres();
    if (s.tags() != null && !s.tags().values().isEmpty()) {
      r.put("tags", new LinkedHashMap<>(s.tags().values()));
    }
    if (pg != null && pg.systemId() != null && !pg.systemId().isEmpty()) {
      r.put("database_system_identifier", pg.systemId());
    }
    if (pg != null && (pg.pendingRestart() || !pg.pendingRestartReason().isEmpty())) {
      r.put("pending_restart", true);
      r.put("pending_restart_reason", new LinkedHashMap<>(pg.pendingRestartReason()));
    }
    Map<String, Object> patroni = new LinkedHashMap<>();
    patroni.put("version", patroniVersion);
    patroni.put("scope", s.scope());
    patroni.put("name", s.name());
    r.put("patroni", patroni);
    if (s.scheduledRestart() != null && !s.scheduledRestart().isEmpty()) {
      Map<String, Object> restart = new LinkedHashMap<>();
      for (Map.Entry<String, Object> e : s.scheduledRestart().entrySet()) {
        if (e.getKey().equals("postmaster_start_time")) {
          continue;
        }
        Object v = e.getValue();
        restart.put(e.getKey(), v instanceof OffsetDateTime t ? PatroniJson.isoformat(t) : v);
      }
      r.put("scheduled_restart", restart);
    }
    if (s.watchdogFailed()) {
      r.put("watchdog_failed", true);
    }
    return r;
  }

  /** Patroni's {@code postgresql.role}, with 3.x's {@code master} read as {@code primary}. */
  static String memberRole(NodeStatus s) {
    String role = s.role();
    if (role == null && s.postgres() != null && s.postgres().role() != null) {
      role = s.postgres().role().patroniName();
    }
    return "master".equals(role) ? "primary" : role;
  }
}
