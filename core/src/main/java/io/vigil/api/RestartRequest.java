package io.vigil.api;

import io.vigil.patroni.PyText;
import io.vigil.bus.HaRequest;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;

/**
 * {@code POST /restart} body validation (Patroni's {@code do_POST_restart}) and the restart filters
 * ({@code Ha.restart_matches}). Keys are checked in the order the client sent them and the first bad one decides
 * the answer, as in Patroni.
 */
public final class RestartRequest {
  private RestartRequest() {}

  /** Either a valid request or the answer that refuses it. */
  record Parsed(OffsetDateTime schedule, String role, String postgresVersion, Integer timeout,
      boolean restartPending, ApiAnswer error) {
    HaRequest.Restart restart() {
      return new HaRequest.Restart(role, postgresVersion, timeout, restartPending);
    }

    HaRequest.ScheduleRestart scheduleRestart() {
      return new HaRequest.ScheduleRestart(schedule, role, postgresVersion, timeout, restartPending);
    }
  }

  static Parsed parse(Map<String, Object> request, boolean paused, Instant now) {
    if (paused && request.containsKey("schedule")) {
      return error(500, "Can't schedule restart in the paused state");
    }
    OffsetDateTime schedule = null;
    String role = null;
    String version = null;
    Integer timeout = null;
    for (Map.Entry<String, Object> e : request.entrySet()) {
      Object v = e.getValue();
      switch (e.getKey()) {
        case "schedule" -> {
          Schedule.Parsed p = Schedule.parse(v, "restart", now);
          if (p.error() != null) {
            return error(p.error().code(), p.error().text());
          }
          schedule = p.time();
        }
        case "role" -> {
          // patronictl 3.x still says master
          String r = "master".equals(v) ? "primary" : v instanceof String s ? s : null;
          if (!"primary".equals(r) && !"standby_leader".equals(r) && !"replica".equals(r)) {
            return error(400, "PostgreSQL role should be either primary, standby_leader, or replica");
          }
          role = r;
        }
        case "postgres_version" -> {
          try {
            PyText.postgresVersionToInt(PyText.str(v));
          } catch (PyText.InvalidVersion ex) {
            return error(400, ex.getMessage());
          }
          version = PyText.str(v);
        }
        case "timeout" -> {
          Long t = PyText.parseInt(v, "s");
          if (t == null || t <= 0) {
            return error(400, "Timeout should be a positive number of seconds");
          }
          timeout = (int) Math.min(Integer.MAX_VALUE, t);
        }
        case "restart_pending" -> {
          // Patroni reads the mere presence of the key as "only if a restart is pending"
        }
        default -> {
          return error(400, "Unknown filter for the scheduled restart: " + e.getKey());
        }
      }
    }
    return new Parsed(schedule, role, version, timeout, request.containsKey("restart_pending"), null);
  }

  private static Parsed error(int code, String text) {
    return new Parsed(null, null, null, null, false, new ApiAnswer(code, text));
  }

  /**
   * Patroni's {@code restart_matches}: null when the node matches the filters, else why it does not.
   *
   * @param role this node's role (primary, replica, standby_leader)
   * @param serverVersion the running server_version number, e.g. 150004
   */
  public static String mismatch(String role, String postgresVersion, boolean restartPending, String nodeRole,
      Integer serverVersion, boolean nodePendingRestart) {
    String reason = null;
    if (role != null && !role.equals(nodeRole)) {
      reason = "host role mismatch";
    }
    if (postgresVersion != null) {
      try {
        if (PyText.postgresVersionToInt(postgresVersion) <= (serverVersion == null ? 0 : serverVersion)) {
          reason = "postgres version mismatch";
        }
      } catch (PyText.InvalidVersion e) {
        reason = "postgres version mismatch";
      }
    }
    if (restartPending && !nodePendingRestart) {
      reason = "pending restart flag is not set";
    }
    return reason;
  }
}
