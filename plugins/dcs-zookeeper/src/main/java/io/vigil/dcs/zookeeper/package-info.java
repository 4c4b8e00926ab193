/**
 * The {@code zookeeper:} DCS plugin over Curator: {@link io.vigil.dcs.zookeeper.ZooKeeperDcsFactory} (found by
 * ServiceLoader) creates {@link io.vigil.dcs.zookeeper.ZooKeeperDcs}, Patroni's ZooKeeper backend with ephemeral
 * leader and member znodes held by the agent's session ({@code ZooKeeperSession}), versioned compare-and-set
 * writes and a recursive watch. {@link io.vigil.dcs.zookeeper.EmbeddedZooKeeper} runs a server inside the agent
 * for the demo. See docs/dcs-layout.md §1.7.
 */
package io.vigil.dcs.zookeeper;
