package io.vigil.cluster;

import io.vigil.patroni.DynamicConfig;
import java.util.List;
import java.util.Optional;

/**
 * One consistent snapshot of a cluster's keys in the DCS (docs/dcs-layout.md §1.1). Absent keys are null (lists empty).
 *
 * @param initialize the system identifier; {@code ""} while a bootstrap runs; null when the key is absent
 */
public record Cluster(
    String initialize,
    ClusterConfig config,
    Leader leader,
    Status status,
    List<Member> members,
    Failover failover,
    SyncState sync,
    TimelineHistory history,
    Failsafe failsafe) {

  public Cluster {
    members = members == null ? List.of() : List.copyOf(members);
    status = status == null ? Status.empty() : status;
  }

  /** A cluster with no keys at all: nothing bootstrapped yet. */
  public static Cluster empty() {
    return new Cluster(null, null, null, Status.empty(), List.of(), null, null, null, null);
  }

  public boolean isUnlocked() {
    return leader == null || leader.name() == null || leader.name().isEmpty();
  }

  public boolean hasMember(String name) {
    return member(name).isPresent();
  }

  public Optional<Member> member(String name) {
    return members.stream().filter(m -> m.name().equals(name)).findFirst();
  }

  public String leaderName() {
    return isUnlocked() ? null : leader.name();
  }

  /**
   * The cluster's timeline: 1 + the first element of the last history line, 1 for an empty history, 0 when
   * the history is unknown.
   */
  public int timeline() {
    if (history == null) {
      return 0;
    }
    if (history.lines().isEmpty()) {
      return 1;
    }
    return history.lines().get(history.lines().size() - 1).timeline() + 1;
  }

  /** {@code pause: true} in {@code /config}. */
  public boolean isPaused() {
    return config != null && new DynamicConfig(config.data()).isPaused();
  }

  public Cluster withLeader(Leader newLeader) {
    return new Cluster(initialize, config, newLeader, status, members, failover, sync, history, failsafe);
  }

  public Cluster withFailsafe(Failsafe newFailsafe) {
    return new Cluster(initialize, config, leader, status, members, failover, sync, history, newFailsafe);
  }
}
