package io.vigil.dcs;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vigil.cluster.Cluster;
import io.vigil.cluster.Failover;
import io.vigil.cluster.Failsafe;
import io.vigil.cluster.Status;
import io.vigil.cluster.SyncState;
import io.vigil.cluster.TimelineHistory;
import java.util.Map;

/**
 * One cluster's keys in a distributed configuration store, as Patroni lays them out (docs/dcs-layout.md). Methods are
 * listed by how much the safety of the cluster depends on them, as in Patroni's AbstractDCS.
 *
 * <p>Every method returns a {@link Future} completed on the caller's Vert.x context and never blocks it. Every
 * call finishes within the current {@code retry_timeout} (see {@link #setTiming}). Failures are one of:
 * <ul>
 *   <li>{@link DcsUnavailableException}: the store could not be asked or did not answer in time; the caller
 *       cannot know whether a write happened (timeouts, connection refused, no quorum, auth errors);</li>
 *   <li>{@link DcsDataException}: only from calls that parse one value the caller asked for.</li>
 * </ul>
 * A lost race or a failed compare-and-set is a {@code false} result, never an error: "someone else won" and
 * "the DCS is down" are different situations for the HA loop.
 */
public interface Dcs {

  /**
   * The whole cluster under {@code /<namespace>/<scope>/}. A malformed value is logged once (key and reason)
   * and read as absent; it never fails the call. Backends with a watch may answer from their cache, which is
   * at least as fresh as the last watch event delivered.
   */
  Future<Cluster> loadCluster();

  /**
   * The whole cluster read once from the store itself, for a one-shot client such as vigilctl that asks once and
   * exits: a backend whose {@link #loadCluster()} first arms a watch cache skips it here (a watch is pure cost to
   * a command that reads once). Same contract otherwise.
   */
  default Future<Cluster> readCluster() {
    return loadCluster();
  }

  /**
   * Creates the {@code leader} key with this member's name, held by this agent's lease/session, only if no
   * leader key exists. {@code true} means this agent now holds the key.
   */
  Future<Boolean> acquireLeaderKey();

  /**
   * Keeps the leader key alive for another ttl (lease keepalive / session ping, rewriting the key only when it
   * is not attached to the current lease). {@code false} means the key is not ours any more: demote.
   */
  Future<Boolean> renewLeaderKey();

  /**
   * Writes the leader key unconditionally (used right after this node bootstrapped the cluster).
   */
  Future<Void> takeLeaderKey();

  /**
   * Deletes the leader key only if it holds this member's name. {@code false} when it was not ours or already
   * gone. Backends whose release ends the session (ZooKeeper) also drop this member's key, as Patroni does.
   */
  Future<Boolean> releaseLeaderKey();

  /** Writes {@code members/<name>} with this agent's lease/session (skipped when unchanged). */
  Future<Void> touchMember(Map<String, Object> data);

  /**
   * Writes {@code initialize}. With {@code createOnly} the write happens only if the key is absent (the
   * bootstrap race); {@code false} then means another node won.
   */
  Future<Boolean> initialize(String systemId, boolean createOnly);

  /** Deletes {@code initialize} after a failed bootstrap so that another node may try. */
  Future<Void> cancelInitialization();

  /**
   * Writes {@code config}. With {@code expectedVersion} non-null the write happens only if the key still has that
   * version; {@code false} on a conflict.
   */
  Future<Boolean> writeConfig(Map<String, Object> config, Long expectedVersion);

  /** Writes {@code failover}; a null {@code failover} clears it by writing {@code {}}. CAS as writeConfig. */
  Future<Boolean> writeFailover(Failover failover, Long expectedVersion);

  /** Writes {@code sync}; CAS as writeConfig. */
  Future<Boolean> writeSyncState(SyncState sync, Long expectedVersion);

  /** Removes {@code sync} (ZooKeeper writes {@code {}}); CAS as writeConfig. */
  Future<Boolean> deleteSyncState(Long expectedVersion);

  Future<Void> writeHistory(TimelineHistory history);

  /** Writes {@code status}; the leader calls it only when the value changed. */
  Future<Void> writeStatus(Status status);

  Future<Void> writeFailsafe(Failsafe failsafe);

  /** Removes every key under the cluster's prefix ({@code vigilctl remove}). */
  Future<Void> deleteCluster();

  /**
   * Registers the one listener told, on the Vert.x context that created this Dcs, whenever the leader key
   * changes or disappears, {@code config} changes, or (for non-leaders) {@code status} gets a new value. The
   * event carries no snapshot: the listener calls {@link #loadCluster()}.
   */
  void watch(Handler<DcsChange> listener);

  /**
   * Applies new timings from {@code /config}. A changed ttl makes a new lease or session for the keys written
   * from then on.
   */
  void setTiming(DcsTiming timing);

  /** Releases resources (watch, lease keepalive, sessions). Does not delete the leader key. */
  Future<Void> close();

  /** What a watch saw. */
  enum DcsChange {
    LEADER_CHANGED, CONFIG_CHANGED, STATUS_CHANGED, OTHER
  }
}
