package io.vigil.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * When the lease guard makes a writable primary step down: ttl after the last successful leader-key write was
 * sent, minus the 5 s safety margin. Clock in monotonic ms; ttl 20 s throughout.
 */
class LeaseGuardTest {
  private static final int TTL = 20;

  static Stream<Arguments> cases() {
    return Stream.of(
        row("nothing held: never steps down", g -> {}, 1_000_000, false),
        row("renewed at 0: still fine 1 ms before ttl - margin", g -> g.renewed(0, TTL), 14_999, false),
        row("renewed at 0: steps down exactly at ttl - margin", g -> g.renewed(0, TTL), 15_000, true),
        row("renewed at 0: steps down after the key would have expired", g -> g.renewed(0, TTL), 25_000, true),
        row("a later renewal moves the step-down point", g -> {
          g.renewed(0, TTL);
          g.renewed(10_000, TTL);
        }, 24_999, false),
        row("a renewal answered late counts from its sending, not from its answer",
            g -> g.renewed(1_000, TTL), 16_000, true),
        row("an older write reported late never shortens the lease", g -> {
          g.renewed(10_000, TTL);
          g.renewed(0, TTL);
        }, 24_999, false),
        row("dropped: nothing to guard", g -> {
          g.renewed(0, TTL);
          g.dropped();
        }, 100_000, false),
        row("a confirmed failsafe round extends a held lease", g -> {
          g.renewed(0, TTL);
          g.failsafeConfirmed(12_000, TTL);
        }, 26_999, false),
        row("the extension also runs out", g -> {
          g.renewed(0, TTL);
          g.failsafeConfirmed(12_000, TTL);
        }, 27_000, true),
        row("an older failsafe round does not shorten the lease", g -> {
          g.renewed(10_000, TTL);
          g.failsafeConfirmed(0, TTL);
        }, 24_999, false),
        row("a failsafe round never creates a lease that was not held", g -> g.failsafeConfirmed(0, TTL), 16_000,
            false),
        row("a failsafe round after a drop does not revive it", g -> {
          g.renewed(0, TTL);
          g.dropped();
          g.failsafeConfirmed(5_000, TTL);
        }, 16_000, false),
        row("a new write after a drop guards again", g -> {
          g.renewed(0, TTL);
          g.dropped();
          g.renewed(50_000, TTL);
        }, 65_000, true),
        row("a smaller ttl counts", g -> g.renewed(0, 10), 5_000, true));
  }

  private static Arguments row(String name, Consumer<LeaseGuard> history, long now, boolean stepDown) {
    return Arguments.of(name, history, now, stepDown);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void stepsDownAtTheRightTime(String name, Consumer<LeaseGuard> history, long now, boolean stepDown) {
    LeaseGuard guard = new LeaseGuard();
    history.accept(guard);
    assertEquals(stepDown, guard.mustStepDown(now), name);
    if (!guard.holding()) {
      assertEquals(Long.MAX_VALUE, guard.millisLeft(now), name);
    }
  }

  /** The loop's timer follows the step-down point: it is told of every move and every drop, and of nothing else. */
  @org.junit.jupiter.api.Test
  void tellsTheTimerWhenTheStepDownPointMoves() {
    LeaseGuard guard = new LeaseGuard();
    int[] told = {0};
    guard.onChange(() -> told[0]++);
    guard.failsafeConfirmed(0, TTL);
    assertEquals(0, told[0], "a failsafe round without a lease moves nothing");
    guard.renewed(0, TTL);
    assertEquals(1, told[0], "acquired");
    guard.renewed(10_000, TTL);
    assertEquals(2, told[0], "renewed");
    guard.renewed(5_000, TTL);
    assertEquals(2, told[0], "an older write reported late moves nothing");
    guard.dropped();
    assertEquals(3, told[0], "dropped");
    guard.dropped();
    assertEquals(3, told[0], "nothing left to drop");
  }
}
