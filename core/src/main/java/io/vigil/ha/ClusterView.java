package io.vigil.ha;

import io.vigil.cluster.Cluster;
import java.util.Map;
import java.util.Set;

/**
 * What the HA loop knows about the cluster this cycle.
 *
 * <p>The loop builds it as Patroni's {@code load_cluster_from_dcs} does (docs/ha-rules.md §2.1 step 2): when the cluster is
 * unlocked and failsafe mode is on, the leader learned from a recent {@code POST /failsafe} (valid for ttl
 * seconds) is injected into {@link #cluster()} so that replicas keep following it.
 *
 * @param cluster this cycle's snapshot; when the DCS did not answer, the last snapshot read successfully (null
 *     if none was ever read)
 * @param dcsReachable whether {@code loadCluster()} answered this cycle
 * @param lastLeaderCluster the last snapshot that had a leader (Patroni's {@code old_cluster}); its members
 *     take part in the leader race even when their keys have expired since. May be null
 * @param peers member name → its {@code GET /patroni} answer, gathered only when
 *     {@link HaEngine#peerStatusesNeeded} asks for them; a member missing here was not asked
 * @param failsafeAcks names of the members that answered {@code POST /failsafe} with 200 {@code Accepted};
 *     gathered only when {@link HaEngine#failsafeProbeNeeded} asks; null when not probed
 */
public record ClusterView(
    Cluster cluster,
    boolean dcsReachable,
    Cluster lastLeaderCluster,
    Map<String, PeerStatus> peers,
    Set<String> failsafeAcks) {

  public ClusterView {
    peers = peers == null ? Map.of() : Map.copyOf(peers);
    failsafeAcks = failsafeAcks == null ? null : Set.copyOf(failsafeAcks);
  }

  /** A successful read with nothing else gathered. */
  public static ClusterView of(Cluster cluster) {
    return new ClusterView(cluster, true, cluster.isUnlocked() ? null : cluster, Map.of(), null);
  }

  /** The DCS did not answer; {@code lastKnown} is the last snapshot read, or null. */
  public static ClusterView unreachable(Cluster lastKnown) {
    return new ClusterView(lastKnown, false, lastKnown, Map.of(), null);
  }

  public ClusterView withPeers(Map<String, PeerStatus> newPeers) {
    return new ClusterView(cluster, dcsReachable, lastLeaderCluster, newPeers, failsafeAcks);
  }

  public ClusterView withFailsafeAcks(Set<String> acks) {
    return new ClusterView(cluster, dcsReachable, lastLeaderCluster, peers, acks);
  }

  public ClusterView withLastLeaderCluster(Cluster old) {
    return new ClusterView(cluster, dcsReachable, old, peers, failsafeAcks);
  }
}
