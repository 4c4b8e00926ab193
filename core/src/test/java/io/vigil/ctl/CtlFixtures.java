package io.vigil.ctl;

import io.vigil.cluster.Cluster;
import io.vigil.cluster.ClusterConfig;
import io.vigil.cluster.Leader;
import io.vigil.cluster.Member;
import io.vigil.cluster.Status;
import io.vigil.cluster.SyncState;
import io.vigil.cluster.TimelineHistory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Cluster snapshots named after the situation they show. */
final class CtlFixtures {
  static final long OPTIME = 0x4140028L;

  private CtlFixtures() {}

  /** A port nobody listens on right now: api_urls of members whose agent is down. */
  static int closedPort() {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static Map<String, Object> map(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  static Member member(String name, int pgPort, int apiPort, Object... extra) {
    Map<String, Object> data = map("conn_url", "postgres://127.0.0.1:" + pgPort + "/postgres",
        "api_url", "http://127.0.0.1:" + apiPort + "/patroni", "state", "running", "role", "replica",
        "version", "4.0.4", "timeline", 4);
    for (int i = 0; i < extra.length; i += 2) {
      data.put((String) extra[i], extra[i + 1]);
    }
    return new Member(name, 1, null, data);
  }

  /** The config the 3.0.2 samples show. */
  static Map<String, Object> sampleConfig() {
    return map("ttl", 30, "loop_wait", 10, "retry_timeout", 10, "maximum_lag_on_failover", 1048576,
        "synchronous_mode", false, "postgresql", map("use_pg_rewind", true, "use_slots", true, "parameters",
            map("wal_level", "replica", "hot_standby", "on", "max_wal_senders", 10, "max_replication_slots", 10,
                "wal_log_hints", "on", "max_connections", 100)));
  }

  static TimelineHistory sampleHistory() {
    return new TimelineHistory(7, List.of(
        new TimelineHistory.Line(1, 67299200, "no recovery target specified", "2026-11-21T04:56:50.313697+00:00", "pg3"),
        new TimelineHistory.Line(2, 67319168, "no recovery target specified", "2026-11-21T04:57:31.845697+00:00", "pg1"),
        new TimelineHistory.Line(3, 67347608, "no recovery target specified", "2026-11-21T04:58:13.393697+00:00", "pg3")));
  }

  /**
   * anchor: pg3 leads on 5434; pg1 streams at the leader's optime; pg2 is the sync standby replaying from the
   * archive 1 MB behind; synchronous mode and maintenance mode on.
   */
  static Cluster anchorInSyncModePaused() {
    Map<String, Object> config = sampleConfig();
    config.put("synchronous_mode", true);
    config.put("pause", true);
    Member pg1 = member("pg1", 5432, 8008, "replication_state", "streaming", "receive_lsn", OPTIME,
        "replay_lsn", OPTIME, "xlog_location", OPTIME);
    Member pg2 = member("pg2", 5433, 8009, "replication_state", "in archive recovery",
        "replay_lsn", OPTIME - 1048576, "xlog_location", OPTIME - 1048576);
    Member pg3 = member("pg3", 5434, 8010, "role", "primary", "xlog_location", OPTIME);
    return new Cluster("7710484112634925804", new ClusterConfig(11, config), new Leader(5, "lease", pg3),
        new Status(OPTIME, null, null), List.of(pg2, pg3, pg1), null, new SyncState(3, "pg3", List.of("pg2"), null),
        sampleHistory(), null);
  }

  /**
   * anchor without pause and sync, as the 3.0.2 samples: leader pg3, replicas pg1 and pg2 streaming; no agent
   * answers on the api_urls.
   */
  static Cluster anchor() {
    Member pg1 = member("pg1", 5432, closedPort(), "replication_state", "streaming", "receive_lsn", OPTIME,
        "replay_lsn", OPTIME);
    Member pg2 = member("pg2", 5433, closedPort(), "replication_state", "streaming", "receive_lsn", OPTIME,
        "replay_lsn", OPTIME);
    Member pg3 = member("pg3", 5434, closedPort(), "role", "primary");
    return new Cluster("7710484112634925804", new ClusterConfig(11, sampleConfig()), new Leader(5, "lease", pg3),
        new Status(OPTIME, null, null), List.of(pg1, pg2, pg3), null, null, sampleHistory(), null);
  }
}
