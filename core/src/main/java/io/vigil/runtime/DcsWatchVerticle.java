package io.vigil.runtime;

import io.vertx.core.AbstractVerticle;
import io.vigil.bus.Addresses;
import io.vigil.bus.ClusterSnapshot;
import io.vigil.cluster.Cluster;
import io.vigil.dcs.Dcs;
import io.vigil.dcs.Dcs.DcsChange;
import io.vigil.events.EventEmitter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the DCS client's watch. When the watch reports a change (leader key, {@code /config}, {@code /status}) it
 * loads the cluster and publishes the snapshot on {@link Addresses#DCS_CLUSTER}, which wakes the HA loop; after
 * each HA cycle ({@link Addresses#HA_CYCLE}) it loads once more, because member keys come and go without a watch
 * event. Every snapshot is compared with the previous one and what changed is emitted as events
 * ({@link ClusterChanges}).
 *
 * <p>Loads run one at a time, so snapshots are compared in the order they were read; a trigger during a load
 * loads again right after it. A load that fails after a watch event still wakes the loop
 * ({@link Addresses#HA_WAKE}), which then meets the DCS failure itself. The HA loop keeps reading the cluster
 * at the start of every cycle, as Patroni does: these snapshots never replace that read.
 */
public final class DcsWatchVerticle extends AbstractVerticle {
  private static final Logger LOG = LoggerFactory.getLogger(DcsWatchVerticle.class);

  private final Dcs dcs;
  private final EventEmitter events;
  private Cluster last;
  private boolean loading;
  private boolean reloadPending;
  /** The watch change seen while a load was running; null when none (a reload after a cycle only). */
  private DcsChange pendingChange;

  public DcsWatchVerticle(Dcs dcs, EventEmitter events) {
    this.dcs = dcs;
    this.events = events;
  }

  @Override
  public void start() {
    vertx.eventBus().localConsumer(Addresses.HA_CYCLE, m -> load(null));
    dcs.watch(change -> context.runOnContext(v -> load(change)));
  }

  /** @param change what the watch saw, null for the load after an HA cycle */
  private void load(DcsChange change) {
    if (loading) {
      reloadPending = true;
      if (pendingChange == null) {
        pendingChange = change;
      }
      return;
    }
    loading = true;
    dcs.loadCluster().onComplete(ar -> context.runOnContext(v -> {
      loading = false;
      if (ar.succeeded()) {
        seen(ar.result(), change);
      } else if (change != null) {
        LOG.debug("could not load the cluster after a watch event ({}): {}", change, ar.cause().getMessage());
        vertx.eventBus().send(Addresses.HA_WAKE, "DCS: " + change);
      }
      if (reloadPending) {
        DcsChange next = pendingChange;
        reloadPending = false;
        pendingChange = null;
        load(next);
      }
    }));
  }

  private void seen(Cluster cluster, DcsChange change) {
    Cluster previous = last;
    last = cluster;
    ClusterChanges.between(previous, cluster).forEach(events::emit);
    if (change != null || !cluster.equals(previous)) {
      vertx.eventBus().publish(Addresses.DCS_CLUSTER, new ClusterSnapshot(cluster, change));
    }
  }
}
