package io.vigil.config;

import io.vigil.postgres.PostgresRole;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The configuration a node acts on: local {@link Settings} combined with the dynamic {@link GlobalConfig}
 * with Patroni's precedence (docs/configuration.md §5.1): hard-coded defaults, then the DCS, then the local file, except
 * that {@code ttl}, {@code loop_wait}, {@code retry_timeout}, {@code use_slots} and the DCS-only PostgreSQL
 * parameters of docs/configuration.md §5.2 come only from the DCS. Only precedence is decided here; validating the values of
 * the controlled parameters and rendering postgresql.conf are the PostgreSQL side's job.
 */
public final class EffectiveConfig {
  /** Parameters only the DCS may set (docs/configuration.md §5.2); a local value is ignored. */
  public static final Set<String> DCS_ONLY_PARAMETERS = Set.of(
      "max_connections", "max_wal_senders", "max_prepared_transactions", "max_locks_per_transaction",
      "max_replication_slots", "max_worker_processes", "wal_level", "hot_standby", "wal_log_hints",
      "track_commit_timestamp", "wal_keep_segments", "wal_keep_size");

  /** Parameters always derived from the local addresses and scope, whatever either config says. */
  public static final Set<String> DERIVED_PARAMETERS = Set.of("listen_addresses", "port", "cluster_name");

  private final Settings local;
  private final GlobalConfig global;

  public EffectiveConfig(Settings local, GlobalConfig global) {
    this.local = local;
    this.global = global;
  }

  public Settings local() {
    return local;
  }

  public GlobalConfig global() {
    return global;
  }

  public int ttl() {
    return global.ttl();
  }

  public int loopWait() {
    return global.loopWait();
  }

  public int retryTimeout() {
    return global.retryTimeout();
  }

  /** The local {@code use_pg_rewind} when the file says, else the DCS value (default false). */
  public boolean usePgRewind() {
    Boolean localValue = local.postgresql().usePgRewind();
    return localValue != null ? localValue : global.usePgRewind();
  }

  /** Dynamic only. */
  public boolean useSlots() {
    return global.useSlots();
  }

  /** The standby cluster section from the DCS, or null when this is not a standby cluster. */
  public Map<String, Object> standbyCluster() {
    return global.standbyCluster();
  }

  /** Patroni's name of the role whose {@code parameters_<role>} and {@code pg_hba_<role>} apply. */
  public static String roleSection(PostgresRole role) {
    return switch (role) {
      case PRIMARY, PROMOTED -> "primary";
      case STANDBY_LEADER -> "standby_leader";
      default -> "replica";
    };
  }

  /**
   * The PostgreSQL parameters for a node in {@code role}: dynamic {@code parameters}, overridden by local ones
   * (except the DCS-only ones), then {@code parameters_<role>} merged over them the same way; finally
   * {@code listen_addresses}, {@code port} and {@code cluster_name} from the local addresses and scope.
   * Keys are compared case-insensitively, as PostgreSQL does.
   */
  public Map<String, Object> postgresParameters(PostgresRole role) {
    String section = roleSection(role);
    Map<String, Object> out = new LinkedHashMap<>();
    putAll(out, global.postgresqlParameters(), false);
    putAll(out, local.postgresql().parameters(), true);
    putAll(out, dynamicPostgresqlMap("parameters_" + section), false);
    putAll(out, local.postgresql().roleParameters().getOrDefault(section, Map.of()), true);
    PostgresSettings pg = local.postgresql();
    removeIgnoringCase(out, "listen_addresses");
    removeIgnoringCase(out, "port");
    removeIgnoringCase(out, "cluster_name");
    if (pg.listen() != null) {
      out.put("listen_addresses", pg.listenAddresses() != null ? pg.listenAddresses() : pg.listen().host());
      out.put("port", pg.listen().port());
    }
    out.put("cluster_name", local.scope());
    return Collections.unmodifiableMap(out);
  }

  /** Only the DCS-only parameters that the DCS sets (no defaults filled in). */
  public Map<String, Object> controlledParameters() {
    Map<String, Object> out = new LinkedHashMap<>();
    global.postgresqlParameters().forEach((k, v) -> {
      if (DCS_ONLY_PARAMETERS.contains(k.toLowerCase(Locale.ROOT))) {
        out.put(k.toLowerCase(Locale.ROOT), v);
      }
    });
    return Collections.unmodifiableMap(out);
  }

  /** Local {@code pg_hba} when set, else the dynamic one. */
  public List<String> pgHba() {
    List<String> localHba = local.postgresql().pgHba();
    return localHba != null && !localHba.isEmpty() ? localHba : global.pgHba();
  }

  /** {@code pg_hba_<role>} (local first, then dynamic) replaces {@link #pgHba()} for that role. */
  public List<String> pgHba(PostgresRole role) {
    String section = roleSection(role);
    List<String> localRole = local.postgresql().rolePgHba().get(section);
    if (localRole != null && !localRole.isEmpty()) {
      return localRole;
    }
    List<String> dynamicRole = dynamicPostgresqlList("pg_hba_" + section);
    return dynamicRole.isEmpty() ? pgHba() : dynamicRole;
  }

  public List<String> pgIdent() {
    List<String> localIdent = local.postgresql().pgIdent();
    return localIdent != null && !localIdent.isEmpty() ? localIdent : dynamicPostgresqlList("pg_ident");
  }

  public List<String> pgIdent(PostgresRole role) {
    String section = roleSection(role);
    List<String> localRole = local.postgresql().rolePgIdent().get(section);
    if (localRole != null && !localRole.isEmpty()) {
      return localRole;
    }
    List<String> dynamicRole = dynamicPostgresqlList("pg_ident_" + section);
    return dynamicRole.isEmpty() ? pgIdent() : dynamicRole;
  }

  /** Local {@code recovery_conf} when set, else the dynamic one. */
  public Map<String, Object> recoveryConf() {
    Map<String, Object> localConf = local.postgresql().recoveryConf();
    return localConf != null && !localConf.isEmpty() ? localConf : dynamicPostgresqlMap("recovery_conf");
  }

  private static void putAll(Map<String, Object> out, Map<String, Object> in, boolean isLocal) {
    if (in == null) {
      return;
    }
    in.forEach((k, v) -> {
      boolean controlled = DCS_ONLY_PARAMETERS.contains(k.toLowerCase(Locale.ROOT));
      if (isLocal && controlled) {
        return;
      }
      removeIgnoringCase(out, k);
      out.put(controlled ? k.toLowerCase(Locale.ROOT) : k, v);
    });
  }

  private static void removeIgnoringCase(Map<String, Object> map, String key) {
    map.keySet().removeIf(existing -> existing.equalsIgnoreCase(key));
  }

  private Map<String, Object> dynamicPostgresql() {
    Object pg = global.raw() == null ? null : global.raw().get("postgresql");
    return pg instanceof Map<?, ?> m ? ConfigReader.asMap(m) : Map.of();
  }

  private Map<String, Object> dynamicPostgresqlMap(String key) {
    Object v = dynamicPostgresql().get(key);
    return v instanceof Map<?, ?> m ? ConfigReader.asMap(m) : Map.of();
  }

  private List<String> dynamicPostgresqlList(String key) {
    Object v = dynamicPostgresql().get(key);
    if (!(v instanceof List<?> l)) {
      return List.of();
    }
    return l.stream().map(String::valueOf).toList();
  }
}
