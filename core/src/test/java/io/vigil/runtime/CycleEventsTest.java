package io.vigil.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vigil.async.Progress;
import io.vigil.cluster.Failover;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The events of an HA cycle's outcome: each row is a sequence of cycles seen by one member and the events of its
 * last cycle (ha_cycle always comes first and is left out of the expectations but for the first row).
 */
class CycleEventsTest {
  private static final Failover SWITCHOVER = new Failover(5, "pg1", "pg2", null);

  /** A healthy cycle of pg1 as a replica following pg1... rows change what they are about. */
  private static CycleEvents.Facts replica(String me) {
    return new CycleEvents.Facts(me, "replica", "no action. I am (" + me + "), a secondary, and following a leader (pg1)",
        4, true, false, false, "pg1", "pg1", null, false, false, false, false);
  }

  private static CycleEvents.Facts primary(String me) {
    return new CycleEvents.Facts(me, "primary", "no action. I am (" + me + "), the leader with the lock", 4, true,
        false, false, me, me, null, false, false, false, false);
  }

  private static CycleEvents.Facts f(CycleEvents.Facts b, String role, String message, Integer timeline,
      boolean dcs, boolean failsafe, boolean paused, String leader, Failover failover, boolean demotedFor,
      boolean cleared, boolean raced, boolean lost) {
    return new CycleEvents.Facts(b.me(), role, message, timeline, dcs, failsafe, paused, leader,
        b.lastKnownLeader(), failover, demotedFor, cleared, raced, lost);
  }

  static Stream<Arguments> rows() {
    CycleEvents.Facts r = replica("pg2");
    CycleEvents.Facts p = primary("pg1");
    return Stream.of(
        Arguments.of("steady replica", List.of(r, r), List.of()),
        Arguments.of("DCS unreachable, then back", List.of(r,
            f(r, "replica", "m", 4, false, false, false, null, null, false, false, false, false)),
            List.of("dcs_unreachable")),
        Arguments.of("DCS back", List.of(f(r, "replica", "m", 4, false, false, false, null, null, false, false, false,
            false), r), List.of("dcs_reachable")),
        Arguments.of("failsafe entered", List.of(p, f(p, "primary", "m", 4, false, true, false, "pg1", null, false,
            false, false, false)), List.of("dcs_unreachable", "failsafe_entered")),
        Arguments.of("paused then resumed", List.of(p, f(p, "primary", "m", 4, true, false, true, "pg1", null, false,
            false, false, false), p), List.of("resumed")),
        Arguments.of("paused", List.of(p, f(p, "primary", "m", 4, true, false, true, "pg1", null, false, false, false,
            false)), List.of("paused")),
        Arguments.of("old leader starts a switchover and is demoted", List.of(p,
            f(p, "demoted", "switchover: demoting myself", 4, true, false, false, "pg1", SWITCHOVER, true, false,
                false, false)),
            List.of("switchover_started leader=pg1 candidate=pg2",
                "role_changed old=primary new=demoted timeline=4 reason=switchover: demoting myself")),
        Arguments.of("the candidate finishes the switchover", List.of(
            f(r, "replica", "m", 4, true, false, false, "pg1", SWITCHOVER, false, false, false, false),
            f(r, "primary", "promoted self to leader by acquiring session lock", 5, true, false, false, "pg2",
                SWITCHOVER, false, false, true, false)),
            List.of("role_changed old=replica new=primary timeline=5 reason=promoted self to leader by acquiring session lock",
                "switchover_finished leader=pg1 candidate=pg2 timeline=5")),
        Arguments.of("the candidate's promotion shows after the failover key was deleted", List.of(
            f(r, "replica", "m", 4, true, false, false, "pg1", SWITCHOVER, false, false, false, false),
            f(r, "replica", "promoted self to leader by acquiring session lock", 4, true, false, false, "pg2",
                null, false, false, true, false),
            f(r, "replica", "promoting", 4, true, false, false, "pg2", null, false, false, false, false),
            f(r, "primary", "no action. I am (pg2), the leader with the lock", 5, true, false, false, "pg2", null,
                false, false, false, false)),
            List.of("role_changed old=replica new=primary timeline=5 reason=no action. I am (pg2), the leader with the lock",
                "switchover_finished leader=pg1 candidate=pg2 timeline=5")),
        Arguments.of("the candidate of a switchover racing after the key was deleted starts no failover", List.of(
            f(r, "replica", "m", 4, true, false, false, "pg1", SWITCHOVER, false, false, false, false),
            f(r, "replica", "promoted self to leader by acquiring session lock", 4, true, false, false, "pg2",
                null, false, false, true, false)),
            List.of()),
        Arguments.of("a request seen long ago does not make a later failover a switchover", List.of(
            f(r, "replica", "m", 4, true, false, false, "pg1", SWITCHOVER, false, false, false, false),
            r,
            f(r, "replica", "m", 4, true, false, false, null, null, false, false, true, false),
            f(r, "primary", "promoted self to leader by acquiring session lock", 5, true, false, false, "pg2", null,
                false, false, false, false)),
            List.of("role_changed old=replica new=primary timeline=5 reason=promoted self to leader by acquiring session lock",
                "failover_finished leader=pg1 candidate=pg2 timeline=5")),
        Arguments.of("the old leader takes its key back: switchover failed", List.of(p,
            f(p, "demoted", "switchover: demoting myself", 4, true, false, false, "pg1", SWITCHOVER, true, false,
                false, false),
            f(p, "primary", "promoted self to leader by acquiring session lock", 4, true, false, false, "pg1", null,
                false, false, true, false)),
            List.of("role_changed old=demoted new=primary timeline=4 reason=promoted self to leader by acquiring session lock",
                "switchover_failed leader=pg1 candidate=pg2 reason=promoted self to leader by acquiring session lock")),
        Arguments.of("a leader clears a request it cannot carry out", List.of(p,
            f(p, "primary", "no action. I am (pg1), the leader with the lock", 4, true, false, false, "pg1",
                SWITCHOVER, false, true, false, false)),
            List.of("switchover_failed leader=pg1 candidate=pg2 reason=no action. I am (pg1), the leader with the lock")),
        Arguments.of("automatic failover: race and promotion", List.of(r,
            f(r, "replica", "m", 4, true, false, false, null, null, false, false, true, false),
            f(r, "primary", "promoted self to leader by acquiring session lock", 5, true, false, false, "pg2", null,
                false, false, false, false)),
            List.of("role_changed old=replica new=primary timeline=5 reason=promoted self to leader by acquiring session lock",
                "failover_finished leader=pg1 candidate=pg2 timeline=5")),
        Arguments.of("a bootstrap is no failover", List.of(
            f(r, "uninitialized", "trying to bootstrap a new cluster", null, true, false, false, null, null, false,
                false, false, false),
            f(r, "primary", "initialized a new cluster", 1, true, false, false, "pg2", null, false, false, false,
                false)),
            List.of("role_changed old=uninitialized new=primary timeline=1 reason=initialized a new cluster")),
        Arguments.of("an uninitialized member racing is no failover yet", List.of(
            f(r, "uninitialized", "m", null, true, false, false, null, null, false, false, false, false),
            f(r, "uninitialized", "m", null, true, false, false, null, null, false, false, true, false)),
            List.of()),
        Arguments.of("automatic failover starts", List.of(r,
            f(r, "replica", "m", 4, true, false, false, null, null, false, false, true, false)),
            List.of("failover_started leader=pg1 candidate=pg2")),
        Arguments.of("lost the race", List.of(r,
            f(r, "replica", "m", 4, true, false, false, null, null, false, false, true, true)),
            List.of("failover_started leader=pg1 candidate=pg2",
                "failover_failed leader=pg1 candidate=pg2 reason=another member took the leader key first")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void lastCycleEvents(String row, List<CycleEvents.Facts> cycles, List<String> expected) {
    CycleEvents.Memory memory = CycleEvents.Memory.INITIAL;
    List<String> last = List.of();
    for (CycleEvents.Facts facts : cycles) {
      CycleEvents.Outcome outcome = CycleEvents.next(memory, facts);
      memory = outcome.memory();
      last = PostgresChangesTest.render(outcome.events());
    }
    assertEquals("ha_cycle", last.get(0).split(" ")[0], row);
    assertEquals(expected, last.subList(1, last.size()), row);
  }

  @Test
  void theFirstCycleIsABaselineButForTheCycleItself() {
    CycleEvents.Outcome first = CycleEvents.next(CycleEvents.Memory.INITIAL, primary("pg1"));
    assertEquals(List.of("ha_cycle message=no action. I am (pg1), the leader with the lock role=primary timeline=4"),
        PostgresChangesTest.render(first.events()));
  }

  @Test
  void longActionProgressBecomesActionEvents() {
    List<String> seen = new ArrayList<>();
    for (Progress p : List.of(new Progress("clone", Progress.STARTED, -1),
        new Progress("clone", "running pg_basebackup", 42), new Progress("clone", Progress.FINISHED, 100),
        new Progress("rewind", Progress.FAILED_PREFIX + "pg_rewind exited with 1", -1))) {
      seen.addAll(PostgresChangesTest.render(List.of(CycleEvents.action(p))));
    }
    assertEquals(List.of("action_started action=clone",
        "action_progress action=clone phase=running pg_basebackup percent=42",
        "action_finished action=clone ok=true error=null",
        "action_finished action=rewind ok=false error=pg_rewind exited with 1"), seen);
  }
}
