package io.vigil.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.cluster.Member;
import io.vigil.postgres.ReplicationSlots.ExistingSlot;
import io.vigil.postgres.ReplicationSlots.Plan;
import io.vigil.postgres.ReplicationSlots.Slot;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplicationSlotsTest {

  private static Member member(String name, Map<String, Object> tags) {
    return new Member(name, 1, null, Map.of("conn_url", "postgres://127.0.0.1:5432/postgres", "tags", tags));
  }

  private static ExistingSlot physical(String name, Long lsn) {
    return new ExistingSlot(name, "physical", null, null, lsn, false);
  }

  private static final List<Member> MEMBERS = List.of(
      member("pg-1", Map.of()), member("pg-2", Map.of()), member("pg-3", Map.of("replicatefrom", "pg-2")),
      member("pg-4", Map.of("nostream", true)), member("pg-5", Map.of("replicatefrom", "gone")));

  @Test
  void primaryKeepsSlotsForMembersStreamingFromIt() {
    Plan plan = ReplicationSlots.plan("pg-1", true, MEMBERS, Map.of(), List.of(), List.of(), Map.of(), false, false);
    assertEquals(List.of(new Slot("pg_2", "physical", null, null), new Slot("pg_5", "physical", null, null)),
        plan.create());
    assertTrue(plan.drop().isEmpty());
  }

  @Test
  void replicaKeepsSlotsForMembersCascadingFromIt() {
    Plan plan = ReplicationSlots.plan("pg-2", false, MEMBERS, Map.of(), List.of(), List.of(physical("pg_1", 5L)),
        Map.of(), false, false);
    assertEquals(List.of(new Slot("pg_3", "physical", null, null)), plan.create());
    assertEquals(List.of("pg_1"), plan.drop());
  }

  @Test
  void permanentSlotsAreCreatedAndUnknownOnesDroppedUnlessIgnored() {
    Map<String, Map<String, Object>> permanent = Map.of(
        "keep_me", Map.of("type", "physical"),
        "cdc", Map.of("type", "logical", "database", "app", "plugin", "pgoutput"),
        "pg_1", Map.of("type", "physical"));
    List<ExistingSlot> existing = List.of(
        physical("pg_2", 1L),
        physical("stale", 1L),
        new ExistingSlot("debezium", "logical", "pgoutput", "app", 1L, false),
        new ExistingSlot("cdc", "logical", "wal2json", "app", 1L, false));
    Plan plan = ReplicationSlots.plan("pg-1", true, MEMBERS, permanent,
        List.of(Map.of("name", "debezium", "type", "logical")), existing, Map.of(), false, false);
    assertEquals(List.of("stale", "cdc"), plan.drop(), "cdc has the wrong plugin: dropped and recreated");
    assertTrue(plan.create().contains(new Slot("keep_me", "physical", null, null)));
    assertTrue(plan.create().contains(new Slot("cdc", "logical", "pgoutput", "app")));
    assertTrue(plan.create().stream().noneMatch(s -> s.name().equals("pg_1")), "never a slot for myself");
  }

  @Test
  void replicasKeepPermanentPhysicalSlotsAdvancedToTheLeadersLsnButNoLogicalOnes() {
    Map<String, Map<String, Object>> permanent = Map.of("keep_me", Map.of("type", "physical"),
        "cdc", Map.of("type", "logical", "database", "app", "plugin", "pgoutput"));
    Plan plan = ReplicationSlots.plan("pg-2", false, List.of(member("pg-1", Map.of()), member("pg-2", Map.of())),
        permanent, List.of(), List.of(physical("keep_me", 100L)), Map.of("keep_me", 500L), false, false);
    assertEquals(Map.of("keep_me", 500L), plan.advance());
    assertTrue(plan.create().isEmpty());
    assertTrue(plan.drop().isEmpty());
  }

  @Test
  void nofailoverNodesKeepNoPermanentSlots() {
    Plan plan = ReplicationSlots.plan("pg-1", true, List.of(member("pg-1", Map.of())),
        Map.of("keep_me", Map.of("type", "physical")), List.of(), List.of(physical("keep_me", 1L)), Map.of(), true,
        false);
    assertEquals(List.of("keep_me"), plan.drop());
  }
}
