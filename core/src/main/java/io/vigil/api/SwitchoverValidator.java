package io.vigil.api;

import io.vigil.patroni.DynamicConfig;
import io.vigil.patroni.PyText;
import io.vigil.cluster.Cluster;
import io.vigil.cluster.Failover;
import io.vigil.cluster.Member;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /switchover} and {@code POST /failover} up to the DCS write, in Patroni's order and with its texts
 * (docs/rest-api.md §3.6). Pure: the request, a fresh cluster snapshot and the time go in; an error answer or what to write
 * (and which members' {@code /patroni} must be asked first) comes out.
 */
final class SwitchoverValidator {
  private SwitchoverValidator() {}

  sealed interface Outcome {}

  /** Refused; nothing is written. */
  record Rejected(ApiAnswer answer) implements Outcome {}

  /**
   * Accepted as far as the DCS view goes. For an immediate operation {@code candidates} are the members whose
   * {@code GET /patroni} must show one fit to promote ({@link #limitation}); for a scheduled one it is empty.
   *
   * @param action {@code switchover} or {@code failover} (a failover naming a leader becomes a switchover)
   * @param currentLeader the leader key's holder before the write, null when unlocked
   */
  record Accepted(String action, Failover failover, List<Member> candidates, String currentLeader)
      implements Outcome {
    boolean scheduled() {
      return failover.scheduledAt() != null;
    }
  }

  static Outcome validate(String action, Map<String, Object> request, Cluster cluster, Instant now) {
    String leader = text(request.get("leader"));
    String candidate = text(request.get("candidate"));
    if (candidate == null) {
      candidate = text(request.get("member"));
    }
    Object scheduledAtValue = request.get("scheduled_at");
    boolean hasSchedule = scheduledAtValue != null && !"".equals(scheduledAtValue)
        && !Boolean.FALSE.equals(scheduledAtValue);
    boolean paused = cluster.isPaused();

    if ("failover".equals(action) && candidate == null) {
      return reject(400, "Failover could be performed only to a specific candidate");
    }
    if ("switchover".equals(action) && leader == null) {
      return reject(400, "Switchover could be performed only from a specific leader");
    }
    OffsetDateTime scheduledAt = null;
    if (hasSchedule) {
      if ("failover".equals(action)) {
        return reject(400, "Failover can't be scheduled");
      }
      if (paused) {
        return reject(400, "Can't schedule switchover in the paused state");
      }
      Schedule.Parsed parsed = Schedule.parse(scheduledAtValue, action, now);
      if (parsed.error() != null) {
        return new Rejected(parsed.error());
      }
      scheduledAt = parsed.time();
    }
    if (paused && candidate == null) {
      return reject(400, "Switchover is possible only to a specific candidate in a paused state");
    }
    if ("failover".equals(action) && leader != null) {
      action = "switchover";
    }
    if (leader != null && leader.equals(candidate)) {
      return reject(400, "Switchover target and source are the same");
    }
    String currentLeader = cluster.leaderName();
    Failover failover = new Failover(0, leader, candidate, scheduledAt);
    if (scheduledAt != null) {
      return new Accepted(action, failover, List.of(), currentLeader);
    }
    Object possible = candidatesFor(cluster, leader, candidate, action);
    if (possible instanceof String reason) {
      return reject(412, reason);
    }
    @SuppressWarnings("unchecked")
    List<Member> members = (List<Member>) possible;
    return new Accepted(action, failover, members, currentLeader);
  }

  /** Patroni's {@code is_failover_possible} up to the member status calls: the reason, or the members to ask. */
  private static Object candidatesFor(Cluster cluster, String leader, String candidate, String action) {
    DynamicConfig config = DynamicConfig.of(cluster);
    boolean sync = config.isSynchronousMode();
    boolean quorum = config.isQuorumCommitMode();
    String leaderName = cluster.leaderName();
    if (leader != null && !leader.equals(leaderName)) {
      return "leader name does not match";
    }
    List<Member> members = new ArrayList<>();
    if (candidate != null) {
      if ("switchover".equals(action) && sync && !quorum
          && (cluster.sync() == null || !cluster.sync().matches(candidate))) {
        return "candidate name does not match with sync_standby";
      }
      cluster.member(candidate).ifPresent(members::add);
      if (members.isEmpty()) {
        return "candidate does not exists";
      }
    } else if (sync && !quorum) {
      for (Member m : cluster.members()) {
        if (cluster.sync() != null && cluster.sync().matches(m.name())) {
          members.add(m);
        }
      }
      if (members.isEmpty()) {
        return action + " is not possible: can not find sync_standby";
      }
    } else {
      for (Member m : cluster.members()) {
        if (leaderName == null || (!m.name().equals(leaderName) && m.apiUrl() != null)) {
          members.add(m);
        }
      }
      if (members.isEmpty()) {
        return action + " is not possible: cluster does not have members except leader";
      }
    }
    return members;
  }

  /** The text when no asked member can be promoted. */
  static ApiAnswer noGoodCandidates(String action) {
    return new ApiAnswer(412, action + " is not possible: no good candidates have been found");
  }

  /**
   * Why a member cannot be promoted judging by its {@code GET /patroni} answer (null when it did not answer):
   * Patroni's {@code failover_limitation}. Null means fit.
   */
  static String limitation(Map<String, Object> patroniStatus) {
    if (patroniStatus == null) {
      return "not reachable";
    }
    Map<String, Object> tags = patroniStatus.get("tags") instanceof Map<?, ?> t ? castMap(t) : Map.of();
    io.vigil.config.Tags typed = new io.vigil.config.Tags(tags);
    if (typed.nofailover() || typed.failoverPriority() <= 0) {
      return "not allowed to promote";
    }
    if (Boolean.TRUE.equals(patroniStatus.get("watchdog_failed"))) {
      return "not watchdog capable";
    }
    return null;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castMap(Map<?, ?> m) {
    return (Map<String, Object>) m;
  }

  /** The outcome of polling the DCS after an immediate switchover (Patroni's {@code poll_failover_result}). */
  static ApiAnswer pollResult(Cluster cluster, String oldLeader, String candidate, String action) {
    String done = action.substring(0, action.length() - 4);
    if (!cluster.isUnlocked() && !cluster.leaderName().equals(oldLeader)) {
      String newLeader = cluster.leaderName();
      if (candidate == null || candidate.equals(newLeader)) {
        return new ApiAnswer(200, "Successfully " + done + "ed over to \"" + newLeader + "\"");
      }
      return new ApiAnswer(200, PyText.title(done) + "ed over to \"" + newLeader + "\" instead of \"" + candidate
          + "\"");
    }
    if (cluster.failover() == null) {
      return new ApiAnswer(503, PyText.title(action) + " failed");
    }
    return null;
  }

  /** How many one-second polls Patroni makes: {@code 2 * max(10, loop_wait)}. */
  static int pollAttempts(Cluster cluster) {
    return 2 * (int) Math.max(10, DynamicConfig.of(cluster).getInt("loop_wait", 10, "s"));
  }

  static ApiAnswer unknownAfter(String action, int seconds) {
    return new ApiAnswer(503, PyText.title(action) + " status unknown after " + seconds
        + " seconds; operation may still be in progress");
  }

  private static ApiAnswer failed(int code, String text) {
    return new ApiAnswer(code, text);
  }

  private static Rejected reject(int code, String text) {
    return new Rejected(failed(code, text));
  }

  /** Python truthiness for the name fields: absent, null and "" all mean "not given". */
  private static String text(Object v) {
    if (v == null || "".equals(v) || Boolean.FALSE.equals(v)) {
      return null;
    }
    return v instanceof String s ? s : PyText.str(v);
  }
}
