package io.vigil.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vigil.config.StandbyCluster;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplicationSourceTest {

  private static ReplicationSource remote(Map<String, Object> section) {
    return ReplicationSource.remote(StandbyCluster.parse(section, (k, m) -> {
      throw new AssertionError(k + ": " + m);
    }));
  }

  @Test
  void aMultiHostRemotePrimaryIsTriedHostByHostWithItsOwnPort() {
    List<ReplicationSource> hosts = remote(Map.of("host", "a1,a2", "port", "5433,5434")).eachHost();
    assertEquals(List.of(new ReplicationSource("remote primary a1:5433", "a1", 5433),
        new ReplicationSource("remote primary a2:5434", "a2", 5434)), hosts);
  }

  @Test
  void oneSharedPortServesEveryHost() {
    List<ReplicationSource> hosts = remote(Map.of("host", "a1, a2", "port", 6000)).eachHost();
    assertEquals(List.of(6000, 6000), hosts.stream().map(ReplicationSource::port).toList());
    assertEquals(List.of("a1", "a2"), hosts.stream().map(ReplicationSource::host).toList());
  }

  @Test
  void aSingleHostIsItsOwnOnlyCandidate() {
    ReplicationSource one = remote(Map.of("host", "a1", "port", 5433));
    assertEquals(List.of(one), one.eachHost());
  }
}
