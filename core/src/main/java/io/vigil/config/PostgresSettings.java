package io.vigil.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** {@code postgresql:} (SPEC §5.3). Paths are absolute after loading. */
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
    String beforeStop) {

  /** A PostgreSQL role Vigil connects as, with its libpq options (sslmode, sslcert, ...). */
  public record PgUser(String username, Secret password, Map<String, String> options) {}

  /** {@code conn_url} of the member key: {@code postgres://connect_address/database}. */
  public String connUrl() {
    return "postgres://" + connectAddress + "/" + database;
  }
}
