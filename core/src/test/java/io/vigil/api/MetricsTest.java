package io.vigil.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.bus.NodeStatus;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class MetricsTest {

  static String render(NodeStatus s) {
    NodeView view = NodeView.of(s, new Fixtures.TestClock());
    return Metrics.render(view, StatusJson.body(view, "4.0.4"), "4.0.4", Fixtures.MONO);
  }

  static List<String> samples(String text) {
    return Arrays.stream(text.split("\n")).filter(l -> !l.startsWith("#")).collect(Collectors.toList());
  }

  @Test
  void replicaValuesMatchTheReference() {
    List<String> lines = samples(render(Fixtures.replica()));
    String l = "{scope=\"anchor\",name=\"pg1\"}";
    for (String expected : List.of("patroni_version" + l + " 040004", "patroni_postgres_running" + l + " 1",
        "patroni_postmaster_start_time" + l + " 1795237097.260036", "patroni_primary" + l + " 0",
        "patroni_xlog_location" + l + " 0", "patroni_standby_leader" + l + " 0", "patroni_replica" + l + " 1",
        "patroni_sync_standby" + l + " 0", "patroni_xlog_received_location" + l + " 67373608",
        "patroni_xlog_replayed_location" + l + " 67373608",
        "patroni_xlog_replayed_timestamp" + l + " 1795237095.402969", "patroni_xlog_paused" + l + " 0",
        "patroni_postgres_streaming" + l + " 1", "patroni_postgres_in_archive_recovery" + l + " 0",
        "patroni_postgres_server_version " + l + " 150018", "patroni_cluster_unlocked" + l + " 0",
        "patroni_failsafe_mode_is_active" + l + " 0", "patroni_postgres_timeline" + l + " 4",
        "patroni_dcs_last_seen" + l + " 1795237121", "patroni_pending_restart" + l + " 0",
        "patroni_is_paused" + l + " 0", "patroni_postgres_state" + l + " 5")) {
      assertTrue(lines.contains(expected), () -> expected + " missing from\n" + String.join("\n", lines));
    }
  }

  @Test
  void leaderAndStoppedNodeValues() {
    String leader = render(Fixtures.leader());
    assertTrue(leader.contains("patroni_primary{scope=\"anchor\",name=\"pg3\"} 1\n"));
    assertTrue(leader.contains("patroni_xlog_location{scope=\"anchor\",name=\"pg3\"} 67373608\n"));
    assertTrue(leader.contains("patroni_xlog_replayed_timestamp{scope=\"anchor\",name=\"pg3\"} 0\n"));
    String stopped = render(Fixtures.stoppedReplica());
    assertTrue(stopped.contains("patroni_postgres_running{scope=\"anchor\",name=\"pg1\"} 0\n"));
    assertTrue(stopped.contains("patroni_postgres_state{scope=\"anchor\",name=\"pg1\"} 12\n"));
    assertTrue(stopped.contains("patroni_postgres_server_version {scope=\"anchor\",name=\"pg1\"} 0\n"));
    assertTrue(!stopped.contains("patroni_postgres_streaming"), "only reported for PostgreSQL 9.6+");
  }

  @Test
  void everySampleHasHelpAndTypeAndVigilOnesArePrefixed() {
    String text = render(Fixtures.leader());
    String[] lines = text.split("\n");
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].startsWith("#")) {
        continue;
      }
      String name = lines[i].split("[{ ]")[0];
      assertTrue(name.startsWith("patroni_") || name.startsWith("vigil_"), name);
      assertEquals("# TYPE " + name, lines[i - 1].substring(0, lines[i - 1].lastIndexOf(' ')), lines[i]);
      assertTrue(text.contains("# HELP " + name + " "), name);
    }
    assertTrue(text.endsWith("\n"));
    assertEquals("030002", Metrics.paddedVersion("3.0.2"));
    assertEquals("041004", Metrics.paddedVersion("4.10.4"));
  }
}
