package io.vigil.dcs.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * How often the etcd watch asks for progress: three times per staleness bound, so that one lost answer never makes a
 * live watch look stale, and never more than once a second.
 */
class WatchCacheProgressTest {
  @ParameterizedTest(name = "staleAfter {0} ms: every {1} ms")
  @CsvSource({
      "2000, 1000",   // the smallest bound (test timings, loop_wait 2): once a second, as always
      "4000, 1333",
      "10000, 3333",  // loop_wait 10 / retry_timeout 10: three requests in the bound
      "30000, 10000",
  })
  void threeRequestsPerStalenessBoundAtMostOneASecond(long staleAfterMillis, long everyMillis) {
    assertEquals(everyMillis, WatchCache.progressEveryMillis(staleAfterMillis));
  }
}
