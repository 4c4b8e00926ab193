package io.vigil.postgres;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits the effective {@code postgresql.parameters} into what goes on the postmaster's command line and what
 * goes into {@code postgresql.conf}, applying Patroni's rules for the parameters only the DCS may set
 * (docs/configuration.md §5.2): default when missing, default plus a warning when invalid.
 *
 * <p>Pure: the caller passes the already merged parameter map ({@code EffectiveConfig} decides precedence and
 * drops local values of controlled parameters) and logs {@link #warnings()}.
 *
 * @param commandLine {@code name → value} passed as {@code --name=value}, in a stable order
 * @param conf every other parameter, sorted by name, values rendered as PostgreSQL reads them
 * @param warnings one line per invalid value that was replaced by its default
 */
public record ServerParameters(Map<String, String> commandLine, Map<String, String> conf, List<String> warnings) {

  /** Recovery settings that Vigil owns on PG 12+ (written from the follow target, never from parameters). */
  static final Set<String> RECOVERY_PARAMETERS = Set.of(
      "primary_conninfo", "primary_slot_name", "recovery_target", "recovery_target_lsn", "recovery_target_name",
      "recovery_target_time", "recovery_target_xid", "recovery_target_inclusive", "recovery_target_action",
      "recovery_target_timeline", "standby_mode", "trigger_file", "promote_trigger_file");

  /** Set from other settings, never from {@code parameters}. */
  private static final Set<String> FIXED = Set.of("listen_addresses", "port", "cluster_name", "config_file",
      "data_directory");

  private static final Pattern SIZE = Pattern.compile("^\\s*(\\d+)\\s*(kB|MB|GB|TB)?\\s*$");

  /**
   * @param parameters the merged parameters (values as YAML gives them: String, Number or Boolean)
   * @param serverVersionNum e.g. 150004
   * @param listenAddresses {@code postgresql.listen} hosts, comma separated
   * @param port {@code postgresql.listen} port
   * @param scope the cluster name ({@code cluster_name})
   */
  public static ServerParameters of(Map<String, Object> parameters, int serverVersionNum, String listenAddresses,
      int port, String scope) {
    Map<String, Object> p = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    if (parameters != null) {
      parameters.forEach((k, v) -> {
        if (v != null) {
          p.put(k, v);
        }
      });
    }
    List<String> warnings = new ArrayList<>();
    Map<String, String> cmd = new LinkedHashMap<>();
    cmd.put("listen_addresses", listenAddresses);
    cmd.put("port", Integer.toString(port));
    cmd.put("cluster_name", scope);
    cmd.put("wal_level", walLevel(p.get("wal_level"), serverVersionNum, warnings));
    cmd.put("hot_standby", mustBeOn("hot_standby", p.get("hot_standby"), warnings));
    cmd.put("max_connections", minimum("max_connections", p.get("max_connections"), 100, 25, warnings));
    cmd.put("max_wal_senders", minimum("max_wal_senders", p.get("max_wal_senders"), 10, 3, warnings));
    cmd.put("max_prepared_transactions",
        minimum("max_prepared_transactions", p.get("max_prepared_transactions"), 0, 0, warnings));
    cmd.put("max_locks_per_transaction",
        minimum("max_locks_per_transaction", p.get("max_locks_per_transaction"), 64, 32, warnings));
    cmd.put("track_commit_timestamp", bool("track_commit_timestamp", p.get("track_commit_timestamp"), false, warnings));
    cmd.put("max_replication_slots", minimum("max_replication_slots", p.get("max_replication_slots"), 10, 4, warnings));
    cmd.put("max_worker_processes", minimum("max_worker_processes", p.get("max_worker_processes"), 8, 2, warnings));
    cmd.put("wal_log_hints", bool("wal_log_hints", p.get("wal_log_hints"), true, warnings));
    walKeep(p, serverVersionNum, cmd, warnings);

    Map<String, String> conf = new TreeMap<>();
    p.forEach((name, value) -> {
      String lower = name.toLowerCase(Locale.ROOT);
      if (!cmd.containsKey(lower) && !FIXED.contains(lower) && !RECOVERY_PARAMETERS.contains(lower)
          && !lower.equals("wal_keep_segments") && !lower.equals("wal_keep_size")) {
        conf.put(lower, render(value));
      }
    });
    return new ServerParameters(cmd, conf, warnings);
  }

  public ServerParameters {
    commandLine = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(commandLine));
    conf = java.util.Collections.unmodifiableMap(new TreeMap<>(conf));
    warnings = List.copyOf(warnings);
  }

  /** The postmaster arguments: {@code --name=value} for each command-line parameter. */
  public List<String> arguments() {
    List<String> args = new ArrayList<>();
    commandLine.forEach((k, v) -> args.add("--" + k + "=" + v));
    return args;
  }

  /** A parameter's value from either map, null if not set. */
  public String get(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    String v = commandLine.get(lower);
    return v != null ? v : conf.get(lower);
  }

  static String render(Object value) {
    if (value instanceof Boolean b) {
      return b ? "on" : "off";
    }
    return String.valueOf(value);
  }

  private static String walLevel(Object value, int version, List<String> warnings) {
    String v = value == null ? "hot_standby" : render(value).toLowerCase(Locale.ROOT);
    if (!Set.of("hot_standby", "replica", "logical").contains(v)) {
      warnings.add(invalid("wal_level", value, "hot_standby"));
      v = "hot_standby";
    }
    return v.equals("hot_standby") && version >= 90600 ? "replica" : v;
  }

  private static String mustBeOn(String name, Object value, List<String> warnings) {
    if (value != null && !Boolean.TRUE.equals(parseBool(value))) {
      warnings.add(invalid(name, value, "on"));
    }
    return "on";
  }

  private static String bool(String name, Object value, boolean dflt, List<String> warnings) {
    if (value == null) {
      return dflt ? "on" : "off";
    }
    Boolean b = parseBool(value);
    if (b == null) {
      warnings.add(invalid(name, value, dflt ? "on" : "off"));
      return dflt ? "on" : "off";
    }
    return b ? "on" : "off";
  }

  /** PostgreSQL's boolean spellings (on/off, true/false, yes/no, 1/0), case-insensitive. */
  static Boolean parseBool(Object value) {
    if (value instanceof Boolean b) {
      return b;
    }
    String s = String.valueOf(value).trim().toLowerCase(Locale.ROOT);
    return switch (s) {
      case "on", "true", "yes", "1", "t", "y" -> true;
      case "off", "false", "no", "0", "f", "n" -> false;
      default -> null;
    };
  }

  private static String minimum(String name, Object value, int dflt, int min, List<String> warnings) {
    if (value == null) {
      return Integer.toString(dflt);
    }
    try {
      long v = value instanceof Number n ? n.longValue() : Long.parseLong(String.valueOf(value).trim());
      if (v >= min && v <= Integer.MAX_VALUE) {
        return Long.toString(v);
      }
    } catch (NumberFormatException e) {
      // reported below like a value under the minimum
    }
    warnings.add(invalid(name, value, Integer.toString(dflt)));
    return Integer.toString(dflt);
  }

  private static void walKeep(Map<String, Object> p, int version, Map<String, String> cmd, List<String> warnings) {
    Object size = p.get("wal_keep_size");
    Object segments = p.get("wal_keep_segments");
    if (version >= 130000) {
      long mb;
      if (size != null) {
        Long parsed = sizeInMb(size);
        if (parsed == null || parsed < 16) {
          warnings.add(invalid("wal_keep_size", size, "128MB"));
          parsed = 128L;
        }
        mb = parsed;
      } else if (segments != null) {
        Long segs = asLong(segments);
        if (segs == null || segs < 1) {
          warnings.add(invalid("wal_keep_segments", segments, "8"));
          segs = 8L;
        }
        mb = segs * 16;
      } else {
        mb = 128;
      }
      cmd.put("wal_keep_size", mb + "MB");
    } else {
      long segs;
      if (segments != null) {
        Long parsed = asLong(segments);
        if (parsed == null || parsed < 1) {
          warnings.add(invalid("wal_keep_segments", segments, "8"));
          parsed = 8L;
        }
        segs = parsed;
      } else if (size != null) {
        Long parsedMb = sizeInMb(size);
        segs = parsedMb == null || parsedMb < 16 ? 8 : parsedMb / 16;
      } else {
        segs = 8;
      }
      cmd.put("wal_keep_segments", Long.toString(segs));
    }
  }

  /** A size GUC in MB: a bare number means MB (wal_keep_size's unit), else kB/MB/GB/TB suffixes. */
  static Long sizeInMb(Object value) {
    if (value instanceof Number n) {
      return n.longValue();
    }
    Matcher m = SIZE.matcher(String.valueOf(value));
    if (!m.matches()) {
      return null;
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "MB" : m.group(2);
    return switch (unit) {
      case "kB" -> n / 1024;
      case "GB" -> n * 1024;
      case "TB" -> n * 1024 * 1024;
      default -> n;
    };
  }

  private static Long asLong(Object value) {
    try {
      return value instanceof Number n ? n.longValue() : Long.parseLong(String.valueOf(value).trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static String invalid(String name, Object value, String dflt) {
    return "Invalid value for " + name + ": '" + value + "'; using the default " + dflt;
  }
}
