package io.vigil.dcs;

/** The timings a DCS backend needs, from the dynamic configuration (seconds). */
public record DcsTiming(int ttl, int loopWait, int retryTimeout) {
  public static DcsTiming defaults() {
    return new DcsTiming(30, 10, 10);
  }
}
