package io.vigil.config;

import io.vigil.patroni.DynamicConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds {@link GlobalConfig} from a dynamic configuration mapping (the DCS {@code /config} value or
 * {@code bootstrap.dcs}) with Patroni's defaults and minimums (docs/configuration.md §5.1).
 *
 * <p>{@link #parse} never fails: the value was written by someone else and must not stop the agent, so an
 * invalid value falls back to its default (or a value below its minimum is raised to it) and a warning is
 * returned. {@link #validate} is the strict check behind {@code --validate-config}: there a wrong type is an
 * error.
 */
public final class GlobalConfigParser {
  /** An integer setting: its key, legacy key (or null), default and minimum. */
  private record IntSetting(String key, String legacy, long fallback, long min) {}

  private static final IntSetting TTL = new IntSetting("ttl", null, 30, 20);
  private static final IntSetting LOOP_WAIT = new IntSetting("loop_wait", null, 10, 1);
  private static final IntSetting RETRY_TIMEOUT = new IntSetting("retry_timeout", null, 10, 3);
  private static final IntSetting MAX_LAG_FAILOVER = new IntSetting("maximum_lag_on_failover", null, 1048576, 0);
  private static final IntSetting MAX_LAG_SYNCNODE = new IntSetting("maximum_lag_on_syncnode", null, -1, -1);
  private static final IntSetting MAX_TIMELINES = new IntSetting("max_timelines_history", null, 0, 0);
  private static final IntSetting START_TIMEOUT = new IntSetting("primary_start_timeout", "master_start_timeout", 300, 0);
  private static final IntSetting STOP_TIMEOUT = new IntSetting("primary_stop_timeout", "master_stop_timeout", 0, 0);
  private static final IntSetting RACE_BACKOFF = new IntSetting("primary_race_backoff", null, 0, 0);
  private static final IntSetting SYNC_COUNT = new IntSetting("synchronous_node_count", null, 1, 1);
  private static final List<IntSetting> INTS = List.of(TTL, LOOP_WAIT, RETRY_TIMEOUT, MAX_LAG_FAILOVER,
      MAX_LAG_SYNCNODE, MAX_TIMELINES, START_TIMEOUT, STOP_TIMEOUT, RACE_BACKOFF, SYNC_COUNT);
  private static final List<String> BOOLS = List.of("synchronous_mode_strict", "failsafe_mode", "check_timeline", "pause");
  private static final List<String> SLOT_KEYS = List.of("permanent_replication_slots", "permanent_slots", "slots");
  private static final Set<String> KNOWN = Set.of("ttl", "loop_wait", "retry_timeout", "maximum_lag_on_failover",
      "maximum_lag_on_syncnode", "max_timelines_history", "primary_start_timeout", "master_start_timeout",
      "primary_stop_timeout", "master_stop_timeout", "primary_race_backoff", "synchronous_mode",
      "synchronous_mode_strict", "synchronous_node_count", "failsafe_mode", "check_timeline", "pause",
      "member_slots_ttl", "slots", "permanent_slots", "permanent_replication_slots", "ignore_slots",
      "standby_cluster", "postgresql", "citus");
  private static final long MEMBER_SLOTS_TTL_DEFAULT = 1800;
  private static final Pattern DURATION = Pattern.compile("\\s*(-?\\d+)\\s*(ms|s|min|h|d)?\\s*");

  /** The result of {@link #parse}: the config and what was wrong with the input. */
  public record Parsed(GlobalConfig config, List<String> warnings) {}

  private GlobalConfigParser() {}

  /** All defaults: what a node uses before it has read {@code /config}. */
  public static GlobalConfig defaults() {
    return parse(Map.of()).config();
  }

  /** Lenient parse of a {@code /config} value; null is treated as empty. */
  public static Parsed parse(Map<String, Object> raw) {
    Map<String, Object> data = raw == null ? Map.of() : raw;
    List<String> warnings = new ArrayList<>();
    long[] v = new long[INTS.size()];
    for (int i = 0; i < INTS.size(); i++) {
      v[i] = lenientInt(data, INTS.get(i), warnings);
    }
    int ttl = (int) v[0];
    int loopWait = (int) v[1];
    int retryTimeout = (int) v[2];
    // docs/configuration.md §5.1: loop_wait + 2*retry_timeout <= ttl; loop_wait gives way first
    if (loopWait + 2L * retryTimeout > ttl) {
      int lowered = ttl - 2 * retryTimeout;
      if (lowered >= 1) {
        warnings.add(String.format("Violated the rule \"loop_wait + 2*retry_timeout <= ttl\", where ttl=%d. "
            + "Adjusting loop_wait from %d to %d", ttl, loopWait, lowered));
        loopWait = lowered;
      } else {
        int adjusted = (ttl - 1) / 2;
        warnings.add(String.format("Violated the rule \"loop_wait + 2*retry_timeout <= ttl\", where ttl=%d. "
            + "Adjusting loop_wait from %d to 1 and retry_timeout from %d to %d", ttl, loopWait, retryTimeout, adjusted));
        loopWait = 1;
        retryTimeout = adjusted;
      }
    }
    boolean[] b = new boolean[BOOLS.size()];
    for (int i = 0; i < BOOLS.size(); i++) {
      b[i] = lenientBool(data, BOOLS.get(i), false, warnings);
    }
    GlobalConfig.SynchronousMode syncMode = synchronousMode(data.get("synchronous_mode"));
    if (syncMode == null) {
      warnings.add("synchronous_mode: expected on, off or quorum, got " + ConfigReader.describe(data.get("synchronous_mode"))
          + "; using off");
      syncMode = GlobalConfig.SynchronousMode.OFF;
    }
    int syncCount = (int) v[9];
    Long memberSlotsTtl = duration(data.get("member_slots_ttl"));
    if (memberSlotsTtl == null || memberSlotsTtl < 0) {
      if (data.get("member_slots_ttl") != null) {
        warnings.add("member_slots_ttl: expected a duration like 30min, got "
            + ConfigReader.describe(data.get("member_slots_ttl")) + "; using 30min");
      }
      memberSlotsTtl = MEMBER_SLOTS_TTL_DEFAULT;
    }
    Map<String, Object> postgresql = mapOrEmpty(data, "postgresql", warnings);
    Map<String, Object> standby = mapOrEmpty(data, "standby_cluster", warnings);
    boolean standbyActive = DynamicConfig.isStandbyClusterSection(standby);
    Map<String, Object> parameters = mapOrEmpty(postgresql, "parameters", warnings);
    Object hba = postgresql.get("pg_hba");
    List<String> pgHba = new ArrayList<>();
    if (hba instanceof List<?> l) {
      l.forEach(line -> pgHba.add(String.valueOf(line)));
    } else if (hba != null) {
      warnings.add("postgresql.pg_hba: expected a list of lines, got " + ConfigReader.describe(hba) + "; ignored");
    }
    GlobalConfig config = new GlobalConfig(
        ttl,
        loopWait,
        retryTimeout,
        v[3],
        v[4],
        (int) v[5],
        (int) v[6],
        (int) v[7],
        (int) v[8],
        syncMode,
        b[0],
        syncCount,
        b[1],
        b[2],
        b[3],
        (int) Math.min(memberSlotsTtl, Integer.MAX_VALUE),
        slots(data, warnings),
        ignoreSlots(data.get("ignore_slots"), warnings),
        standbyActive ? ConfigTree.frozen(standby) : null,
        lenientBool(postgresql, "use_pg_rewind", false, warnings),
        lenientBool(postgresql, "use_slots", true, warnings),
        ConfigTree.frozen(parameters),
        List.copyOf(pgHba),
        ConfigTree.frozen(new LinkedHashMap<>(data)));
    return new Parsed(config, List.copyOf(warnings));
  }

  /**
   * The strict check of {@code bootstrap.dcs} for {@code --validate-config}: one line per problem,
   * {@code <key.path>: <message>}, keys relative to the mapping given.
   */
  public static List<String> validate(Map<String, Object> dcs) {
    Problems problems = new Problems(null);
    validate(dcs, "", problems);
    return List.copyOf(problems.errors());
  }

  static void validate(Map<String, Object> dcs, String prefix, Problems problems) {
    ConfigReader r = new ConfigReader(dcs, prefix, problems);
    for (IntSetting s : INTS) {
      r.longValue(s.key(), s.fallback(), s.min(), Integer.MAX_VALUE);
      if (s.legacy() != null) {
        r.longValue(s.legacy(), s.fallback(), s.min(), Integer.MAX_VALUE);
      }
    }
    for (String key : BOOLS) {
      r.optionalBool(key);
    }
    Object sync = r.raw("synchronous_mode");
    if (sync != null && synchronousMode(sync) == null) {
      r.error("synchronous_mode", "expected on, off or quorum, got " + ConfigReader.describe(sync));
    }
    Object ttlValue = r.raw("member_slots_ttl");
    if (ttlValue != null) {
      Long d = duration(ttlValue);
      if (d == null || d < 0) {
        r.error("member_slots_ttl", "expected a duration like 30min or a number of seconds, got " + ConfigReader.describe(ttlValue));
      }
    }
    for (String key : SLOT_KEYS) {
      ConfigReader slots = r.section(key);
      for (Map.Entry<String, Object> e : slots.values().entrySet()) {
        Object value = e.getValue();
        if (value == null || Long.valueOf(0).equals(ConfigReader.toLong(value))) {
          continue;
        }
        if (!(value instanceof Map)) {
          slots.error(e.getKey(), "expected a mapping {type, database, plugin} or nothing, got " + ConfigReader.describe(value));
          continue;
        }
        Object type = ConfigReader.asMap(value).get("type");
        if (type != null && !Set.of("physical", "logical").contains(String.valueOf(type))) {
          problems.error(slots.key(e.getKey()) + ".type", "expected physical or logical, got " + ConfigReader.describe(type));
        }
      }
    }
    List<Object> ignore = r.list("ignore_slots", false);
    for (int i = 0; i < ignore.size(); i++) {
      if (!(ignore.get(i) instanceof Map)) {
        problems.error(r.key("ignore_slots") + "[" + i + "]", "expected a mapping {name, type, database, plugin}, got "
            + ConfigReader.describe(ignore.get(i)));
      }
    }
    ConfigReader standby = r.section("standby_cluster");
    Object standbySection = dcs.get("standby_cluster");
    if (standbySection instanceof Map<?, ?> sm) {
      @SuppressWarnings("unchecked")
      Map<String, Object> section = (Map<String, Object>) sm;
      StandbyCluster.parse(section, standby::error);
    }
    standby.markKnown("host", "port", "primary_slot_name", "create_replica_methods", "restore_command", "archive_cleanup_command",
        "recovery_min_apply_delay");
    standby.warnUnknown();
    ConfigReader pg = r.section("postgresql");
    pg.optionalBool("use_pg_rewind");
    pg.optionalBool("use_slots");
    pg.map("parameters");
    pg.stringList("pg_hba", false);
    pg.stringList("pg_ident", false);
    for (String local : List.of("connect_address", "proxy_address", "listen", "config_dir", "data_dir", "pgpass",
        "authentication")) {
      if (pg.raw(local) != null) {
        pg.warn(local, "ignored: it can only be set in the local configuration");
      }
    }
    r.markKnown(KNOWN.toArray(new String[0]));
    r.warnUnknown();
    long ttl = intOr(dcs.get("ttl"), TTL.fallback());
    long loopWait = intOr(dcs.get("loop_wait"), LOOP_WAIT.fallback());
    long retry = intOr(dcs.get("retry_timeout"), RETRY_TIMEOUT.fallback());
    if (loopWait + 2 * retry > ttl) {
      problems.warn(r.key("ttl"), "loop_wait + 2*retry_timeout (" + (loopWait + 2 * retry) + ") exceeds ttl (" + ttl
          + "); loop_wait and retry_timeout will be lowered");
    }
  }

  private static long intOr(Object v, long fallback) {
    Long l = v == null ? null : ConfigReader.toLong(v);
    return l == null ? fallback : l;
  }

  private static long lenientInt(Map<String, Object> data, IntSetting s, List<String> warnings) {
    String key = s.key();
    Object v = data.get(key);
    if (v == null && s.legacy() != null) {
      key = s.legacy();
      v = data.get(key);
    }
    if (v == null) {
      return s.fallback();
    }
    Long n = ConfigReader.toLong(v);
    if (n == null || n > Integer.MAX_VALUE && s != MAX_LAG_FAILOVER && s != MAX_LAG_SYNCNODE) {
      warnings.add(key + ": expected an integer, got " + ConfigReader.describe(v) + "; using the default " + s.fallback());
      return s.fallback();
    }
    if (n < s.min()) {
      warnings.add(key + ": " + n + " is below the minimum " + s.min() + "; using " + s.min());
      return s.min();
    }
    return n;
  }

  private static boolean lenientBool(Map<String, Object> data, String key, boolean fallback, List<String> warnings) {
    Object v = data.get(key);
    if (v == null) {
      return fallback;
    }
    Boolean b = ConfigReader.toBool(v);
    if (b == null) {
      warnings.add(key + ": expected a boolean, got " + ConfigReader.describe(v) + "; using " + fallback);
      return fallback;
    }
    return b;
  }

  private static Map<String, Object> mapOrEmpty(Map<String, Object> data, String key, List<String> warnings) {
    Object v = data.get(key);
    if (v == null) {
      return Map.of();
    }
    if (!(v instanceof Map)) {
      warnings.add(key + ": expected a mapping, got " + ConfigReader.describe(v) + "; ignored");
      return Map.of();
    }
    return ConfigReader.asMap(v);
  }

  /** true/on → ON, quorum → QUORUM, false/off/absent → OFF, anything else → null. */
  static GlobalConfig.SynchronousMode synchronousMode(Object v) {
    if (v == null) {
      return GlobalConfig.SynchronousMode.OFF;
    }
    if (v instanceof String s && s.trim().toLowerCase(Locale.ROOT).equals("quorum")) {
      return GlobalConfig.SynchronousMode.QUORUM;
    }
    Boolean b = ConfigReader.toBool(v);
    if (b == null) {
      return null;
    }
    return b ? GlobalConfig.SynchronousMode.ON : GlobalConfig.SynchronousMode.OFF;
  }

  /** Patroni's {@code parse_int(value, 's')}: a number of seconds or a number with ms, s, min, h or d. */
  static Long duration(Object v) {
    if (v == null) {
      return null;
    }
    Long n = v instanceof String ? null : ConfigReader.toLong(v);
    if (n != null) {
      return n;
    }
    Matcher m = DURATION.matcher(String.valueOf(v));
    if (!m.matches()) {
      return null;
    }
    long amount = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    return switch (unit) {
      case "ms" -> amount / 1000;
      case "min" -> amount * 60;
      case "h" -> amount * 3600;
      case "d" -> amount * 86400;
      default -> amount;
    };
  }

  /** Permanent slots: the first of permanent_replication_slots, permanent_slots, slots that is set. */
  private static Map<String, Map<String, Object>> slots(Map<String, Object> data, List<String> warnings) {
    Map<String, Object> raw = null;
    String from = null;
    for (String key : SLOT_KEYS) {
      if (data.get(key) instanceof Map<?, ?> m && !m.isEmpty()) {
        raw = ConfigReader.asMap(m);
        from = key;
        break;
      } else if (data.get(key) != null && !(data.get(key) instanceof Map)) {
        warnings.add(key + ": expected a mapping of slot names, got " + ConfigReader.describe(data.get(key)) + "; ignored");
      }
    }
    Map<String, Map<String, Object>> out = new LinkedHashMap<>();
    if (raw == null) {
      return Collections.unmodifiableMap(out);
    }
    for (Map.Entry<String, Object> e : raw.entrySet()) {
      Object value = e.getValue();
      Map<String, Object> slot = new LinkedHashMap<>();
      if (value instanceof Map<?, ?> m) {
        slot.putAll(ConfigReader.asMap(m));
      } else if (value != null && !Long.valueOf(0).equals(ConfigReader.toLong(value))) {
        warnings.add(from + "." + e.getKey() + ": expected a mapping or nothing, got " + ConfigReader.describe(value) + "; ignored");
        continue;
      }
      Object type = slot.get("type");
      if (type == null) {
        slot.put("type", slot.get("database") != null && slot.get("plugin") != null ? "logical" : "physical");
      } else if (!Set.of("physical", "logical").contains(String.valueOf(type))) {
        warnings.add(from + "." + e.getKey() + ".type: expected physical or logical, got " + ConfigReader.describe(type) + "; ignored");
        continue;
      }
      if ("logical".equals(slot.get("type")) && (slot.get("database") == null || slot.get("plugin") == null)) {
        warnings.add(from + "." + e.getKey() + ": a logical slot needs database and plugin; ignored");
        continue;
      }
      out.put(e.getKey(), ConfigTree.frozen(slot));
    }
    return Collections.unmodifiableMap(out);
  }

  private static List<Map<String, Object>> ignoreSlots(Object v, List<String> warnings) {
    List<Map<String, Object>> out = new ArrayList<>();
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof List<?> l)) {
      warnings.add("ignore_slots: expected a list of mappings, got " + ConfigReader.describe(v) + "; ignored");
      return List.of();
    }
    for (Object item : l) {
      if (item instanceof Map<?, ?> m) {
        out.add(ConfigTree.frozen(ConfigReader.asMap(m)));
      } else {
        warnings.add("ignore_slots: expected a mapping {name, type, database, plugin}, got " + ConfigReader.describe(item) + "; ignored");
      }
    }
    return Collections.unmodifiableList(out);
  }
}
