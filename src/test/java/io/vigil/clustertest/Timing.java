package io.vigil.clustertest;

import java.time.Duration;
import java.util.function.Supplier;

/** Deadlines for polling, scaled by -Dvigil.test.timing (Curator's Timing idea) for slow machines. */
final class Timing {
  private static final double MULTIPLIER = Double.parseDouble(System.getProperty("vigil.test.timing", "1"));

  private Timing() {}

  static Duration scaled(Duration d) {
    return Duration.ofMillis((long) (d.toMillis() * MULTIPLIER));
  }

  /**
   * Polls {@code probe} every 200 ms until it returns a non-null value or the scaled deadline passes; then
   * fails with {@code what} and the last observation, so a failure says what was awaited and what was seen.
   */
  static <T> T await(String what, Duration timeout, Supplier<T> probe, Supplier<String> lastSeen) {
    long deadline = System.nanoTime() + scaled(timeout).toNanos();
    while (true) {
      T value;
      try {
        value = probe.get();
      } catch (RuntimeException e) {
        value = null;
      }
      if (value != null) {
        return value;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + scaled(timeout).toSeconds() + " s waiting for " + what
            + "; last seen: " + lastSeen.get());
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what);
      }
    }
  }

  /** Waits between observations of a condition that must hold throughout a period. */
  static void pause(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
