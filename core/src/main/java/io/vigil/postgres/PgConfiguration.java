package io.vigil.postgres;

import io.vigil.config.PostgresSettings;
import io.vigil.config.PostgresSettings.PgUser;
import io.vigil.config.Settings;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the server's configuration files will say: the effective parameters (docs/configuration.md §5.2: controlled parameters on
 * the command line with defaults and minimums), {@code synchronous_standby_names}, pg_hba and pg_ident, the
 * recovery target and the pgpass file. It holds the values the HA loop last gave and writes them all at once
 * through {@link PgConfigFiles} before every start and reload.
 */
final class PgConfiguration {
  private static final Logger LOG = LoggerFactory.getLogger(PgConfiguration.class);

  private final Settings settings;
  private final PostgresSettings pg;
  private final PgConfigFiles files;
  private final int serverVersionNum;

  private volatile Map<String, Object> parameters;
  private volatile List<String> pgHba;
  private volatile List<String> pgIdent;
  private volatile RecoveryConfig recovery;
  private volatile String synchronousStandbyNames;
  private volatile Map<String, Integer> replicaMinimums = Map.of();

  PgConfiguration(Settings settings, PgConfigFiles files, int serverVersionNum) {
    this.settings = settings;
    this.pg = settings.postgresql();
    this.files = files;
    this.serverVersionNum = serverVersionNum;
    this.parameters = pg.parameters() == null ? Map.of() : Map.copyOf(pg.parameters());
    this.pgHba = pg.pgHba();
    this.pgIdent = pg.pgIdent();
  }

  PgConfigFiles files() {
    return files;
  }

  void setParameters(Map<String, Object> effectiveParameters) {
    this.parameters = effectiveParameters == null ? Map.of() : Map.copyOf(effectiveParameters);
  }

  void setAccessFiles(List<String> hba, List<String> ident) {
    this.pgHba = hba;
    this.pgIdent = ident;
  }

  /** Vigil's {@code synchronous_standby_names}; null leaves the user's own parameter, if any. */
  void setSynchronousStandbyNames(String value) {
    this.synchronousStandbyNames = value;
  }

  /** The recovery target in use (null when running, or about to start, as a primary). */
  RecoveryConfig recovery() {
    return recovery;
  }

  void setRecovery(RecoveryConfig target) {
    this.recovery = target;
  }

  /** The parameters as they will be written: controlled ones validated (warnings logged by the writer). */
  ServerParameters serverParameters() {
    Map<String, Object> p = new LinkedHashMap<>(parameters);
    if (synchronousStandbyNames != null) {
      p.put("synchronous_standby_names", synchronousStandbyNames);
    }
    ServerParameters sp = ServerParameters.of(p, serverVersionNum, listenAddresses(), pg.listen().port(),
        settings.scope());
    Map<String, Integer> minimums = replicaMinimums;
    if (recovery == null || minimums.isEmpty()) {
      return sp;
    }
    Map<String, String> cmd = new LinkedHashMap<>(sp.commandLine());
    minimums.forEach((name, min) -> {
      String v = cmd.get(name);
      if (v != null && Integer.parseInt(v) < min) {
        cmd.put(name, Integer.toString(min));
      }
    });
    return new ServerParameters(cmd, sp.conf(), sp.warnings());
  }

  /** The first of the server's unix_socket_directories (Debian's default when unset). */
  String socketDirectory() {
    String dirs = serverParameters().get("unix_socket_directories");
    String first = dirs == null ? "/var/run/postgresql" : dirs.split(",")[0].trim();
    return first.isEmpty() ? "/var/run/postgresql" : first;
  }

  /** A callable that reads pg_controldata, for {@link #readReplicaMinimums}. */
  interface ControlDataSource {
    ControlData read() throws IOException;
  }

  /**
   * A hot standby refuses to start with max_connections (and friends) below the primary's, which pg_control
   * records: a replica takes the higher value (docs/configuration.md §5.2).
   */
  void readReplicaMinimums(ControlDataSource controlData) {
    if (recovery == null) {
      replicaMinimums = Map.of();
      return;
    }
    try {
      ControlData cd = controlData.read();
      Map<String, Integer> m = new LinkedHashMap<>();
      putIfPresent(m, "max_connections", cd.intSetting("max_connections"));
      putIfPresent(m, "max_prepared_transactions", cd.intSetting("max_prepared_xacts"));
      putIfPresent(m, "max_locks_per_transaction", cd.intSetting("max_locks_per_xact"));
      putIfPresent(m, "max_worker_processes", cd.intSetting("max_worker_processes"));
      putIfPresent(m, "max_wal_senders", cd.intSetting("max_wal_senders"));
      replicaMinimums = Map.copyOf(m);
    } catch (IOException | RuntimeException e) {
      LOG.warn("cannot read pg_controldata before start: {}", e.getMessage());
    }
  }

  private static void putIfPresent(Map<String, Integer> m, String name, Integer value) {
    if (value != null) {
      m.put(name, value);
    }
  }

  private String listenAddresses() {
    return pg.listenAddresses() != null ? pg.listenAddresses() : pg.listen().host();
  }

  /** Writes postgresql.conf, pg_hba.conf, pg_ident.conf, standby.signal and the pgpass file. */
  void write() throws IOException {
    ServerParameters params = serverParameters();
    params.warnings().forEach(LOG::warn);
    files.saveBaseConfig();
    RecoveryConfig r = recovery;
    files.writePostgresqlConf(params,
        r == null ? null : r.parameters(settings.name(), pg.replication(), files.pgpass()));
    files.writeHba(pgHba);
    files.writeIdent(pgIdent);
    files.setStandbySignal(r != null);
    writePgpass();
  }

  /** The pgpass file the tools use (superuser, replication and rewind credentials). */
  void writePgpass() throws IOException {
    files.writePgpass(List.of(nonNull(pg.superuser()), nonNull(pg.replication()), nonNull(pg.rewind())));
  }

  private static PgUser nonNull(PgUser u) {
    return u == null ? new PgUser(null, null, Map.of()) : u;
  }
}
