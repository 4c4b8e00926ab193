package io.vigil.api;

import io.vigil.patroni.PyText;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vigil.bus.Addresses;
import io.vigil.bus.HaReply;
import io.vigil.bus.HaRequest;
import io.vigil.bus.NodeStatus;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Endpoints whose work belongs to the HA loop: {@code POST|DELETE /restart}, {@code POST /reload},
 * {@code POST /reinitialize}, {@code POST /failsafe}; plus the two Patroni keeps for compatibility
 * ({@code POST /sigterm}, {@code POST /citus|/mpp}). Bodies are validated here; the loop's {@link HaReply} is
 * forwarded as it is.
 */
final class HaRequestHandler {
  private static final Logger LOG = LoggerFactory.getLogger(HaRequestHandler.class);
  /** A restart waits for PostgreSQL to stop and start again; Patroni's request thread waits as long. */
  static final long RESTART_REPLY_TIMEOUT_MS = 15 * 60 * 1000L;
  static final long SHORT_REPLY_TIMEOUT_MS = 30 * 1000L;

  private final ApiState state;
  private final EventBus bus;

  HaRequestHandler(ApiState state, EventBus bus) {
    this.state = state;
    this.bus = bus;
  }

  void restart(ApiExchange ex) {
    ex.readJson(true).onSuccess(request -> {
      if (request == null) {
        return;
      }
      if (!request.isEmpty()) {
        LOG.debug("received restart request: {}", request);
      }
      NodeStatus s = state.latest();
      RestartRequest.Parsed parsed = RestartRequest.parse(request, s.paused(), state.clock.now());
      if (parsed.error() != null) {
        ex.text(parsed.error().code(), parsed.error().text());
        return;
      }
      if (parsed.schedule() != null) {
        ask(ex, parsed.scheduleRestart(), SHORT_REPLY_TIMEOUT_MS, "restart failed");
        return;
      }
      Map<String, Object> status = state.snapshot().status();
      String role = String.valueOf(status.get("role"));
      Integer serverVersion = s.postgres() == null ? null : s.postgres().serverVersion();
      boolean pending = s.postgres() != null
          && (s.postgres().pendingRestart() || !s.postgres().pendingRestartReason().isEmpty());
      String mismatch = RestartRequest.mismatch(parsed.role(), parsed.postgresVersion(), parsed.restartPending(),
          role, serverVersion, pending);
      if (mismatch != null) {
        LOG.info("not proceeding with the restart: {}", mismatch);
        ex.text(503, "restart conditions are not satisfied");
        return;
      }
      long timeout = parsed.timeout() == null ? RESTART_REPLY_TIMEOUT_MS
          : Math.min(RESTART_REPLY_TIMEOUT_MS, parsed.timeout() * 1000L + SHORT_REPLY_TIMEOUT_MS);
      ask(ex, parsed.restart(), timeout, "restart failed");
    });
  }

  void cancelRestart(ApiExchange ex) {
    ask(ex, new HaRequest.CancelScheduledRestart(), SHORT_REPLY_TIMEOUT_MS, "scheduled restart could not be deleted");
  }

  void reload(ApiExchange ex) {
    bus.send(Addresses.HA_REQUEST, new HaRequest.Reload());
    ex.text(202, "reload scheduled");
  }

  void reinitialize(ApiExchange ex) {
    ex.readJson(true).onSuccess(request -> {
      if (request == null) {
        return;
      }
      if (!request.isEmpty()) {
        LOG.debug("received reinitialize request: {}", request);
      }
      boolean force = Boolean.TRUE.equals(PyText.parseBool(request.get("force")));
      boolean fromLeader = Boolean.TRUE.equals(PyText.parseBool(request.get("from_leader")));
      ask(ex, new HaRequest.Reinitialize(force, fromLeader), SHORT_REPLY_TIMEOUT_MS, "reinitialize failed");
    });
  }

  void failsafe(ApiExchange ex) {
    if (!NodeView.of(state.latest(), state.clock).failsafeMode()) {
      ex.sendError(502);
      return;
    }
    ex.readJson(false).onSuccess(request -> {
      if (request == null) {
        return;
      }
      ask(ex, new HaRequest.FailsafeHeartbeat(request), SHORT_REPLY_TIMEOUT_MS, "failsafe heartbeat failed");
    });
  }

  void sigterm(ApiExchange ex) {
    // a Windows-only test hook in Patroni: answered, never acted upon
    ex.text(202, "shutdown scheduled");
  }

  void mpp(ApiExchange ex) {
    ex.readJson(false).onSuccess(request -> {
      if (request != null) {
        // Vigil runs no Citus coordinator, so like a Patroni worker node it only acknowledges the event
        ex.text(200, "OK");
      }
    });
  }

  private void ask(ApiExchange ex, HaRequest request, long timeoutMs, String failureText) {
    bus.<Object>request(Addresses.HA_REQUEST, request, new DeliveryOptions().setSendTimeout(timeoutMs))
        .onComplete(ar -> {
          if (ar.succeeded() && ar.result().body() instanceof HaReply reply) {
            ex.text(reply.code(), reply.text(), reply.headers());
          } else {
            LOG.warn("{} was not answered by the HA loop: {}", request.getClass().getSimpleName(),
                ar.failed() ? ar.cause().getMessage() : "unexpected reply");
            ex.text(503, failureText);
          }
        });
  }
}
