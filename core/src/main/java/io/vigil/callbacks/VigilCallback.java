package io.vigil.callbacks;

import io.vertx.core.Future;
import io.vigil.events.VigilEvent;

/**
 * What a platform team implements to react to an agent's events in Java: list the class in
 * {@code META-INF/services/io.vigil.callbacks.VigilCallback} and put the jar on the agent's class path or in
 * {@code callbacks.plugin_dir} (docs/callbacks.md §2).
 *
 * <p>Calls never come from the HA loop's thread: each plugin has a thread of its own, receives events one at a
 * time in sequence order, and must finish each call before {@link CallbackContext#deadline()}. A call that throws,
 * fails or misses its deadline is logged and abandoned (its thread is interrupted); the agent carries on.
 */
public interface VigilCallback {

  /** The name used in logs and as the key of this plugin's settings under {@code callbacks.plugins}. */
  default String name() {
    return getClass().getName();
  }

  /**
   * Called once per event, in sequence order: the same events a tap sees (docs/events.md). Return a future that
   * completes when the work is done (a plain {@code Future.succeededFuture()} for synchronous work).
   */
  Future<Void> onEvent(VigilEvent event, CallbackContext context);

  /**
   * The {@code pre_promote} veto: called after this node took the leader key and before it promotes. Complete with
   * false to cancel the promotion: the node then releases the leader key and sits out the next race for ttl
   * seconds, as for a failing {@code pre_promote} script (patroni/ha.py). Throwing, failing or missing the deadline
   * also cancels, because a fence that cannot answer must not be taken for a yes. The default allows.
   */
  default Future<Boolean> allowPromotion(CallbackContext context) {
    return Future.succeededFuture(true);
  }
}
