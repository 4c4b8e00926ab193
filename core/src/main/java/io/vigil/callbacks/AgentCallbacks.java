package io.vigil.callbacks;

import io.vertx.core.Future;
import io.vigil.cluster.Cluster;
import io.vigil.config.Settings;

/**
 * The hooks the runtime calls at Patroni's callback moments (docs/callbacks.md §1.2). Every method returns at once;
 * none blocks the HA loop.
 */
public interface AgentCallbacks {

  /** Does nothing: the agent runs without the callbacks module. */
  AgentCallbacks NONE = new AgentCallbacks() {
    @Override
    public void script(ScriptAction action, String role) {}

    @Override
    public Future<Boolean> allowPromotion() {
      return Future.succeededFuture(true);
    }

    @Override
    public void clusterSeen(Cluster cluster) {}

    @Override
    public void reloaded(Settings fresh) {}

    @Override
    public Future<Void> close() {
      return Future.succeededFuture();
    }
  };

  /**
   * Starts the configured script for {@code action} with Patroni's arguments {@code <action> <role> <scope>},
   * without waiting for it; a script still running in the same slot is killed first.
   *
   * @param role Patroni's role name: primary, replica, standby_leader
   */
  void script(ScriptAction action, String role);

  /** The plugins' {@code pre_promote} veto; completes with false when one of them refuses. Never fails. */
  Future<Boolean> allowPromotion();

  /** The cluster snapshot of the cycle being acted on, for the plugins' read-only view. */
  void clusterSeen(Cluster cluster);

  /** The local configuration was re-read (and validated): use its script commands from now on. */
  void reloaded(Settings fresh);

  /** Stops the plugins; a running script is left to finish, as Patroni does on exit. */
  Future<Void> close();
}
