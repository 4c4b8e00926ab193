package io.vigil.clustertest;

import java.io.IOException;

/** A real DCS server the test cluster's agents use; stoppable to cause an outage. */
interface DcsServer extends AutoCloseable {
  /** The config section for the agents, in Patroni's YAML, e.g. {@code etcd3:\n  hosts: 127.0.0.1:2379}. */
  String configSection();

  void start() throws IOException;

  void stop();

  @Override
  void close();
}
