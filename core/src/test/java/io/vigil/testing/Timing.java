package io.vigil.testing;

import java.time.Duration;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The one timing multiplier and the one poll helper of every test module (Curator's {@code Timing} idea).
 *
 * <p>{@code -Dvigil.test.timing=F} (a decimal, 1 by default; the root pom passes it to every surefire and failsafe
 * fork) multiplies every timeout a test waits for, so that a slow or loaded machine can be given more time without
 * editing tests. Periods a scenario is about (renewing for 3 × ttl, a writer's interval) are not scaled.
 *
 * <p>{@link #await} polls with a pause between two probes, never in a busy loop, and fails with what it was
 * waiting for, how long it waited and what it last saw.
 */
public final class Timing {
  /** The system property holding the multiplier. */
  public static final String PROPERTY = "vigil.test.timing";
  /** Pause between two probes when the caller does not choose one. */
  public static final Duration DEFAULT_POLL = Duration.ofMillis(100);

  private static final double MULTIPLIER = parseMultiplier(System.getProperty(PROPERTY));

  private Timing() {}

  /** A probe that may throw; {@code null} means "not yet". */
  @FunctionalInterface
  public interface Probe<T> {
    T get() throws Exception;
  }

  /** A condition that may throw. */
  @FunctionalInterface
  public interface Condition {
    boolean holds() throws Exception;
  }

  /** The multiplier of this test run. */
  public static double multiplier() {
    return MULTIPLIER;
  }

  /** {@code value} as a multiplier: a positive decimal; null or blank is 1. */
  static double parseMultiplier(String value) {
    if (value == null || value.isBlank()) {
      return 1;
    }
    double m;
    try {
      m = Double.parseDouble(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("-D" + PROPERTY + "=" + value + ": not a number", e);
    }
    if (!(m > 0) || Double.isInfinite(m)) {
      throw new IllegalArgumentException("-D" + PROPERTY + "=" + value + ": must be a positive number");
    }
    return m;
  }

  static Duration scaled(Duration d, double multiplier) {
    return Duration.ofNanos(Math.round(d.toNanos() * multiplier));
  }

  /** {@code d} times the multiplier. */
  public static Duration scaled(Duration d) {
    return scaled(d, MULTIPLIER);
  }

  /** {@code millis} times the multiplier, in milliseconds. */
  public static long scaledMillis(long millis) {
    return Math.round(millis * MULTIPLIER);
  }

  /**
   * Probes every {@code every} until {@code probe} returns a non-null value, for at most {@code timeout} times
   * the multiplier; see {@link #awaitWithin}.
   */
  public static <T> T await(String what, Duration timeout, Duration every, Probe<T> probe, Supplier<String> lastSeen) {
    return awaitWithin(what, scaled(timeout), every, probe, lastSeen);
  }

  /** {@link #await} with the {@link #DEFAULT_POLL} pause and nothing more to show than the last probe's value. */
  public static <T> T await(String what, Duration timeout, Probe<T> probe) {
    return await(what, timeout, DEFAULT_POLL, probe, () -> "nothing");
  }

  /** Waits until {@code condition} holds, probing every {@code every}, for at most {@code timeout} scaled. */
  public static void until(String what, Duration timeout, Duration every, Condition condition) {
    await(what, timeout, every, () -> condition.holds() ? Boolean.TRUE : null, () -> "false");
  }

  /**
   * Probes every {@code every} until {@code probe} returns a non-null value, for at most {@code limit} as given
   * (already scaled by the caller). An exception from the probe ends the wait: unchecked ones as they are, checked
   * ones in an AssertionError. At the limit it fails with an AssertionError that says what it waited for, how long,
   * and {@code lastSeen}.
   */
  public static <T> T awaitWithin(String what, Duration limit, Duration every, Probe<T> probe,
      Supplier<String> lastSeen) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (true) {
      T value;
      try {
        value = probe.get();
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what, e);
      } catch (Exception e) {
        throw new AssertionError(e + " while waiting for " + what, e);
      }
      if (value != null) {
        return value;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError(String.format(Locale.ROOT, "timed out after %.1f s waiting for %s; last seen: %s",
            limit.toMillis() / 1000.0, what, lastSeen.get()));
      }
      pause(Duration.ofNanos(Math.min(every.toNanos(), left)));
    }
  }

  /** Lets time pass (not scaled); an interrupt fails the test instead of being lost. */
  public static void pause(Duration d) {
    try {
      Thread.sleep(Math.max(0, d.toMillis()), (int) (Math.max(0, d.toNanos()) % 1_000_000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
