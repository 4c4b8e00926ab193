package io.vigil.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The {@code standby_cluster} section of the dynamic configuration (docs/standby-cluster.md §1), with exactly the
 * keys of Patroni 4 (patroni/config.py, docs/standby_cluster.rst): {@code host}, {@code port},
 * {@code primary_slot_name}, {@code create_replica_methods}, {@code restore_command},
 * {@code archive_cleanup_command}, {@code recovery_min_apply_delay}.
 *
 * <p>{@code host} may list several hosts separated by commas (docs/standby_cluster.rst: the remote site without a
 * single endpoint); {@code port} is one port for all of them or, as libpq accepts, one per host
 * ({@code "5432,5433"}). With several hosts the standby leader connects with
 * {@code target_session_attrs=read-write}, so it always streams from the remote primary.
 *
 * @param hosts the remote hosts, empty when only WAL archives are used
 * @param ports the remote ports (empty: libpq's default), one for all hosts or one per host
 * @param primarySlotName the slot on the remote primary, null for none (Patroni creates no slot there)
 * @param createReplicaMethods the methods that clone the remote primary, null to use {@code postgresql}'s
 * @param restoreCommand {@code restore_command} for every member of the standby cluster, null for none
 * @param archiveCleanupCommand {@code archive_cleanup_command}, null for none
 * @param recoveryMinApplyDelay {@code recovery_min_apply_delay} on the standby leader, null for none
 */
public record StandbyCluster(List<String> hosts, List<Integer> ports, String primarySlotName,
    List<String> createReplicaMethods, String restoreCommand, String archiveCleanupCommand,
    String recoveryMinApplyDelay) {

  public StandbyCluster {
    hosts = List.copyOf(hosts);
    ports = List.copyOf(ports);
    createReplicaMethods = createReplicaMethods == null ? null : List.copyOf(createReplicaMethods);
  }

  /** Whether the standby leader can reach the remote primary over the network (host or port given). */
  public boolean hasConnection() {
    return !hosts.isEmpty() || !ports.isEmpty();
  }

  /** The {@code host} value for a libpq conninfo ({@code h1,h2}), null when none is set. */
  public String hostList() {
    return hosts.isEmpty() ? null : String.join(",", hosts);
  }

  /** The {@code port} value for a libpq conninfo ({@code 5432} or {@code 5432,5433}), null when none is set. */
  public String portList() {
    return ports.isEmpty() ? null : String.join(",", ports.stream().map(String::valueOf).toList());
  }

  /** Several hosts: the connection must pick the one that is a primary ({@code target_session_attrs}). */
  public boolean multiHost() {
    return hosts.size() > 1;
  }

  /**
   * Reads a {@code standby_cluster} section. Every problem goes to {@code errors} as (key, message); the
   * result is null when there was one.
   */
  public static StandbyCluster parse(Map<String, Object> section, BiConsumer<String, String> errors) {
    List<String> hosts = new ArrayList<>();
    List<Integer> ports = new ArrayList<>();
    boolean[] bad = {false};
    BiConsumer<String, String> report = (k, m) -> {
      bad[0] = true;
      errors.accept(k, m);
    };
    Object host = section.get("host");
    if (host != null) {
      if (!(host instanceof String s)) {
        report.accept("host", "expected a host name or a comma-separated list of hosts, got " + describe(host));
      } else {
        for (String h : s.split(",", -1)) {
          if (h.isBlank()) {
            if (!s.isBlank()) {
              report.accept("host", "empty host name in '" + s + "'");
            }
            continue;
          }
          hosts.add(h.trim());
        }
      }
    }
    Object port = section.get("port");
    if (port != null) {
      if (port instanceof Integer || port instanceof Long) {
        addPort(((Number) port).longValue(), ports, report);
      } else if (port instanceof String s && !s.isBlank()) {
        for (String p : s.split(",", -1)) {
          try {
            addPort(Long.parseLong(p.trim()), ports, report);
          } catch (NumberFormatException e) {
            report.accept("port", "expected a port number or a comma-separated list of ports, got '" + s + "'");
            break;
          }
        }
      } else if (!(port instanceof String)) {
        report.accept("port", "expected a port number or a comma-separated list of ports, got " + describe(port));
      }
    }
    if (ports.size() > 1 && ports.size() != Math.max(1, hosts.size())) {
      report.accept("port", "lists " + ports.size() + " ports for " + hosts.size()
          + " hosts: give one port for all hosts or one per host");
    }
    List<String> methods = null;
    Object m = section.get("create_replica_methods");
    if (m != null) {
      if (m instanceof List<?> list && list.stream().allMatch(x -> x instanceof String)) {
        methods = list.stream().map(String.class::cast).toList();
      } else {
        report.accept("create_replica_methods", "expected a list of method names, got " + describe(m));
      }
    }
    String slot = string(section, "primary_slot_name", report);
    String restore = string(section, "restore_command", report);
    String cleanup = string(section, "archive_cleanup_command", report);
    Object delay = section.get("recovery_min_apply_delay");
    String minApplyDelay = null;
    if (delay instanceof Number n) {
      minApplyDelay = String.valueOf(n.longValue());
    } else if (delay instanceof String s && !s.isBlank()) {
      minApplyDelay = s;
    } else if (delay != null && !(delay instanceof String)) {
      report.accept("recovery_min_apply_delay", "expected a duration like 5min, got " + describe(delay));
    }
    if (bad[0]) {
      return null;
    }
    return new StandbyCluster(hosts, ports, slot, methods, restore, cleanup, minApplyDelay);
  }

  private static void addPort(long p, List<Integer> ports, BiConsumer<String, String> report) {
    if (p < 1 || p > 65535) {
      report.accept("port", "expected a port between 1 and 65535, got " + p);
    } else {
      ports.add((int) p);
    }
  }

  private static String string(Map<String, Object> section, String key, BiConsumer<String, String> report) {
    Object v = section.get(key);
    if (v == null || v instanceof String s && s.isEmpty()) {
      return null;
    }
    if (v instanceof String s) {
      return s;
    }
    report.accept(key, "expected a string, got " + describe(v));
    return null;
  }

  private static String describe(Object v) {
    return ConfigReader.describe(v);
  }
}
