/**
 * The DCS service-provider interface. {@link io.vigil.dcs.Dcs} is one cluster's keys in a distributed
 * configuration store: load the cluster, take, renew and release the leader key, write the member key, the
 * compare-and-set writes, and the watch. Every call returns a future bounded by {@code retry_timeout}; a store that
 * cannot be asked is a {@link io.vigil.dcs.DcsUnavailableException}, a lost race is a {@code false} result.
 * Backends are plugins: a {@link io.vigil.dcs.DcsFactory} listed in {@code META-INF/services}, found by
 * {@link io.vigil.dcs.DcsPlugins} from the configuration's section name. Shared by all backends:
 * {@link io.vigil.dcs.DcsKeys} (the key layout) and {@link io.vigil.dcs.ClusterReader} (keys to a
 * {@code Cluster}). See docs/dcs-layout.md.
 */
package io.vigil.dcs;
