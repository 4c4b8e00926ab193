package io.vigil.postgres;

/**
 * The outcome of {@link PostgresController#checkRewind}.
 *
 * @param needed the local timeline diverged from the leader's: pg_rewind (or a reinit) is required
 * @param possible pg_rewind can run here (wal_log_hints or data checksums)
 * @param localTimeline the local node's timeline
 * @param leaderTimeline the leader's current timeline
 * @param reason a line for the log
 */
public record RewindCheck(boolean needed, boolean possible, int localTimeline, int leaderTimeline, String reason) {}
