package io.vigil.runtime;

import io.vigil.async.Progress;
import io.vigil.cluster.Failover;
import io.vigil.events.EventType;
import io.vigil.events.NewEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What an HA cycle's outcome means for the outside, as events (docs/events.md "Types"): the cycle itself, a role
 * change, DCS reachability, failsafe, pause, and the switchover or failover this node takes part in. Pure: the
 * {@link HaLoopVerticle} gathers the {@link Facts} after acting and emits what {@link #next} returns.
 */
final class CycleEvents {
  private CycleEvents() {}

  /**
   * One cycle's outcome as far as events go.
   *
   * @param me this member's name
   * @param role the member role after the cycle ({@code primary}, {@code replica}, {@code demoted}, ...)
   * @param message the decision's message, as logged
   * @param timeline PostgreSQL's timeline, null when unknown
   * @param dcsReachable the cycle's read of the cluster succeeded
   * @param leader the leader key's holder in the cycle's snapshot, null when none
   * @param lastKnownLeader the leader of the last snapshot that had one (the old leader during a failover)
   * @param failover the failover key in the cycle's snapshot, null when none
   * @param demotedFor the cycle demoted this leader gracefully because of that failover key
   * @param clearedFailover the cycle cleared the failover key without acting on it (stale or not possible)
   * @param raced the cycle tried to take the free leader key
   * @param lostRace another node took it first
   */
  record Facts(String me, String role, String message, Integer timeline, boolean dcsReachable,
      boolean failsafeActive, boolean paused, String leader, String lastKnownLeader, Failover failover,
      boolean demotedFor, boolean clearedFailover, boolean raced, boolean lostRace) {}

  /**
   * What the events remember between cycles.
   *
   * @param last the previous cycle's facts, null before the first
   * @param switchoverStarted the failover key this node, as the old leader, demoted for; null when none
   * @param requestSeen the last failover key this node saw while not the primary, kept while it holds the leader
   *     key and is still promoting: the new leader deletes the key when it takes over, often cycles before its
   *     PostgreSQL reports the promotion, and the finished event must still say switchover or failover
   */
  record Memory(Facts last, Failover switchoverStarted, Failover requestSeen) {
    static final Memory INITIAL = new Memory(null, null, null);
  }

  record Outcome(List<NewEvent> events, Memory memory) {}

  static Outcome next(Memory memory, Facts now) {
    List<NewEvent> events = new ArrayList<>();
    Facts last = memory.last();
    Failover started = memory.switchoverStarted();
    events.add(NewEvent.of(EventType.HA_CYCLE, "message", now.message(), "role", now.role(),
        "timeline", now.timeline()));
    if (last == null ? !now.dcsReachable() : last.dcsReachable() != now.dcsReachable()) {
      events.add(NewEvent.of(now.dcsReachable() ? EventType.DCS_REACHABLE : EventType.DCS_UNREACHABLE));
    }
    if (last != null && last.failsafeActive() != now.failsafeActive()) {
      events.add(NewEvent.of(now.failsafeActive() ? EventType.FAILSAFE_ENTERED : EventType.FAILSAFE_LEFT));
    }
    if (last == null ? now.paused() : last.paused() != now.paused()) {
      events.add(NewEvent.of(now.paused() ? EventType.PAUSED : EventType.RESUMED));
    }

    // this node, the leader, starts a switchover (or manual failover) by demoting itself
    if (now.demotedFor() && now.failover() != null && started == null) {
      started = now.failover();
      events.add(NewEvent.of(kind(started, true), "leader", now.me(), "candidate", started.candidate()));
    }
    // this node, the leader, gave the request up (scheduled time passed, no healthy candidate)
    if (now.clearedFailover() && !now.demotedFor() && now.failover() != null && started == null
        && isPrimary(now.role()) && last != null && isPrimary(last.role())) {
      events.add(NewEvent.of(kind(now.failover(), false), "leader", now.me(),
          "candidate", now.failover().candidate(), "reason", now.message()));
    }
    // a replica races for the free leader key: an automatic failover (a manual one was started by the leader)
    if (now.raced() && now.failover() == null && memory.requestSeen() == null && last != null
        && REPLICA.equals(last.role())) {
      events.add(NewEvent.of(EventType.FAILOVER_STARTED, "leader", now.lastKnownLeader(), "candidate", now.me()));
    }
    if (now.lostRace()) {
      events.add(NewEvent.of(EventType.FAILOVER_FAILED, "leader", now.lastKnownLeader(), "candidate", now.me(),
          "reason", "another member took the leader key first"));
    }

    String oldRole = last == null ? null : last.role();
    if (last != null && !Objects.equals(oldRole, now.role())) {
      events.add(NewEvent.of(EventType.ROLE_CHANGED, "old", oldRole, "new", now.role(),
          "timeline", now.timeline(), "reason", now.message()));
      if (isPrimary(now.role()) && (started != null || REPLICA.equals(oldRole))) {
        // a replica promoted (a bootstrap's uninitialized -> primary is neither a failover nor a switchover)
        if (started != null) {
          // the old leader took its key back: the candidate did not make it
          events.add(NewEvent.of(kind(started, false), "leader", now.me(), "candidate", started.candidate(),
              "reason", now.message()));
          started = null;
        } else {
          Failover request = last.failover() != null ? last.failover()
              : now.failover() != null ? now.failover() : memory.requestSeen();
          boolean switchover = request != null && request.leader() != null;
          String from = request != null && request.leader() != null ? request.leader() : last.lastKnownLeader();
          events.add(NewEvent.of(switchover ? EventType.SWITCHOVER_FINISHED : EventType.FAILOVER_FINISHED,
              "leader", Objects.equals(from, now.me()) ? null : from, "candidate", now.me(),
              "timeline", now.timeline()));
        }
      }
    }
    if (started != null && now.leader() != null && !now.leader().equals(now.me())) {
      // another member holds the key now: from this node's side the switchover is over
      started = null;
    }
    Failover requestSeen = null;
    if (!isPrimary(now.role())) {
      requestSeen = now.failover() != null ? now.failover()
          : now.me().equals(now.leader()) ? memory.requestSeen() : null;
    }
    return new Outcome(events, new Memory(now, started, requestSeen));
  }

  /** started/failed type for a failover key: a switchover names the leader, a manual failover does not. */
  private static EventType kind(Failover f, boolean start) {
    boolean switchover = f.leader() != null;
    if (start) {
      return switchover ? EventType.SWITCHOVER_STARTED : EventType.FAILOVER_STARTED;
    }
    return switchover ? EventType.SWITCHOVER_FAILED : EventType.FAILOVER_FAILED;
  }

  private static final String REPLICA = "replica";

  private static boolean isPrimary(String role) {
    return "primary".equals(role) || "master".equals(role);
  }

  /** A long action's progress as an event: started, progress (%) or finished (ok, error). */
  static NewEvent action(Progress p) {
    if (Progress.STARTED.equals(p.phase())) {
      return NewEvent.of(EventType.ACTION_STARTED, "action", p.action());
    }
    if (Progress.FINISHED.equals(p.phase())) {
      return NewEvent.of(EventType.ACTION_FINISHED, "action", p.action(), "ok", true, "error", null);
    }
    if (p.phase() != null && p.phase().startsWith(Progress.FAILED_PREFIX)) {
      return NewEvent.of(EventType.ACTION_FINISHED, "action", p.action(), "ok", false,
          "error", p.phase().substring(Progress.FAILED_PREFIX.length()));
    }
    return NewEvent.of(EventType.ACTION_PROGRESS, "action", p.action(), "phase", p.phase(), "percent", p.percent());
  }
}
