package io.vigil.watchdog;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.Promise;
import io.vigil.bus.Addresses;
import io.vigil.bus.NodeStatus;
import io.vigil.events.EventEmitter;
import io.vigil.events.EventType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds the watchdog from the HA loop's outcome, never from a timer: after each cycle published on
 * {@link Addresses#HA_CYCLE} that confirmed this node's leader key (Patroni's {@code update_lock} feeds it after a
 * successful leader-key write, {@code _handle_dcs_error} in failsafe mode), the device gets one keepalive. A loop
 * that stalls, or an agent that is frozen, publishes nothing, so the device fires ttl − safety_margin after the
 * last confirmed write, before the key can expire and a replica can promote.
 *
 * <p>A cycle that did not confirm the key while PostgreSQL is known not to run as a primary disarms a device still
 * armed (magic close): nothing writable is left to protect. The HA loop itself disarms it at the safe points of a
 * demotion and of a clean shutdown, once PostgreSQL has stopped. Every change of state is published as a
 * {@link EventType#WATCHDOG_CHANGED} event.
 */
public final class WatchdogVerticle extends AbstractVerticle {
  private static final Logger LOG = LoggerFactory.getLogger(WatchdogVerticle.class);

  private final Watchdog watchdog;
  private final EventEmitter events;

  public WatchdogVerticle(Watchdog watchdog, EventEmitter events) {
    this.watchdog = watchdog;
    this.events = events;
  }

  @Override
  public void start(Promise<Void> started) {
    watchdog.onChange(state -> {
      LOG.debug("watchdog {}: {}", state.state(), state.reason());
      events.emit(EventType.WATCHDOG_CHANGED, state.eventData());
    });
    vertx.eventBus().<NodeStatus>localConsumer(Addresses.HA_CYCLE, m -> onCycle(m.body()))
        .completion().onComplete(started);
  }

  /** One HA cycle's outcome. */
  void onCycle(NodeStatus status) {
    if (status.leaseConfirmed()) {
      watchdog.keepalive();
    } else if (watchdog.isRunning() && status.postgres() != null
        && !(status.postgres().running() && status.postgres().isPrimary())) {
      LOG.info("disabling the watchdog: this node does not hold the leader key and runs no primary");
      watchdog.disable();
    }
  }
}
