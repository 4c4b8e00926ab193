/**
 * The cluster as one immutable snapshot of its DCS keys: {@link io.vigil.cluster.Cluster} with its
 * {@link io.vigil.cluster.Member}s, {@link io.vigil.cluster.Leader}, {@link io.vigil.cluster.ClusterConfig},
 * {@link io.vigil.cluster.Status}, {@link io.vigil.cluster.SyncState}, {@link io.vigil.cluster.Failover},
 * {@link io.vigil.cluster.Failsafe} and {@link io.vigil.cluster.TimelineHistory}. {@link io.vigil.cluster.PatroniJson}
 * reads and writes every value exactly as Patroni does (docs/dcs-layout.md §1.1-1.2, examples in
 * docs/patroni-formats.md). Pure values: no I/O.
 */
package io.vigil.cluster;
