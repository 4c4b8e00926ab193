package io.vigil.bus;

import io.vigil.cluster.Cluster;
import io.vigil.dcs.Dcs;

/**
 * A cluster snapshot the DCS watch loaded, published on {@link Addresses#DCS_CLUSTER}.
 *
 * @param cluster the keys as the DCS answered
 * @param watchChange what the DCS watch saw that made it load this snapshot; null for the snapshot it loads after
 *     each HA cycle to notice member changes (those wake nobody)
 */
public record ClusterSnapshot(Cluster cluster, Dcs.DcsChange watchChange) {}
