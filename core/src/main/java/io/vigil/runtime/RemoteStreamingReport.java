package io.vigil.runtime;

import io.vigil.postgres.PostgresState;

/**
 * What the log says about a standby leader and its remote primary (docs/standby-cluster.md §4): once when it stops
 * streaming, once when it streams again; nothing while nothing changes. The key is not at stake: PostgreSQL's WAL
 * receiver retries on its own. An observation whose values are unknown (a failed state query, a server that is
 * starting) changes nothing.
 */
final class RemoteStreamingReport {
  /** A log line: a warning when streaming stopped, an information when it came back. */
  record Line(boolean warning, String text) {}

  private boolean notStreamingSaid;

  /**
   * The line to log for this cycle's observation of the standby leader's PostgreSQL, or null.
   *
   * @param from who it follows, as the log names it (the remote primary's hosts and ports, or the WAL archive)
   */
  Line observe(PostgresState observed, String from) {
    if (observed == null || !observed.running() || observed.queryFailed() || !"running".equals(observed.state())
        || !observed.inRecovery()) {
      return null;
    }
    boolean streaming = "streaming".equals(observed.replicationState());
    Line line = null;
    if (!streaming && !notStreamingSaid) {
      line = new Line(true, "standby leader is not streaming from " + from + " (replication state: "
          + (observed.replicationState() == null ? "none" : observed.replicationState())
          + "); PostgreSQL keeps retrying");
    } else if (streaming && notStreamingSaid) {
      line = new Line(false, "standby leader streams from " + from + " again");
    }
    notStreamingSaid = !streaming;
    return line;
  }

  /** The node is no longer the standby leader: a later term starts with nothing said. */
  void forget() {
    notStreamingSaid = false;
  }
}
