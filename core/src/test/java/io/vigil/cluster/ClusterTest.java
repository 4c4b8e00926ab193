package io.vigil.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClusterTest {

  /** {@code pause} in {@code /config} is read as Patroni's parse_bool reads it, not by tag truthiness. */
  @ParameterizedTest(name = "pause: {0} -> {1}")
  @CsvSource({"true, true", "on, true", "1, true", "false, false", "y, false", "2, false", "off, false"})
  void pauseIsReadWithParseBool(String value, boolean paused) {
    Cluster c = Cluster.empty();
    Cluster withConfig = new Cluster(c.initialize(), new ClusterConfig(0, Map.of("pause", value)), null, null,
        null, null, null, null, null);
    assertEquals(paused, withConfig.isPaused());
  }
}
