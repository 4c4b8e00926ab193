package io.vigil.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.cluster.Cluster;
import io.vigil.cluster.ClusterConfig;
import io.vigil.cluster.Leader;
import io.vigil.cluster.Member;
import io.vigil.cluster.Status;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code vigilctl events} without {@code --follow}: every member's ring, merged by time, as a table or JSON. */
class EventsCommandTest {
  private static final Map<String, String> ENV = Map.of("PATRONI_SCOPE", "anchor");
  private FakePatroniApi api;
  private InMemoryDcs dcs;

  static String sse(String member, long seq, String time, String type, String data) {
    return "id: " + seq + "\nevent: " + type + "\ndata: {\"schema\":1,\"seq\":" + seq + ",\"time\":\"" + time
        + "\",\"scope\":\"anchor\",\"member\":\"" + member + "\",\"type\":\"" + type + "\",\"data\":" + data
        + "}\n\n";
  }

  @BeforeEach
  void start() throws Exception {
    api = new FakePatroniApi("pg1", "pg2");
    Member pg1 = CtlFixtures.member("pg1", 5432, api.port("pg1"), "role", "primary");
    Member pg2 = CtlFixtures.member("pg2", 5433, api.port("pg2"));
    dcs = new InMemoryDcs(new Cluster("7710484112634925804", new ClusterConfig(11, CtlFixtures.sampleConfig()),
        new Leader(5, "lease", pg1), new Status(CtlFixtures.OPTIME, null, null), List.of(pg1, pg2), null, null,
        null, null));
    api.answer("pg1", "GET", "/events", 200, "retry: 2000\n\n"
        + sse("pg1", 1, "2026-12-04T10:00:01.000Z", "role_changed", "{\"old\":\"replica\",\"new\":\"primary\"}")
        + ": heartbeat\n\n"
        + sse("pg1", 2, "2026-12-04T10:00:03.000Z", "ha_cycle", "{\"message\":\"no action\"}"));
    api.answer("pg2", "GET", "/events", 200, "event: gap\ndata: {\"reason\":\"ring_overflow\",\"last_event_id\":0,"
        + "\"first_missing\":1,\"first_available\":7}\n\n"
        + sse("pg2", 7, "2026-12-04T10:00:02.000Z", "leader_changed", "{\"old\":null,\"new\":\"pg1\"}"));
  }

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void theRingsOfEveryMemberAreMergedByTimeIntoATable() {
    CtlRun r = CtlRun.run(dcs, null, ENV, "events");
    assertEquals(0, r.code(), r.err());
    String out = r.out();
    int role = out.indexOf("role_changed");
    int leader = out.indexOf("leader_changed");
    int cycle = out.indexOf("ha_cycle");
    assertTrue(out.contains("| Time") && out.contains("| Details"), out);
    assertTrue(out.contains("gap") && out.contains("reason=ring_overflow"), out);
    assertTrue(role > 0 && role < leader && leader < cycle, out);
    assertTrue(out.contains("old=replica new=primary"), out);
    assertEquals(2, api.requests("GET", "/events").size());
  }

  @Test
  void jsonPrintsOneEventPerLineAndAMemberCanBeChosen() {
    CtlRun r = CtlRun.run(dcs, null, ENV, "events", "-m", "pg1", "-f", "json");
    assertEquals(0, r.code(), r.err());
    List<String> lines = r.out().lines().toList();
    assertEquals(2, lines.size(), r.out());
    assertTrue(lines.get(0).startsWith("{\"schema\":1,\"seq\":1,"), lines.get(0));
    assertEquals(1, api.requests("GET", "/events").size());
    assertEquals("pg1", api.requests("GET", "/events").get(0).member());
  }

  @Test
  void anUnknownMemberOrARefusedFilterIsAnError() {
    CtlRun unknown = CtlRun.run(dcs, null, ENV, "events", "-m", "pg9");
    assertEquals(1, unknown.code());
    assertTrue(unknown.err().contains("pg9 is not a member of cluster"), unknown.err());
    api.answer("pg1", "GET", "/events", 400, "{\"error\": \"unknown event type 'nope' in types\"}");
    CtlRun bad = CtlRun.run(dcs, null, ENV, "events", "-m", "pg1", "--types", "nope");
    assertEquals(1, bad.code());
    assertTrue(bad.err().contains("status code=400") && bad.err().contains("nope"), bad.err());
  }
}
