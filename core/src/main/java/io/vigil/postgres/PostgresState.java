package io.vigil.postgres;

import java.util.List;
import java.util.Map;

/**
 * One snapshot of the local PostgreSQL, published on {@code vigil.postgres.state} and read by the HA loop and
 * the REST API. Values that could not be read are null.
 *
 * @param state Patroni's member state string: running, starting, stopped, crashed, creating replica, ...
 * @param dataDirEmpty true when the data directory is missing or empty (bootstrap or clone needed)
 * @param running whether a postmaster runs for the data directory
 * @param inRecovery pg_is_in_recovery()
 * @param systemId "Database system identifier" from pg_controldata
 * @param walPosition primary: the current flush LSN; replica: max(receive, replay)
 * @param replicationState "streaming"; "in archive recovery" when not streaming with a restore_command set; or null
 * @param following the member name (application_name of primary_conninfo's target) this replica follows,
 *     or the host:port when not known by name
 * @param postmasterStartTime as PostgreSQL prints it ("2026-11-21 10:00:00.123+00")
 * @param observedAtMillis monotonic time of the observation
 * @param queryFailed PostgreSQL runs but the state query failed: every queried value (role, LSNs,
 *     {@code replication}, ...) is unknown, not empty. Nothing may be decided from them; in particular the
 *     synchronous replication state must not be rewritten from an empty pg_stat_replication
 */
public record PostgresState(
    String state,
    PostgresRole role,
    boolean dataDirEmpty,
    boolean running,
    boolean inRecovery,
    String systemId,
    Integer timeline,
    Long walPosition,
    Long receiveLsn,
    Long replayLsn,
    Long lastCheckpointLsn,
    String replayedTimestamp,
    boolean replayPaused,
    String replicationState,
    List<ReplicationRow> replication,
    String following,
    Integer serverVersion,
    String postmasterStartTime,
    boolean pendingRestart,
    Map<String, Map<String, Object>> pendingRestartReason,
    long observedAtMillis,
    boolean queryFailed) {

  /** A snapshot whose values were all read (or are not running-related). */
  public PostgresState(String state, PostgresRole role, boolean dataDirEmpty, boolean running, boolean inRecovery,
      String systemId, Integer timeline, Long walPosition, Long receiveLsn, Long replayLsn, Long lastCheckpointLsn,
      String replayedTimestamp, boolean replayPaused, String replicationState, List<ReplicationRow> replication,
      String following, Integer serverVersion, String postmasterStartTime, boolean pendingRestart,
      Map<String, Map<String, Object>> pendingRestartReason, long observedAtMillis) {
    this(state, role, dataDirEmpty, running, inRecovery, systemId, timeline, walPosition, receiveLsn, replayLsn,
        lastCheckpointLsn, replayedTimestamp, replayPaused, replicationState, replication, following, serverVersion,
        postmasterStartTime, pendingRestart, pendingRestartReason, observedAtMillis, false);
  }

  public PostgresState {
    replication = replication == null ? List.of() : List.copyOf(replication);
    pendingRestartReason = pendingRestartReason == null ? Map.of() : Map.copyOf(pendingRestartReason);
  }

  /**
   * A row of pg_stat_replication as the REST API shows it; {@code flushLsn} and {@code replayLsn} are the
   * standby's positions the synchronous planner compares with {@code HaMemory.SsnChange#primaryLsn}.
   */
  public record ReplicationRow(
      String usename, String applicationName, String clientAddr, String state, String syncState,
      Integer syncPriority, Long flushLsn, Long replayLsn) {}

  /** The same snapshot with another timeline (a replica's replay timeline learned over a replication connection). */
  public PostgresState withTimeline(Integer value) {
    return new PostgresState(state, role, dataDirEmpty, running, inRecovery, systemId, value, walPosition, receiveLsn,
        replayLsn, lastCheckpointLsn, replayedTimestamp, replayPaused, replicationState, replication, following,
        serverVersion, postmasterStartTime, pendingRestart, pendingRestartReason, observedAtMillis, queryFailed);
  }

  public boolean isPrimary() {
    return running && !inRecovery;
  }

  /**
   * Patroni's role name for a callback's second argument: {@code primary} while the server takes writes,
   * {@code standby_leader} for the key holder of a standby cluster, {@code replica} otherwise.
   */
  public String callbackRole() {
    if (isPrimary()) {
      return PostgresRole.PRIMARY.patroniName();
    }
    return role == PostgresRole.STANDBY_LEADER ? role.patroniName() : PostgresRole.REPLICA.patroniName();
  }

  public boolean isHealthy() {
    return running && "running".equals(state);
  }
}
