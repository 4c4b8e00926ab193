package io.vigil.api;

import io.vigil.patroni.PyText;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vigil.bus.Addresses;
import io.vigil.cluster.Cluster;
import io.vigil.cluster.Failover;
import io.vigil.cluster.Member;
import io.vigil.dcs.Dcs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /switchover}, {@code POST /failover}, {@code DELETE /switchover} (docs/rest-api.md §3.6). Validation is
 * {@link SwitchoverValidator}; this class does the I/O around it: a fresh cluster read, the candidates'
 * {@code GET /patroni}, the failover key write, the wake-up, and the 1-second polls until the leader changed.
 */
final class SwitchoverHandler {
  private static final Logger LOG = LoggerFactory.getLogger(SwitchoverHandler.class);
  /** Patroni asks each candidate with a 2-second timeout and no retry. */
  static final long PEER_TIMEOUT_MS = 2000;

  private final Vertx vertx;
  private final ApiState state;
  private final Dcs dcs;
  private final HttpClient peers;
  private final long pollIntervalMs;

  SwitchoverHandler(Vertx vertx, ApiState state, Dcs dcs, HttpClient peers, long pollIntervalMs) {
    this.vertx = vertx;
    this.state = state;
    this.dcs = dcs;
    this.peers = peers;
    this.pollIntervalMs = pollIntervalMs;
  }

  void post(ApiExchange ex, String requestedAction) {
    ex.readJson(false).onSuccess(request -> {
      if (request == null) {
        return;
      }
      LOG.info("received {} request with leader={} candidate={} scheduled_at={}", requestedAction,
          request.get("leader"), request.get("candidate") != null ? request.get("candidate") : request.get("member"),
          request.get("scheduled_at"));
      dcs.loadCluster().onComplete(ar -> {
        if (ar.failed()) {
          ClusterHandler.dcsFailed(ex, "POST /" + requestedAction, ar.cause());
          return;
        }
        Cluster cluster = ar.result();
        SwitchoverValidator.Outcome outcome =
            SwitchoverValidator.validate(requestedAction, request, cluster, state.clock.now());
        if (outcome instanceof SwitchoverValidator.Rejected r) {
          ex.text(r.answer().code(), r.answer().text());
          return;
        }
        SwitchoverValidator.Accepted accepted = (SwitchoverValidator.Accepted) outcome;
        if ("failover".equals(requestedAction) && "switchover".equals(accepted.action())) {
          LOG.warn("received failover request with leader specified - performing switchover instead");
        }
        Future<Boolean> fit = accepted.scheduled() ? Future.succeededFuture(true) : anyFit(accepted.candidates());
        fit.onComplete(f -> {
          if (!f.result()) {
            ApiAnswer a = SwitchoverValidator.noGoodCandidates(accepted.action());
            ex.text(a.code(), a.text());
            return;
          }
          write(ex, cluster, accepted);
        });
      });
    });
  }

  private void write(ApiExchange ex, Cluster cluster, SwitchoverValidator.Accepted accepted) {
    dcs.writeFailover(accepted.failover(), null).onComplete(w -> {
      if (w.failed() || !w.result()) {
        ex.text(503, "failed to write failover key into DCS");
        return;
      }
      vertx.eventBus().send(Addresses.HA_WAKE, accepted.action() + " requested through the REST API");
      if (accepted.scheduled()) {
        ex.text(202, PyText.title(accepted.action()) + " scheduled");
        return;
      }
      int attempts = SwitchoverValidator.pollAttempts(cluster);
      poll(accepted, attempts).onSuccess(a -> ex.text(a.code(), a.text()));
    });
  }

  /** Polls the DCS every second, at most {@code attempts} times, until the leader changed or the key vanished. */
  private Future<ApiAnswer> poll(SwitchoverValidator.Accepted accepted, int attempts) {
    Promise<ApiAnswer> result = Promise.promise();
    String candidate = accepted.failover().candidate();
    int[] done = {0};
    boolean[] busy = {false};
    vertx.setPeriodic(pollIntervalMs, pollIntervalMs, timer -> {
      if (busy[0] || result.future().isComplete()) {
        return;
      }
      busy[0] = true;
      int attempt = ++done[0];
      dcs.loadCluster().onComplete(ar -> {
        busy[0] = false;
        ApiAnswer answer = null;
        if (ar.succeeded()) {
          answer = SwitchoverValidator.pollResult(ar.result(), accepted.currentLeader(), candidate,
              accepted.action());
        } else {
          LOG.debug("Exception occurred during polling {} result: {}", accepted.action(), ar.cause().getMessage());
        }
        if (answer == null && attempt >= attempts) {
          answer = SwitchoverValidator.unknownAfter(accepted.action(), (int) (attempts * pollIntervalMs / 1000));
        }
        if (answer != null) {
          vertx.cancelTimer(timer);
          result.tryComplete(answer);
        }
      });
    });
    return result.future();
  }

  /** True when at least one candidate's {@code GET /patroni} shows no failover limitation. */
  private Future<Boolean> anyFit(List<Member> candidates) {
    List<Future<Boolean>> checks = new ArrayList<>();
    for (Member m : candidates) {
      checks.add(fetchStatus(m).map(s -> SwitchoverValidator.limitation(s) == null));
    }
    Promise<Boolean> any = Promise.promise();
    Future.join(checks).onComplete(ar -> {
      for (Future<Boolean> c : checks) {
        if (c.succeeded() && c.result()) {
          any.tryComplete(true);
          return;
        }
      }
      any.tryComplete(false);
    });
    return any.future();
  }

  /** The member's status JSON, or null when it could not be reached or answered garbage. */
  @SuppressWarnings("unchecked")
  private Future<Map<String, Object>> fetchStatus(Member m) {
    if (m.apiUrl() == null) {
      return Future.succeededFuture(null);
    }
    RequestOptions options;
    try {
      options = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(m.apiUrl())
          .setTimeout(PEER_TIMEOUT_MS);
    } catch (RuntimeException e) {
      return Future.succeededFuture(null);
    }
    return peers.request(options)
        .compose(req -> req.send())
        .compose(resp -> resp.body())
        .map(body -> {
          try {
            Object v = RequestJson.MAPPER.readValue(body.getBytes(), Object.class);
            return v instanceof Map<?, ?> map ? (Map<String, Object>) map : null;
          } catch (java.io.IOException e) {
            return null;
          }
        })
        .otherwise(e -> {
          LOG.debug("could not fetch the status of {}: {}", m.name(), e.getMessage());
          return null;
        });
  }

  /** DELETE: clear a scheduled switchover with CAS on the key's version. */
  void delete(ApiExchange ex) {
    dcs.loadCluster().onComplete(ar -> {
      if (ar.failed()) {
        ClusterHandler.dcsFailed(ex, "DELETE /switchover", ar.cause());
        return;
      }
      Failover failover = ar.result().failover();
      if (failover == null || failover.scheduledAt() == null) {
        ex.text(404, "no switchover is scheduled");
        return;
      }
      dcs.writeFailover(null, failover.version()).onComplete(w -> {
        if (w.failed() || !w.result()) {
          ex.sendError(409);
        } else {
          ex.text(200, "scheduled switchover deleted");
        }
      });
    });
  }
}
