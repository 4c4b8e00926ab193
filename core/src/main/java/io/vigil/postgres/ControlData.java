package io.vigil.postgres;

import java.util.Map;

/**
 * The fields of {@code pg_controldata} Vigil decides on. {@code raw} keeps every line ("key" → "value") for
 * the rest (max_connections setting, ...).
 *
 * @param clusterState "in production", "shut down", "shut down in recovery", "in crash recovery", ...
 * @param latestCheckpointLsn "Latest checkpoint location"
 * @param latestCheckpointRedoLsn "Latest checkpoint's REDO location"
 * @param latestCheckpointTimeline "Latest checkpoint's TimeLineID"
 * @param minRecoveryEndLsn "Minimum recovery ending location"
 * @param minRecoveryEndTimeline "Min recovery ending loc's timeline"
 * @param dataChecksumVersion "Data page checksum version" (0 = off)
 */
public record ControlData(
    String systemId,
    String clusterState,
    long latestCheckpointLsn,
    long latestCheckpointRedoLsn,
    int latestCheckpointTimeline,
    long minRecoveryEndLsn,
    int minRecoveryEndTimeline,
    int dataChecksumVersion,
    boolean walLogHints,
    Map<String, String> raw) {

  public ControlData {
    raw = Map.copyOf(raw);
  }

  /** pg_rewind can work on this cluster: wal_log_hints on, or data checksums (docs/ha-rules.md §2.7). */
  public boolean rewindPossible() {
    return walLogHints || dataChecksumVersion != 0;
  }

  /** Shut down cleanly as a primary or as a replica: no crash recovery needed before pg_rewind. */
  public boolean shutDownCleanly() {
    return "shut down".equals(clusterState) || "shut down in recovery".equals(clusterState);
  }

  /** A controldata "... setting" value as an int (max_connections, max_wal_senders, ...), null if absent. */
  public Integer intSetting(String name) {
    String v = raw.get(name + " setting");
    try {
      return v == null ? null : Integer.valueOf(v.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
