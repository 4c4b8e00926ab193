package io.vigil.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** {@code postgresql:} (docs/configuration.md §5.3). Paths are absolute after loading. */
public record PostgresSettings(
    /** the first listen address and the port; {@code listenAddresses} keeps the whole comma list */
    HostPort listen,
    String listenAddresses,
    HostPort connectAddress,
    HostPort proxyAddress,
    Path dataDir,
    Path configDir,
    /** null when unset: the controller then finds the installed major version's binaries */
    Path binDir,
    Map<String, String> binName,
    Path pgpass,
    PgUser superuser,
    PgUser replication,
    PgUser rewind,
    String database,
    boolean useUnixSocket,
    boolean useUnixSocketRepl,
    /** local {@code parameters}; see {@link EffectiveConfig} for the merge with the DCS */
    Map<String, Object> parameters,
    String customConf,
    List<String> pgHba,
    List<String> pgIdent,
    Map<String, Object> recoveryConf,
    int pgCtlTimeout,
    /** on_start, on_stop, on_restart, on_reload, on_role_change → command */
    Map<String, String> callbacks,
    List<String> createReplicaMethods,
    Map<String, BootstrapSettings.CustomMethod> replicaMethods,
    List<BootstrapSettings.Option> basebackup,
    /** local {@code use_pg_rewind}; null when the local file does not say */
    Boolean usePgRewind,
    List<BootstrapSettings.Option> rewindOptions,
    boolean removeDataDirectoryOnRewindFailure,
    boolean removeDataDirectoryOnDivergedTimelines,
    String prePromote,
    String beforeStop,
    /** local {@code parameters_<role>} sections keyed by role name (primary, replica, standby_leader) */
    Map<String, Map<String, Object>> roleParameters,
    /** local {@code pg_hba_<role>} lists keyed by role name; each replaces {@code pg_hba} for that role */
    Map<String, List<String>> rolePgHba,
    /** local {@code pg_ident_<role>} lists keyed by role name */
    Map<String, List<String>> rolePgIdent) {

  /** The original shape, without per-role sections (kept so existing callers compile unchanged). */
  public PostgresSettings(HostPort listen, String listenAddresses, HostPort connectAddress, HostPort proxyAddress,
      Path dataDir, Path configDir, Path binDir, Map<String, String> binName, Path pgpass, PgUser superuser,
      PgUser replication, PgUser rewind, String database, boolean useUnixSocket, boolean useUnixSocketRepl,
      Map<String, Object> parameters, String customConf, List<String> pgHba, List<String> pgIdent,
      Map<String, Object> recoveryConf, int pgCtlTimeout, Map<String, String> callbacks,
      List<String> createReplicaMethods, Map<String, BootstrapSettings.CustomMethod> replicaMethods,
      List<BootstrapSettings.Option> basebackup, Boolean usePgRewind, List<BootstrapSettings.Option> rewindOptions,
      boolean removeDataDirectoryOnRewindFailure, boolean removeDataDirectoryOnDivergedTimelines, String prePromote,
      String beforeStop) {
    this(listen, listenAddresses, connectAddress, proxyAddress, dataDir, configDir, binDir, binName, pgpass,
        superuser, replication, rewind, database, useUnixSocket, useUnixSocketRepl, parameters, customConf, pgHba,
        pgIdent, recoveryConf, pgCtlTimeout, callbacks, createReplicaMethods, replicaMethods, basebackup,
        usePgRewind, rewindOptions, removeDataDirectoryOnRewindFailure, removeDataDirectoryOnDivergedTimelines,
        prePromote, beforeStop, Map.of(), Map.of(), Map.of());
  }

  /** A PostgreSQL role Vigil connects as, with its libpq options (sslmode, sslcert, ...). */
  public record PgUser(String username, Secret password, Map<String, String> options) {
    /** {@code sslpassword} is a libpq option but a secret all the same. */
    @Override
    public String toString() {
      Map<String, String> shown = new java.util.LinkedHashMap<>(options);
      shown.replaceAll((k, v) -> k.equals("sslpassword") ? "******" : v);
      return "PgUser[username=" + username + ", password=" + password + ", options=" + shown + "]";
    }
  }

  /** {@code conn_url} of the member key: {@code postgres://connect_address/database}. */
  public String connUrl() {
    return "postgres://" + connectAddress + "/" + database;
  }
}
