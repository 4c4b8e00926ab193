package io.vigil.api;

import io.vigil.patroni.ConfigPatch;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vigil.bus.Addresses;
import io.vigil.cluster.Cluster;
import io.vigil.dcs.Dcs;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /cluster}, {@code GET /history}, {@code GET|PATCH|PUT /config}, {@code GET /failsafe}. Reads that
 * Patroni answers from a fresh DCS read do the same; a DCS failure answers 503 (Patroni drops the connection).
 */
final class ClusterHandler {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterHandler.class);
  private final ApiState state;
  private final Dcs dcs;
  private final EventBus bus;

  ClusterHandler(ApiState state, Dcs dcs, EventBus bus) {
    this.state = state;
    this.dcs = dcs;
    this.bus = bus;
  }

  void cluster(ApiExchange ex) {
    dcs.loadCluster().onComplete(ar -> {
      if (ar.failed()) {
        dcsFailed(ex, "GET /cluster", ar.cause());
      } else {
        ex.json(200, ClusterBodies.cluster(ar.result(), state.scope));
      }
    });
  }

  void history(ApiExchange ex) {
    cachedOrFresh().onComplete(ar -> {
      if (ar.failed()) {
        dcsFailed(ex, "GET /history", ar.cause());
      } else {
        ex.json(200, ClusterBodies.history(ar.result()));
      }
    });
  }

  void config(ApiExchange ex) {
    cachedOrFresh().onComplete(ar -> {
      if (ar.failed()) {
        dcsFailed(ex, "GET /config", ar.cause());
      } else if (ar.result().config() != null) {
        // a key that was read is there, whatever its version: ZooKeeper creates every znode at version 0
        // (Patroni's api.py do_GET_config tests only cluster.config)
        ex.json(200, ar.result().config().data());
      } else {
        ex.sendError(502);
      }
    });
  }

  void failsafe(ApiExchange ex) {
    NodeView view = NodeView.of(state.latest(), state.clock);
    Cluster c = state.lastCluster();
    if (view.failsafeMode() && c != null && c.failsafe() != null) {
      ex.json(200, c.failsafe().members());
    } else {
      ex.sendError(502);
    }
  }

  /** PATCH: merge with null deleting keys, CAS on the config version; 409 when someone else wrote first. */
  void patch(ApiExchange ex) {
    ex.readJson(false).onSuccess(request -> {
      if (request == null) {
        return;
      }
      dcs.loadCluster().onComplete(ar -> {
        if (ar.failed()) {
          dcsFailed(ex, "PATCH /config", ar.cause());
          return;
        }
        Cluster cluster = ar.result();
        if (cluster.config() == null) {
          ex.sendError(503);
          return;
        }
        Map<String, Object> data = ConfigPatch.deepCopy(cluster.config().data());
        Future<Boolean> written = ConfigPatch.patch(data, request)
            ? dcs.writeConfig(data, cluster.config().version())
            : Future.succeededFuture(true);
        written.onComplete(w -> {
          if (w.failed()) {
            dcsFailed(ex, "PATCH /config", w.cause());
          } else if (!w.result()) {
            ex.sendError(409);
          } else {
            bus.send(Addresses.HA_WAKE, "config patched through the REST API");
            ex.json(200, data);
          }
        });
      });
    });
  }

  /** PUT: replace unconditionally (skipped when equal); 502 when the write fails. */
  void put(ApiExchange ex) {
    ex.readJson(false).onSuccess(request -> {
      if (request == null) {
        return;
      }
      dcs.loadCluster().onComplete(ar -> {
        if (ar.failed()) {
          dcsFailed(ex, "PUT /config", ar.cause());
          return;
        }
        Cluster cluster = ar.result();
        if (cluster.config() != null && ConfigPatch.deepCompare(request, cluster.config().data())) {
          ex.json(200, request);
          return;
        }
        dcs.writeConfig(request, null).onComplete(w -> {
          if (w.failed() || !w.result()) {
            ex.sendError(502);
          } else {
            ex.json(200, request);
          }
        });
      });
    });
  }

  /** Patroni's {@code dcs.cluster or dcs.get_cluster()}: the last cycle's snapshot while valid, else a read. */
  private Future<Cluster> cachedOrFresh() {
    NodeView view = NodeView.of(state.latest(), state.clock);
    return view.cluster() != null ? Future.succeededFuture(view.cluster()) : dcs.loadCluster();
  }

  static void dcsFailed(ApiExchange ex, String what, Throwable cause) {
    LOG.warn("{}: DCS is not accessible: {}", what, cause.getMessage());
    ex.sendError(503);
  }
}
