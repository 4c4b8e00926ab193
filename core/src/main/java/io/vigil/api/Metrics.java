package io.vigil.api;

import io.vigil.patroni.PyText;
import io.vigil.bus.NodeStatus;
import io.vigil.cluster.Cluster;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /metrics}: Prometheus text with Patroni's metric names, HELP lines, types and labels (docs/rest-api.md §3.5),
 * computed from the last published status. Metrics only Vigil has are prefixed {@code vigil_}.
 */
final class Metrics {
  private Metrics() {}

  /** Member states in Patroni's order; {@code patroni_postgres_state} is the index (docs/dcs-layout.md §1.2). */
  static final List<String> STATES = List.of("initializing new cluster", "initdb failed",
      "running custom bootstrap script", "custom bootstrap failed", "creating replica", "running", "starting",
      "starting after custom bootstrap", "start failed", "restarting", "restart failed", "stopping", "stopped",
      "stop failed", "crashed");

  static String render(NodeView view, Map<String, Object> postgres, String patroniVersion, long nowMonotonicMillis) {
    NodeStatus s = view.status();
    String labels = "{scope=\"" + escape(s.scope()) + "\",name=\"" + escape(s.name()) + "\"}";
    StringBuilder m = new StringBuilder(4096);
    Map<?, ?> xlog = postgres.get("xlog") instanceof Map<?, ?> x ? x : Map.of();
    Object role = postgres.get("role");

    metric(m, "patroni_version", "Patroni semver without periods.", "gauge", labels, paddedVersion(patroniVersion));
    metric(m, "patroni_postgres_running", "Value is 1 if Postgres is running, 0 otherwise.", "gauge", labels,
        flag("running".equals(postgres.get("state"))));
    OffsetDateTime start = postgres.get("postmaster_start_time") instanceof String t ? PyText.pgTimestamp(t) : null;
    metric(m, "patroni_postmaster_start_time", "Epoch seconds since Postgres started.", "gauge", labels,
        start == null ? "0" : PyText.epochSeconds(start));
    metric(m, "patroni_primary", "Value is 1 if this node is the leader, 0 otherwise.", "gauge", labels,
        flag("primary".equals(role)));
    metric(m, "patroni_xlog_location",
        "Current location of the Postgres transaction log, 0 if this node is not the leader.", "counter", labels,
        number(xlog.get("location")));
    metric(m, "patroni_standby_leader", "Value is 1 if this node is the standby_leader, 0 otherwise.", "gauge",
        labels, flag("standby_leader".equals(role)));
    metric(m, "patroni_replica", "Value is 1 if this node is a replica, 0 otherwise.", "gauge", labels,
        flag("replica".equals(role)));
    metric(m, "patroni_sync_standby", "Value is 1 if this node is a sync standby, 0 otherwise.", "gauge", labels,
        flag(Boolean.TRUE.equals(postgres.get("sync_standby"))));
    metric(m, "patroni_quorum_standby", "Value is 1 if this node is a quorum standby, 0 otherwise.", "gauge",
        labels, flag(Boolean.TRUE.equals(postgres.get("quorum_standby"))));
    metric(m, "patroni_xlog_received_location",
        "Current location of the received Postgres transaction log, 0 if this node is not a replica.", "counter",
        labels, number(xlog.get("received_location")));
    metric(m, "patroni_xlog_replayed_location",
        "Current location of the replayed Postgres transaction log, 0 if this node is not a replica.", "counter",
        labels, number(xlog.get("replayed_location")));
    OffsetDateTime replayed = xlog.get("replayed_timestamp") instanceof String t ? PyText.pgTimestamp(t) : null;
    metric(m, "patroni_xlog_replayed_timestamp",
        "Current timestamp of the replayed Postgres transaction log, 0 if null.", "gauge", labels,
        replayed == null ? "0" : PyText.epochSeconds(replayed));
    metric(m, "patroni_xlog_paused", "Value is 1 if the Postgres xlog is paused, 0 otherwise.", "gauge", labels,
        flag(Boolean.TRUE.equals(xlog.get("paused"))));
    long serverVersion = postgres.get("server_version") instanceof Number n ? n.longValue() : 0;
    if (serverVersion >= 90600) {
      metric(m, "patroni_postgres_streaming", "Value is 1 if Postgres is streaming, 0 otherwise.", "gauge", labels,
          flag("streaming".equals(postgres.get("replication_state"))));
      metric(m, "patroni_postgres_in_archive_recovery",
          "Value is 1 if Postgres is replicating from archive, 0 otherwise.", "gauge", labels,
          flag("in archive recovery".equals(postgres.get("replication_state"))));
    }
    // Patroni prints a space between this name and its labels; scrapers accept it and dashboards match on it
    metric(m, "patroni_postgres_server_version", "Version of Postgres (if running), 0 otherwise.", "gauge",
        " " + labels, Long.toString(serverVersion));
    metric(m, "patroni_cluster_unlocked", "Value is 1 if the cluster is unlocked, 0 if locked.", "gauge", labels,
        flag(Boolean.TRUE.equals(postgres.get("cluster_unlocked"))));
    metric(m, "patroni_failsafe_mode_is_active", "Value is 1 if failsafe mode is active, 0 if inactive.", "gauge",
        labels, flag(Boolean.TRUE.equals(postgres.get("failsafe_mode_is_active"))));
    metric(m, "patroni_failsafe_mode_enabled", "Value is 1 if failsafe mode is enabled, 0 otherwise.", "gauge",
        labels, flag(view.failsafeMode()));
    Cluster snapshot = s.cluster();
    boolean failsafeMember = snapshot != null && snapshot.failsafe() != null
        && snapshot.failsafe().members().containsKey(s.name());
    metric(m, "patroni_failsafe_member", "Value is 1 if this node is a member of the failsafe topology, 0 otherwise.",
        "gauge", labels, flag(failsafeMember));
    metric(m, "patroni_postgres_timeline", "Postgres timeline of this node (if running), 0 otherwise.", "counter",
        labels, number(postgres.get("timeline")));
    metric(m, "patroni_dcs_last_seen", "Epoch timestamp when DCS was last contacted successfully by Patroni.",
        "gauge", labels, number(postgres.get("dcs_last_seen")));
    boolean pending = s.postgres() != null
        && (s.postgres().pendingRestart() || !s.postgres().pendingRestartReason().isEmpty());
    metric(m, "patroni_pending_restart", "Value is 1 if the node needs a restart, 0 otherwise.", "gauge", labels,
        flag(pending));
    metric(m, "patroni_is_paused", "Value is 1 if auto failover is disabled, 0 otherwise.", "gauge", labels,
        flag(Boolean.TRUE.equals(postgres.get("pause"))));
    metric(m, "patroni_failover_priority", "Value of the failover_priority tag, 0 if the node cannot be promoted.",
        "gauge", labels, Integer.toString(s.tags() == null ? 1 : s.tags().failoverPriority()));

    m.append("# HELP patroni_postgres_state Numeric representation of Postgres state.\n");
    m.append("# Values: ");
    for (int i = 0; i < STATES.size(); i++) {
      m.append(i == 0 ? "" : ", ").append(i).append('=').append(STATES.get(i).replace(' ', '_'));
    }
    m.append('\n');
    m.append("# TYPE patroni_postgres_state gauge\n");
    m.append("patroni_postgres_state").append(labels).append(' ')
        .append(STATES.indexOf(String.valueOf(postgres.get("state")))).append('\n');

    double age = Math.max(0, nowMonotonicMillis - s.lastCycleMonotonicMillis()) / 1000.0;
    metric(m, "vigil_ha_cycle_age_seconds", "Seconds since the HA loop last finished a cycle.", "gauge", labels,
        PyText.floatRepr(age));
    return m.toString();
  }

  /**
   * Vigil's event taps (README "Event taps"): connected taps per kind and taps dropped per kind and reason, with
   * the same scope/name labels as Patroni's metrics.
   */
  static String renderTaps(NodeView view, io.vigil.taps.TapStats taps) {
    NodeStatus s = view.status();
    String base = "scope=\"" + escape(s.scope()) + "\",name=\"" + escape(s.name()) + "\"";
    StringBuilder m = new StringBuilder(512);
    m.append("# HELP vigil_event_taps Event taps connected now (sse: GET /events streams, bridge: TCP bridge ")
        .append("clients).\n# TYPE vigil_event_taps gauge\n");
    taps.connectedByKind().forEach((kind, n) -> m.append("vigil_event_taps{").append(base).append(",kind=\"")
        .append(escape(kind)).append("\"} ").append(n).append('\n'));
    m.append("# HELP vigil_event_tap_drops_total Event taps disconnected for being too slow, by reason.\n")
        .append("# TYPE vigil_event_tap_drops_total counter\n");
    taps.dropsByKindAndReason().forEach((key, n) -> {
      int slash = key.indexOf('/');
      m.append("vigil_event_tap_drops_total{").append(base).append(",kind=\"").append(escape(key.substring(0, slash)))
          .append("\",reason=\"").append(escape(key.substring(slash + 1))).append("\"} ").append(n).append('\n');
    });
    m.append("# HELP vigil_event_bridge_inbound_refused_total Sends and publishes from event bridge clients, ")
        .append("refused (the bridge is outbound only).\n# TYPE vigil_event_bridge_inbound_refused_total counter\n")
        .append("vigil_event_bridge_inbound_refused_total{").append(base).append("} ")
        .append(taps.inboundRefusedCount()).append('\n');
    return m.toString();
  }

  /** {@code 4.0.4} → {@code 040004}. */
  static String paddedVersion(String version) {
    StringBuilder b = new StringBuilder();
    for (String part : version.split("\\.")) {
      b.append(part.length() < 2 ? "0".repeat(2 - part.length()) + part : part);
    }
    return b.toString();
  }

  private static void metric(StringBuilder m, String name, String help, String type, String labels, String value) {
    m.append("# HELP ").append(name).append(' ').append(help).append('\n');
    m.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    m.append(name).append(labels).append(' ').append(value).append('\n');
  }

  private static String flag(boolean b) {
    return b ? "1" : "0";
  }

  private static String number(Object v) {
    return v instanceof Number n ? Long.toString(n.longValue()) : "0";
  }

  private static String escape(String s) {
    return s == null ? "" : s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
