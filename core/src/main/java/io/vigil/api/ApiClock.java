package io.vigil.api;

import java.time.Instant;

/**
 * The two clocks the REST API reads: wall time for epochs and schedules, monotonic time to judge how old the
 * HA loop's last cycle is. {@link io.vigil.bus.NodeStatus#lastCycleMonotonicMillis()} is on the same monotonic
 * scale as {@link #SYSTEM}: {@code System.nanoTime() / 1_000_000}.
 */
public interface ApiClock {
  ApiClock SYSTEM = new ApiClock() {
    @Override
    public Instant now() {
      return Instant.now();
    }

    @Override
    public long monotonicMillis() {
      return System.nanoTime() / 1_000_000;
    }
  };

  Instant now();

  long monotonicMillis();
}
