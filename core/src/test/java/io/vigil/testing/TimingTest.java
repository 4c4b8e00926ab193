package io.vigil.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TimingTest {
  @Test
  void takesAFractionalMultiplier() {
    assertEquals(1.5, Timing.parseMultiplier("1.5"));
    assertEquals(0.5, Timing.parseMultiplier(" 0.5 "));
    assertEquals(Duration.ofMillis(7500), Timing.scaled(Duration.ofSeconds(5), 1.5));
    assertEquals(Duration.ofMillis(250), Timing.scaled(Duration.ofMillis(500), 0.5));
  }

  @Test
  void defaultsToOneAndRefusesNonsense() {
    assertEquals(1, Timing.parseMultiplier(null));
    assertEquals(1, Timing.parseMultiplier(""));
    assertThrows(IllegalArgumentException.class, () -> Timing.parseMultiplier("fast"));
    assertThrows(IllegalArgumentException.class, () -> Timing.parseMultiplier("0"));
    assertThrows(IllegalArgumentException.class, () -> Timing.parseMultiplier("-2"));
    assertThrows(IllegalArgumentException.class, () -> Timing.parseMultiplier("NaN"));
  }

  @Test
  void returnsTheFirstValueTheProbeGives() {
    AtomicInteger calls = new AtomicInteger();
    String value = Timing.awaitWithin("the third call", Duration.ofSeconds(5), Duration.ofMillis(1),
        () -> calls.incrementAndGet() == 3 ? "three" : null, () -> "calls: " + calls);
    assertEquals("three", value);
    assertEquals(3, calls.get());
  }

  @Test
  void timesOutWithWhatItAwaitedAndWhatItLastSaw() {
    AssertionError e = assertThrows(AssertionError.class, () -> Timing.awaitWithin("the leader key",
        Duration.ofMillis(300), Duration.ofMillis(50), () -> null, () -> "no leader"));
    assertEquals("timed out after 0.3 s waiting for the leader key; last seen: no leader", e.getMessage());
  }

  @Test
  void sleepsBetweenProbes() {
    AtomicInteger calls = new AtomicInteger();
    long start = System.nanoTime();
    assertThrows(AssertionError.class, () -> Timing.awaitWithin("never", Duration.ofMillis(500),
        Duration.ofMillis(100), () -> {
          calls.incrementAndGet();
          return null;
        }, () -> "nothing"));
    long elapsedMs = (System.nanoTime() - start) / 1_000_000;
    assertTrue(elapsedMs >= 500, "gave up after " + elapsedMs + " ms");
    // a busy loop would probe millions of times in 500 ms; one probe per 100 ms gives about 6
    assertTrue(calls.get() >= 2 && calls.get() <= 8, "probed " + calls + " times in " + elapsedMs + " ms");
  }

  @Test
  void aCheckedFailureOfTheProbeEndsTheWait() {
    AssertionError e = assertThrows(AssertionError.class, () -> Timing.awaitWithin("a file",
        Duration.ofSeconds(5), Duration.ofMillis(10), () -> {
          throw new IOException("disk gone");
        }, () -> "nothing"));
    assertTrue(e.getCause() instanceof IOException, String.valueOf(e.getCause()));
  }
}
