/**
 * The {@code etcd3:} DCS plugin over jetcd: {@link io.vigil.dcs.etcd.EtcdDcsFactory} (found by ServiceLoader)
 * creates {@code EtcdDcs}, Patroni's etcd v3 backend with one lease per agent ({@code LeaseKeeper}), transactions
 * for the leader key and compare-and-set writes, and a watch cache of the cluster prefix ({@code WatchCache}).
 * {@code EtcdConnection} bounds every call by {@code retry_timeout}. See docs/dcs-layout.md §1.4.
 */
package io.vigil.dcs.etcd;
