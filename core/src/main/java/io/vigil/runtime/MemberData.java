package io.vigil.runtime;

import io.vigil.postgres.PostgresState;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Builds the {@code members/<name>} JSON exactly as Patroni's touch_member writes it (docs/dcs-layout.md §1.2), so that
 * patronictl and Patroni agents read a Vigil member like one of their own.
 */
public final class MemberData {
  /** The Patroni version written into {@code version}: other tools gate features on it. */
  public static final String PATRONI_VERSION = AgentVersion.patroniVersion();
  private static final Set<String> STATES_WITH_LOCATION = Set.of("running", "starting", "restarting");

  private MemberData() {}

  /**
   * @param connUrl {@code postgres://connect_address/database}
   * @param apiUrl {@code http(s)://restapi.connect_address/patroni}
   * @param role the role string to publish (primary, replica, standby_leader, demoted, uninitialized, promoted)
   * @param pg the last observation of PostgreSQL, null when none yet
   * @param tags the effective tags, left out when empty
   * @param checkpointAfterPromote false only while a fresh primary has not finished its CHECKPOINT
   * @param scheduledRestart null when none is scheduled
   */
  public static Map<String, Object> build(
      String connUrl,
      String proxyUrl,
      String apiUrl,
      String state,
      String role,
      PostgresState pg,
      Map<String, Object> tags,
      boolean checkpointAfterPromote,
      boolean paused,
      Map<String, Object> scheduledRestart) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("conn_url", connUrl);
    data.put("api_url", apiUrl);
    data.put("state", state);
    data.put("role", role);
    data.put("version", PATRONI_VERSION);
    if (proxyUrl != null) {
      data.put("proxy_url", proxyUrl);
    }
    if (!checkpointAfterPromote) {
      data.put("checkpoint_after_promote", false);
    }
    if (tags != null && !tags.isEmpty()) {
      data.put("tags", tags);
    }
    if (pg != null) {
      if (pg.pendingRestart()) {
        data.put("pending_restart", true);
        if (!pg.pendingRestartReason().isEmpty()) {
          data.put("pending_restart_reason", pg.pendingRestartReason());
        }
      }
      if (STATES_WITH_LOCATION.contains(state) && pg.walPosition() != null) {
        data.put("xlog_location", pg.walPosition());
      }
      if (pg.running() && pg.inRecovery()) {
        if (pg.replayLsn() != null) {
          data.put("replay_lsn", pg.replayLsn());
        }
        if (pg.receiveLsn() != null) {
          data.put("receive_lsn", pg.receiveLsn());
        }
        if (pg.replicationState() != null) {
          data.put("replication_state", pg.replicationState());
        }
      }
      if (pg.running() && pg.timeline() != null) {
        data.put("timeline", pg.timeline());
      }
    }
    if (scheduledRestart != null) {
      data.put("scheduled_restart", scheduledRestart);
    }
    if (paused) {
      data.put("pause", true);
    }
    return data;
  }
}
