package io.vigil.runtime;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vigil.api.RestartRequest;
import io.vigil.async.AsyncExecutor;
import io.vigil.bus.Addresses;
import io.vigil.bus.HaReply;
import io.vigil.bus.HaRequest;
import io.vigil.cluster.Cluster;
import io.vigil.cluster.Member;
import io.vigil.ha.LocalState;
import io.vigil.postgres.PostgresRole;
import io.vigil.postgres.PostgresState;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The REST API's requests to the HA loop ({@link Addresses#HA_REQUEST}: restart now or scheduled, cancel a
 * scheduled restart, reload, reinitialize, the failsafe heartbeat): each is checked against what the loop last
 * saw, answered, and, when accepted, left in the {@link LoopState} for the next cycle to act on, which it wakes.
 * Runs on the loop's context, like the cycle, so the two never touch the state at once.
 */
final class HaRequests {
  private final Vertx vertx;
  private final LoopState state;
  private final AsyncExecutor async;
  private final Supplier<String> name;
  private final Supplier<PostgresState> lastPostgres;
  private final IntSupplier ttlSeconds;
  private final LongSupplier clock;
  private final Consumer<String> wake;

  /**
   * @param name this member's name (the local configuration may be reloaded)
   * @param lastPostgres the PostgreSQL state the loop last saw (null before the first)
   * @param ttlSeconds the current {@code ttl}: how long a failsafe heartbeat's leader stays valid
   * @param clock the loop's monotonic milliseconds
   * @param wake wakes the loop with a reason
   */
  HaRequests(Vertx vertx, LoopState state, AsyncExecutor async, Supplier<String> name,
      Supplier<PostgresState> lastPostgres, IntSupplier ttlSeconds, LongSupplier clock, Consumer<String> wake) {
    this.vertx = vertx;
    this.state = state;
    this.async = async;
    this.name = name;
    this.lastPostgres = lastPostgres;
    this.ttlSeconds = ttlSeconds;
    this.clock = clock;
    this.wake = wake;
  }

  /** Answers one request; runs on the loop's context. */
  void handle(Message<Object> msg) {
    Object body = msg.body();
    if (body instanceof HaRequest.Restart r) {
      restartNow(msg, r);
    } else if (body instanceof HaRequest.ScheduleRestart r) {
      scheduleRestart(msg, r);
    } else if (body instanceof HaRequest.CancelScheduledRestart) {
      if (state.scheduledRestart == null) {
        msg.reply(new HaReply(404, "no restarts are scheduled"));
      } else {
        state.scheduledRestart = null;
        state.restartRequest = null;
        msg.reply(new HaReply(200, "scheduled restart deleted"));
      }
    } else if (body instanceof HaRequest.Reload) {
      msg.reply(new HaReply(202, "reload scheduled"));
      vertx.eventBus().send(Addresses.AGENT_RELOAD, "POST /reload");
    } else if (body instanceof HaRequest.Reinitialize r) {
      reinitialize(msg, r);
    } else if (body instanceof HaRequest.FailsafeHeartbeat f) {
      failsafeHeartbeat(msg, f);
    } else {
      msg.fail(400, "unknown request " + body);
    }
  }

  private void restartNow(Message<Object> msg, HaRequest.Restart r) {
    PostgresState s = lastPostgres.get();
    if (!restartMatches(s, r.role(), r.postgresVersion(), r.restartPending())) {
      msg.reply(new HaReply(503, "restart conditions are not satisfied"));
      return;
    }
    if (state.running != null) {
      msg.reply(new HaReply(503, state.running.name() + " already in progress"));
      return;
    }
    state.restartRequest = new LocalState.RestartRequest(null, r.timeoutSeconds(), role(r.role()),
        r.restartPending(), s == null ? null : s.postmasterStartTime());
    state.reply(state.restartWaiter, 503, "restart request replaced by a newer one");
    state.restartWaiter = msg;
    wake.accept("restart request");
  }

  private void scheduleRestart(Message<Object> msg, HaRequest.ScheduleRestart r) {
    if (state.scheduledRestart != null) {
      msg.reply(new HaReply(409, "Another restart is already scheduled"));
      return;
    }
    PostgresState s = lastPostgres.get();
    Map<String, Object> shown = new LinkedHashMap<>();
    shown.put("schedule", r.schedule().toString());
    shown.put("postmaster_start_time", s == null ? null : s.postmasterStartTime());
    if (r.role() != null) {
      shown.put("role", r.role());
    }
    if (r.postgresVersion() != null) {
      shown.put("postgres_version", r.postgresVersion());
    }
    if (r.restartPending()) {
      shown.put("restart_pending", true);
    }
    if (r.timeoutSeconds() != null) {
      shown.put("timeout", r.timeoutSeconds());
    }
    state.scheduledRestart = shown;
    state.restartRequest = new LocalState.RestartRequest(r.schedule().toInstant(), r.timeoutSeconds(), role(r.role()),
        r.restartPending(), s == null ? null : s.postmasterStartTime());
    msg.reply(new HaReply(202, "Restart scheduled"));
  }

  private static PostgresRole role(String name) {
    if (name == null) {
      return null;
    }
    return PostgresRole.fromPatroniName(name);
  }

  /** Patroni's restart_matches, re-checked on the live state (the REST layer checked the published one). */
  private static boolean restartMatches(PostgresState s, String role, String version, boolean pendingOnly) {
    if (s == null) {
      return role == null && version == null && !pendingOnly;
    }
    String mine = s.isPrimary() ? "primary" : "replica";
    return RestartRequest.mismatch(role, version, pendingOnly, mine, s.serverVersion(), s.pendingRestart()) == null;
  }

  private void reinitialize(Message<Object> msg, HaRequest.Reinitialize r) {
    Cluster c = state.lastCluster;
    if (c == null || c.isUnlocked()) {
      msg.reply(new HaReply(503, "Cluster has no leader, can not reinitialize"));
      return;
    }
    if (name.get().equals(c.leaderName())) {
      msg.reply(new HaReply(503, "I am the leader, can not reinitialize"));
      return;
    }
    if (state.running != null && !r.force()) {
      msg.reply(new HaReply(503, state.running.name() + " already in progress"));
      return;
    }
    if (r.force()) {
      async.cancel();
    }
    state.reinitializeRequest = new LocalState.ReinitializeRequest(r.force(), r.fromLeader());
    msg.reply(new HaReply(200, "reinitialize started"));
    wake.accept("reinitialize request");
  }

  private void failsafeHeartbeat(Message<Object> msg, HaRequest.FailsafeHeartbeat f) {
    PostgresState s = lastPostgres.get();
    if (s != null && s.isPrimary()) {
      msg.reply(new HaReply(500, "Running as a leader"));
      return;
    }
    Object name = f.body().get("name");
    if (name == null) {
      msg.reply(new HaReply(500, "no leader name in the failsafe request"));
      return;
    }
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("conn_url", f.body().get("conn_url"));
    data.put("api_url", f.body().get("api_url"));
    data.put("role", "primary");
    data.put("state", "running");
    state.failsafeLeader = new Member(String.valueOf(name), 0, null, data);
    state.failsafeLeaderUntilMillis = clock.getAsLong() + ttlSeconds.getAsInt() * 1000L;
    Long lsn = s == null ? null : s.walPosition();
    msg.reply(new HaReply(200, "Accepted", lsn == null ? Map.of() : Map.of("lsn", Long.toString(lsn))));
  }
}
