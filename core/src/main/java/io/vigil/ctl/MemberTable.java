package io.vigil.ctl;

import io.vigil.patroni.ClusterJson;
import io.vigil.patroni.PyText;
import io.vigil.cluster.Cluster;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The member list of {@code list}, {@code topology} and of every command that shows the cluster first
 * (patronictl's {@code output_members}), in patronictl 4.x columns: Member, Host, Role, State, TL, Receive LSN,
 * Lag, Replay LSN, Lag, then Pending restart, Pending restart reason, Scheduled restart and Tags when any member
 * has a value (always with {@code -e}), followed in pretty output by {@code Maintenance mode: on} and a
 * scheduled switchover.
 */
public final class MemberTable {
  private static final List<String> BASE_COLUMNS = List.of("Cluster", "Member", "Host", "Role", "State", "TL",
      "Receive LSN", "Receive Lag", "Replay LSN", "Replay Lag");
  private static final List<String> EXTRA_COLUMNS = List.of("Pending restart", "Pending restart reason",
      "Scheduled restart", "Tags");
  private static final Map<String, TableRenderer.Align> ALIGN = Map.of(
      "Group", TableRenderer.Align.RIGHT, "Receive LSN", TableRenderer.Align.RIGHT,
      "Replay LSN", TableRenderer.Align.RIGHT, "Lag", TableRenderer.Align.RIGHT, "TL", TableRenderer.Align.RIGHT);

  private MemberTable() {}

  /** {@code " Cluster: <name> (<initialize>) "}. */
  public static String title(Cluster cluster, String name) {
    String init = cluster.initialize() == null ? "uninitialized"
        : cluster.initialize().isEmpty() ? "initializing" : cluster.initialize();
    return " Cluster: " + name + " (" + init + ") ";
  }

  /** The text patronictl prints for this cluster in {@code fmt} (pretty, topology, tsv, json, yaml). */
  @SuppressWarnings("unchecked")
  public static String render(Cluster cluster, String name, boolean extended, String fmt) {
    Map<String, Object> json = ClusterJson.clusterAsJson(cluster);
    List<Map<String, Object>> members = (List<Map<String, Object>>) json.get("members");
    List<String> columns = new ArrayList<>(BASE_COLUMNS);
    List<Map<String, Object>> withHost = members.stream().filter(m -> m.containsKey("host")).toList();
    for (String c : EXTRA_COLUMNS) {
      String key = key(c);
      if (extended || withHost.stream().anyMatch(m -> PyText.truthy(m.get(key)))) {
        columns.add(c);
      }
    }
    Set<Object> hosts = new HashSet<>();
    withHost.forEach(m -> hosts.add(m.get("host")));
    boolean appendPort = withHost.stream().anyMatch(m -> m.containsKey("port") && ((Number) m.get("port")).intValue() != 5432)
        || hosts.size() < withHost.size();

    boolean pretty = fmt.equals("pretty") || fmt.equals("topology");
    List<Map<String, Object>> ordered = fmt.equals("topology") ? Topology.sort(members) : members;
    List<List<Object>> rows = new ArrayList<>();
    for (Map<String, Object> member : ordered) {
      rows.add(row(member, name, columns, appendPort, pretty));
    }
    if (pretty) {
      columns.set(columns.indexOf("Receive Lag"), "Lag");
      columns.set(columns.indexOf("Replay Lag"), "Lag");
    }
    StringBuilder out = new StringBuilder(TableOutput.format(columns, rows, ALIGN, fmt, title(cluster, name), "\t"));
    if (pretty) {
      List<String> info = serviceInfo(json);
      if (!info.isEmpty()) {
        out.append('\n').append(' ').append(String.join("\n ", info));
      }
    }
    return out.toString();
  }

  @SuppressWarnings("unchecked")
  private static List<Object> row(Map<String, Object> member, String clusterName, List<String> columns,
      boolean appendPort, boolean hideLong) {
    Map<String, Object> m = new LinkedHashMap<>(member);
    StringBuilder reason = new StringBuilder();
    Object reasons = m.get("pending_restart_reason");
    if (reasons instanceof Map<?, ?> rm) {
      for (Map.Entry<?, ?> e : rm.entrySet()) {
        Map<String, Object> v = e.getValue() instanceof Map<?, ?> vm ? (Map<String, Object>) vm : Map.of();
        String full = e.getKey() + ": " + PyText.str(v.get("old_value")) + "->" + PyText.str(v.get("new_value"));
        if (hideLong && full.length() > 50) {
          full = e.getKey() + ": [hidden - too long]";
        }
        if (reason.length() > 0) {
          reason.append('\n');
        }
        reason.append(full);
      }
    }
    Object receiveLag = m.getOrDefault("receive_lag", "");
    Object replayLag = m.getOrDefault("replay_lag", "");
    Object receiveLsn = m.getOrDefault("receive_lsn", "");
    Object replayLsn = m.getOrDefault("replay_lsn", "");
    Object lsn = m.getOrDefault("lsn", "");
    // members written by Patroni < 3.1 only have xlog_location: show it as the receive or replay position
    if ("unknown".equals(receiveLsn) && "unknown".equals(replayLsn) && PyText.truthy(lsn) && !"unknown".equals(lsn)) {
      Object lag = m.getOrDefault("lag", "");
      if ("streaming".equals(m.get("state"))) {
        receiveLag = lag;
        receiveLsn = lsn;
      } else {
        replayLag = lag;
        replayLsn = lsn;
      }
    }
    m.put("cluster", clusterName);
    m.put("member", m.get("name"));
    m.put("host", m.getOrDefault("host", ""));
    m.put("tl", m.getOrDefault("timeline", ""));
    m.put("role", PyText.title(String.valueOf(m.get("role")).replace('_', ' ')));
    m.put("receive_lag", lag(receiveLag));
    m.put("replay_lag", lag(replayLag));
    m.put("receive_lsn", receiveLsn);
    m.put("replay_lsn", replayLsn);
    m.put("pending_restart", PyText.truthy(m.get("pending_restart")) ? "*" : "");
    m.put("pending_restart_reason", reason.toString());
    if (appendPort && PyText.truthy(m.get("host")) && m.get("port") != null) {
      m.put("host", m.get("host") + ":" + m.get("port"));
    }
    if (m.get("scheduled_restart") instanceof Map<?, ?> sr) {
      String value = PyText.str(sr.get("schedule"));
      if (sr.containsKey("postgres_version")) {
        value += " if version < " + PyText.str(sr.get("postgres_version"));
      }
      m.put("scheduled_restart", value);
    }
    List<Object> row = new ArrayList<>();
    for (String c : columns) {
      row.add(m.getOrDefault(key(c), ""));
    }
    return row;
  }

  private static Object lag(Object lag) {
    if (lag instanceof Long || lag instanceof Integer) {
      return ClusterJson.megabytes(((Number) lag).longValue());
    }
    return "unknown".equals(lag) ? "" : lag;
  }

  private static String key(String column) {
    return column.toLowerCase(java.util.Locale.ROOT).replace(' ', '_');
  }

  @SuppressWarnings("unchecked")
  private static List<String> serviceInfo(Map<String, Object> json) {
    List<String> info = new ArrayList<>();
    if (Boolean.TRUE.equals(json.get("pause"))) {
      info.add("Maintenance mode: on");
    }
    if (json.get("scheduled_switchover") instanceof Map<?, ?> s) {
      StringBuilder line = new StringBuilder("Switchover scheduled at: " + s.get("at"));
      for (String n : List.of("from", "to")) {
        if (s.containsKey(n)) {
          line.append('\n').append(String.format("%24s: %s", n, s.get(n)));
        }
      }
      info.add(line.toString());
    }
    return info;
  }

  /** patronictl's {@code topology_sort}: the leader, then replicas under the member named in replicatefrom. */
  static final class Topology {
    private Topology() {}

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> sort(List<Map<String, Object>> members) {
      Map<String, Object> leader = null;
      Set<String> replicas = new HashSet<>();
      for (Map<String, Object> m : members) {
        String role = String.valueOf(m.get("role"));
        if (role.endsWith("leader")) {
          if (leader == null) {
            leader = m;
          }
        } else {
          replicas.add((String) m.get("name"));
        }
      }
      String leaderName = leader == null ? null : (String) leader.get("name");
      Map<String, List<Map<String, Object>>> children = new LinkedHashMap<>();
      for (Map<String, Object> m : members) {
        if (!String.valueOf(m.get("role")).endsWith("leader")) {
          Object tags = m.get("tags");
          Object parent = tags instanceof Map<?, ?> t ? ((Map<String, Object>) t).get("replicatefrom") : null;
          String p = parent != null && !parent.equals(m.get("name")) && replicas.contains(String.valueOf(parent))
              ? String.valueOf(parent) : leaderName;
          children.computeIfAbsent(p, k -> new ArrayList<>()).add(m);
        }
      }
      List<Map<String, Object>> out = new ArrayList<>();
      Map<String, Object> root = leader != null ? leader : new LinkedHashMap<>();
      walk(0, root, leaderName, children, out, new HashSet<>());
      return out;
    }

    private static void walk(int level, Map<String, Object> member, String name,
        Map<String, List<Map<String, Object>>> children, List<Map<String, Object>> out, Set<String> seen) {
      if (name != null && !seen.add(name)) {
        return; // replicatefrom loops (a -> b -> a) would recurse forever
      }
      List<Map<String, Object>> kids = children.getOrDefault(name, List.of());
      if (name != null) {
        Map<String, Object> shown = new LinkedHashMap<>(member);
        if (level > 0) {
          shown.put("name", " ".repeat((level - 1) * 2) + "+ " + name);
        }
        out.add(shown);
      }
      for (Map<String, Object> kid : kids) {
        walk(level + 1, kid, (String) kid.get("name"), children, out, seen);
      }
    }
  }
}
