package io.vigil.clustertest;

import java.io.IOException;

/** A real DCS server the test cluster's agents use; stoppable to cause an outage. */
interface DcsServer extends AutoCloseable {
  /** The config section for the agents, in Patroni's YAML, e.g. {@code etcd3:\n  hosts: 127.0.0.1:2379}. */
  String configSection();

  /**
   * The config section for the {@code index}-th node of the cluster; a server that gives each node a client port
   * of its own (so one node can be cut off alone) names that port here.
   */
  default String configSection(int index) {
    return configSection();
  }

  /** The client port the {@code index}-th node uses, to cut that node alone off the DCS. */
  default int clientPortOf(int index) {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " has no client port per node");
  }

  void start() throws IOException;

  void stop();

  @Override
  void close();
}
