package io.vigil.runtime;

import io.vigil.cluster.Cluster;
import io.vigil.cluster.Failover;
import io.vigil.cluster.Failsafe;
import io.vigil.cluster.Member;
import io.vigil.cluster.SyncState;
import io.vigil.events.EventType;
import io.vigil.events.NewEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What changed between two cluster snapshots, as events (docs/events.md "Types"): the leader, members joining,
 * leaving or changing role or state, {@code /config}, a newly scheduled failover or switchover, the {@code sync}
 * key and the {@code failsafe} members. Pure: the {@link DcsWatchVerticle} emits what it returns.
 */
final class ClusterChanges {
  private ClusterChanges() {}

  /**
   * @param before the previous snapshot, null for the first one (nothing is reported: a baseline, not a change)
   * @return the events in a fixed order: leader, members (left, joined, changed, by name), config, failover,
   *     sync, failsafe
   */
  static List<NewEvent> between(Cluster before, Cluster after) {
    List<NewEvent> events = new ArrayList<>();
    if (before == null || after == null) {
      return events;
    }
    if (!Objects.equals(before.leaderName(), after.leaderName())) {
      events.add(NewEvent.of(EventType.LEADER_CHANGED, "old", before.leaderName(), "new", after.leaderName()));
    }
    members(before, after, events);
    if (after.config() != null && !Objects.equals(before.config(), after.config())) {
      events.add(NewEvent.of(EventType.CONFIG_CHANGED, "version", after.config().version()));
    }
    Failover f = after.failover();
    if (f != null && !sameFailover(before.failover(), f)) {
      // Patroni's switchover names the leader to move away from; a failover names only the candidate
      EventType type = f.leader() != null ? EventType.SWITCHOVER_SCHEDULED : EventType.FAILOVER_SCHEDULED;
      events.add(NewEvent.of(type, "leader", f.leader(), "candidate", f.candidate(),
          "scheduled_at", f.scheduledAt() == null ? null : f.scheduledAt().toString()));
    }
    if (!sameSync(before.sync(), after.sync())) {
      SyncState s = after.sync();
      events.add(NewEvent.of(EventType.SYNC_CHANGED, "leader", s == null ? null : s.leader(),
          "sync_standbys", s == null ? null : s.syncStandbys(), "quorum", s == null ? null : s.quorum()));
    }
    List<String> failsafeBefore = failsafeMembers(before.failsafe());
    List<String> failsafeAfter = failsafeMembers(after.failsafe());
    if (!failsafeBefore.equals(failsafeAfter)) {
      events.add(NewEvent.of(EventType.FAILSAFE_CHANGED, "members", failsafeAfter));
    }
    return events;
  }

  private static void members(Cluster before, Cluster after, List<NewEvent> events) {
    Map<String, Member> old = byName(before.members());
    Map<String, Member> now = byName(after.members());
    old.keySet().stream().filter(name -> !now.containsKey(name)).sorted()
        .forEach(name -> events.add(NewEvent.of(EventType.MEMBER_LEFT, "name", name)));
    now.keySet().stream().filter(name -> !old.containsKey(name)).sorted().forEach(name -> {
      Member m = now.get(name);
      events.add(NewEvent.of(EventType.MEMBER_JOINED, "name", name, "role", m.role(), "state", m.state()));
    });
    now.keySet().stream().filter(old::containsKey).sorted().forEach(name -> {
      Member was = old.get(name);
      Member is = now.get(name);
      // a member key is rewritten every cycle (WAL positions): only role and state are news
      if (!Objects.equals(was.role(), is.role()) || !Objects.equals(was.state(), is.state())) {
        events.add(NewEvent.of(EventType.MEMBER_CHANGED, "name", name, "role", is.role(), "state", is.state(),
            "old_role", was.role(), "old_state", was.state()));
      }
    });
  }

  private static Map<String, Member> byName(List<Member> members) {
    Map<String, Member> map = new LinkedHashMap<>();
    members.forEach(m -> map.put(m.name(), m));
    return map;
  }

  /** The key's content, not its version: the same request written again is not scheduled again. */
  private static boolean sameFailover(Failover a, Failover b) {
    return a != null && Objects.equals(a.leader(), b.leader()) && Objects.equals(a.candidate(), b.candidate())
        && Objects.equals(a.scheduledAt(), b.scheduledAt());
  }

  /** The key's content, not its version: a rewrite with the same standbys is no change. */
  private static boolean sameSync(SyncState a, SyncState b) {
    if (a == null || b == null) {
      return a == b;
    }
    return Objects.equals(a.leader(), b.leader()) && Objects.equals(a.syncStandbys(), b.syncStandbys())
        && Objects.equals(a.quorum(), b.quorum());
  }

  private static List<String> failsafeMembers(Failsafe f) {
    return f == null || f.members() == null ? List.of() : f.members().keySet().stream().sorted().toList();
  }
}
