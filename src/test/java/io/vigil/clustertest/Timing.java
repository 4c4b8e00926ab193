package io.vigil.clustertest;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * The cluster tests' names for the shared {@link io.vigil.testing.Timing} (one multiplier, -Dvigil.test.timing,
 * and one poll helper for every test module).
 */
final class Timing {
  private static final Duration POLL = Duration.ofMillis(200);

  private Timing() {}

  static Duration scaled(Duration d) {
    return io.vigil.testing.Timing.scaled(d);
  }

  /**
   * Polls {@code probe} every 200 ms until it returns a non-null value or the scaled deadline passes; then
   * fails with {@code what} and the last observation, so a failure says what was awaited and what was seen.
   * A probe that throws counts as "not yet" (a node being restarted refuses connections).
   */
  static <T> T await(String what, Duration timeout, Supplier<T> probe, Supplier<String> lastSeen) {
    return io.vigil.testing.Timing.await(what, timeout, POLL, () -> {
      try {
        return probe.get();
      } catch (RuntimeException e) {
        return null;
      }
    }, lastSeen);
  }

  /** Waits between observations of a condition that must hold throughout a period. */
  static void pause(Duration d) {
    io.vigil.testing.Timing.pause(d);
  }
}
