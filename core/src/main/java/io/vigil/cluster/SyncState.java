package io.vigil.cluster;

import java.util.List;

/**
 * The {@code sync} key: {@code {"leader":..,"quorum":..,"sync_standby":"a,b"}}.
 *
 * @param syncStandbys the names in {@code sync_standby}, sorted as Patroni writes them
 * @param quorum null when not in quorum mode
 */
public record SyncState(long version, String leader, List<String> syncStandbys, Integer quorum) {
  public SyncState {
    syncStandbys = syncStandbys == null ? List.of() : List.copyOf(syncStandbys);
  }

  public static SyncState empty(long version) {
    return new SyncState(version, null, List.of(), null);
  }

  public boolean matches(String name) {
    return name != null && syncStandbys.contains(name);
  }

  public boolean isLeader(String name) {
    return name != null && name.equals(leader);
  }
}
