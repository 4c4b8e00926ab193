package io.vigil.postgres;

import io.vigil.cluster.Member;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Which replication slots a node should have (docs/postgres.md §6.4), as a pure plan: the controller reads
 * pg_replication_slots, calls {@link #plan}, and executes the plan with SQL.
 *
 * <p>Member slots (PG ≥ 11 with {@code member_slots_ttl = 0} semantics, Patroni's classic behaviour): a primary
 * keeps a physical slot for every other member that streams from it (not {@code nostream}, not cascading from
 * another existing member); a replica keeps slots for the members that {@code replicatefrom} it. Permanent slots
 * from the dynamic {@code slots}: physical ones on the primary and, advanced to the LSN the leader publishes in
 * {@code /status}, on replicas; logical ones only on the primary. None on {@code nofailover} nodes. Everything
 * else is dropped unless it matches {@code ignore_slots}.
 */
public final class ReplicationSlots {
  private ReplicationSlots() {}

  /** A slot as Vigil wants it; {@code plugin} and {@code database} are null for physical slots. */
  public record Slot(String name, String type, String plugin, String database) {
    public boolean physical() {
      return "physical".equals(type);
    }
  }

  /** A row of pg_replication_slots. */
  public record ExistingSlot(String name, String type, String plugin, String database, Long restartLsn,
      boolean active) {}

  /**
   * What to do, in order: drop, create, advance.
   *
   * @param drop slots to drop (unexpected, or expected with another type/plugin/database)
   * @param create slots to create
   * @param advance physical slots on a replica to move forward: name → target LSN
   */
  public record Plan(List<String> drop, List<Slot> create, Map<String, Long> advance) {
    public boolean isEmpty() {
      return drop.isEmpty() && create.isEmpty() && advance.isEmpty();
    }
  }

  /**
   * @param myName this member's name
   * @param primary whether this node leads: runs as primary, or is the standby leader of a standby cluster
   *     (patroni/dcs/__init__.py {@code _get_members_slots}: member slots on the primary or standby_leader)
   * @param members the cluster's members
   * @param permanent the dynamic {@code slots}: name → {type, database, plugin, cluster_type}
   * @param ignore the dynamic {@code ignore_slots} entries (name/type/database/plugin to match)
   * @param statusSlots the leader's published slot LSNs ({@code /status.slots}), may be empty
   * @param nofailover this node's nofailover tag
   * @param standbyCluster whether the cluster is a standby cluster (only physical slots there)
   */
  public static Plan plan(String myName, boolean primary, List<Member> members,
      Map<String, Map<String, Object>> permanent, List<Map<String, Object>> ignore, List<ExistingSlot> existing,
      Map<String, Long> statusSlots, boolean nofailover, boolean standbyCluster) {
    Map<String, Slot> wanted = new LinkedHashMap<>();
    List<String> names = members.stream().map(Member::name).toList();
    for (Member m : members) {
      if (m.name().equals(myName)) {
        continue;
      }
      String from = m.typedTags().replicatefrom();
      boolean streamsFromMe = primary
          ? !m.typedTags().nostream() && (from == null || from.equals(myName) || !names.contains(from))
          : myName.equals(from);
      if (streamsFromMe) {
        String slot = SlotNames.forMember(m.name());
        wanted.put(slot, new Slot(slot, "physical", null, null));
      }
    }
    Map<String, Long> advance = new LinkedHashMap<>();
    if (!nofailover && permanent != null) {
      String mySlot = SlotNames.forMember(myName);
      permanent.forEach((name, spec) -> {
        Map<String, Object> s = spec == null ? Map.of() : spec;
        String type = String.valueOf(s.getOrDefault("type", "physical"));
        Object clusterType = s.get("cluster_type");
        if (("primary".equals(clusterType) && standbyCluster) || ("standby".equals(clusterType) && !standbyCluster)
            || wanted.containsKey(name)) {
          return;
        }
        if ("physical".equals(type)) {
          if (name.equals(mySlot)) {
            return;
          }
          wanted.put(name, new Slot(name, "physical", null, null));
          Long lsn = statusSlots == null ? null : statusSlots.get(name);
          if (!primary && lsn != null) {
            advance.put(name, lsn);
          }
        } else if ("logical".equals(type) && primary && !standbyCluster && s.get("database") != null
            && s.get("plugin") != null) {
          wanted.put(name, new Slot(name, "logical", String.valueOf(s.get("plugin")),
              String.valueOf(s.get("database"))));
        }
      });
    }
    List<String> drop = new ArrayList<>();
    List<Slot> create = new ArrayList<>();
    Map<String, ExistingSlot> have = new LinkedHashMap<>();
    for (ExistingSlot e : existing) {
      Slot w = wanted.get(e.name());
      if (w == null) {
        if (!ignored(e, ignore)) {
          drop.add(e.name());
        }
      } else if (!w.type().equals(e.type())
          || (!w.physical() && (!Objects.equals(w.plugin(), e.plugin()) || !Objects.equals(w.database(), e.database())))) {
        drop.add(e.name());
      } else {
        have.put(e.name(), e);
      }
    }
    wanted.values().stream().filter(w -> !have.containsKey(w.name())).forEach(create::add);
    advance.entrySet().removeIf(a -> {
      ExistingSlot e = have.get(a.getKey());
      return e != null && e.restartLsn() != null && e.restartLsn() >= a.getValue();
    });
    return new Plan(List.copyOf(drop), List.copyOf(create), Map.copyOf(advance));
  }

  static boolean ignored(ExistingSlot slot, List<Map<String, Object>> ignore) {
    if (ignore == null) {
      return false;
    }
    for (Map<String, Object> rule : ignore) {
      if (matches(rule.get("name"), slot.name()) && matches(rule.get("type"), slot.type())
          && matches(rule.get("database"), slot.database()) && matches(rule.get("plugin"), slot.plugin())) {
        return true;
      }
    }
    return false;
  }

  private static boolean matches(Object expected, String actual) {
    return expected == null || String.valueOf(expected).equals(actual);
  }
}
