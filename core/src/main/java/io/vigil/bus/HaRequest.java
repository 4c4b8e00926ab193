package io.vigil.bus;

import io.vertx.core.Vertx;
import java.time.OffsetDateTime;
import java.util.Map;

/**
 * A request only the HA loop may carry out, sent by the REST API on {@link Addresses#HA_REQUEST} with
 * request/reply; the reply is always a {@link HaReply} whose code and text the API sends to the client as they
 * are. The API has validated the body already (types, units, schedule in the future, restart filters against the
 * last {@link NodeStatus}); the loop decides with its live state. Each record's Javadoc lists the replies Patroni
 * gives, which the loop should keep word for word.
 */
public sealed interface HaRequest {

  /**
   * Restart PostgreSQL now ({@code POST /restart} without schedule) and reply when it finished or failed.
   * The loop re-checks the filters ({@code restart_matches}) on its live state. Replies: 200
   * {@code restarted successfully}; 503 {@code restart failed}, {@code postgres is still starting},
   * {@code restart conditions are not satisfied}, {@code <action> already in progress}.
   *
   * @param role only if this node has that role (primary, standby_leader, replica), null for any
   * @param postgresVersion only if the running version is lower than this X.Y[.Z], null for any
   * @param timeoutSeconds give up (and fail over if primary) after this long, null for the default
   * @param restartPending only if PostgreSQL reports a pending restart
   */
  record Restart(String role, String postgresVersion, Integer timeoutSeconds, boolean restartPending)
      implements HaRequest {}

  /**
   * Remember a restart for {@code schedule} ({@code POST /restart} with schedule); the loop runs it in the first
   * cycle at or after that time if the filters still match. Replies: 202 {@code Restart scheduled}; 409
   * {@code Another restart is already scheduled}.
   */
  record ScheduleRestart(OffsetDateTime schedule, String role, String postgresVersion, Integer timeoutSeconds,
      boolean restartPending) implements HaRequest {}

  /** {@code DELETE /restart}. Replies: 200 {@code scheduled restart deleted}; 404 {@code no restarts are scheduled}. */
  record CancelScheduledRestart() implements HaRequest {}

  /**
   * {@code POST /reload}: re-read the configuration file as on SIGHUP. The API answers 202
   * {@code reload scheduled} without waiting; the reply is ignored.
   */
  record Reload() implements HaRequest {}

  /**
   * {@code POST /reinitialize}. Replies: 200 {@code reinitialize started}; 503 with the reason
   * ({@code I am the leader, can not reinitialize}, {@code Cluster has no leader, can not reinitialize},
   * {@code <action> already in progress}).
   *
   * @param force cancel a running long action first
   * @param fromLeader take the base backup from the leader, not from the best replica
   */
  record Reinitialize(boolean force, boolean fromLeader) implements HaRequest {}

  /**
   * {@code POST /failsafe} from the leader during a DCS outage (docs/ha-rules.md §2.8 step 5), the JSON body as sent. Only
   * sent while {@code failsafe_mode} is on. Replies: 200 {@code Accepted} with header {@code lsn} (this node's
   * received/replayed LSN) in {@link HaReply#headers()}; 500 with the reason (e.g. {@code Running as a leader}).
   */
  record FailsafeHeartbeat(Map<String, Object> body) implements HaRequest {
    public FailsafeHeartbeat {
      body = Map.copyOf(body);
    }
  }

  /** Registers the local codec of every request type and of {@link HaReply}. */
  static void registerCodecs(Vertx vertx) {
    RecordCodec.register(vertx, Restart.class);
    RecordCodec.register(vertx, ScheduleRestart.class);
    RecordCodec.register(vertx, CancelScheduledRestart.class);
    RecordCodec.register(vertx, Reload.class);
    RecordCodec.register(vertx, Reinitialize.class);
    RecordCodec.register(vertx, FailsafeHeartbeat.class);
    RecordCodec.register(vertx, HaReply.class);
  }
}
