package io.vigil.runtime;

import io.vigil.postgres.PostgresState;

/**
 * What the log says about a standby leader and its remote primary (docs/standby-cluster.md §4): once when it stops
 * streaming, once when it streams again; nothing while nothing changes. The key is not at stake: PostgreSQL's WAL
 * receiver retries on its own.
 *
 * <p>A cycle's observation of PostgreSQL was made with the upstream the previous cycle set, so it is reported
 * against that one: when {@code standby_cluster} names a new remote, the line about the old one is not written
 * with the new one's name. The first cycle of a standby leader (its PostgreSQL still followed a member) and an
 * observation whose values are unknown (a failed state query, a server that is starting) say nothing.
 */
final class RemoteStreamingReport {
  /** A log line: a warning when streaming stopped, an information when it came back. */
  record Line(boolean warning, String text) {}

  /** The upstream set by the standby leader's previous cycle, as the log names it; null in its first cycle. */
  private String following;
  private boolean notStreamingSaid;

  /**
   * The line to log for this cycle's observation of the standby leader's PostgreSQL, or null; then remembers
   * {@code from} as what the next observation is about.
   *
   * @param from who it follows from now on, as the log names it (the remote primary's hosts and ports, or the WAL
   *     archive)
   */
  Line observe(PostgresState observed, String from) {
    String about = following;
    following = from;
    if (about == null || observed == null || !observed.running() || observed.queryFailed()
        || !"running".equals(observed.state()) || !observed.inRecovery()) {
      return null;
    }
    boolean streaming = "streaming".equals(observed.replicationState());
    Line line = null;
    if (!streaming && !notStreamingSaid) {
      line = new Line(true, "standby leader is not streaming from " + about + " (replication state: "
          + (observed.replicationState() == null ? "none" : observed.replicationState())
          + "); PostgreSQL keeps retrying");
    } else if (streaming && notStreamingSaid) {
      line = new Line(false, "standby leader streams from " + about + " again");
    }
    notStreamingSaid = !streaming;
    return line;
  }

  /** The node is no longer the standby leader: a later term starts with nothing said. */
  void forget() {
    following = null;
    notStreamingSaid = false;
  }
}
