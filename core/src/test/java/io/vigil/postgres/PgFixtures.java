package io.vigil.postgres;

import io.vigil.config.BootstrapSettings;
import io.vigil.config.HostPort;
import io.vigil.config.PostgresSettings;
import io.vigil.config.PostgresSettings.PgUser;
import io.vigil.config.Secret;
import io.vigil.config.Settings;
import io.vigil.config.Tags;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Settings records and file-system set-up for PostgreSQL tests (the YAML loader is not needed here). */
public final class PgFixtures {
  static final PgUser SUPERUSER = new PgUser("postgres", Secret.of("zalando"), Map.of());
  static final PgUser REPLICATION = new PgUser("replicator", Secret.of("rep-pass"), Map.of());
  static final PgUser REWIND = new PgUser("rewind_user", Secret.of("rewind_password"), Map.of());
  static final List<String> HBA = List.of(
      "local all all trust",
      "host replication replicator 127.0.0.1/32 md5",
      "host all all 127.0.0.1/32 md5");

  private PgFixtures() {}

  static PostgresSettings postgresSettings(String name, Path dataDir, int port, Map<String, Object> parameters) {
    return postgresSettings(name, dataDir, port, parameters, List.of());
  }

  static PostgresSettings postgresSettings(String name, Path dataDir, int port, Map<String, Object> parameters,
      List<BootstrapSettings.Option> basebackup) {
    return postgresSettings(name, dataDir, port, parameters, basebackup, List.of("basebackup"), Map.of());
  }

  static PostgresSettings postgresSettings(String name, Path dataDir, int port, Map<String, Object> parameters,
      List<BootstrapSettings.Option> basebackup, List<String> createReplicaMethods,
      Map<String, BootstrapSettings.CustomMethod> replicaMethods) {
    HostPort listen = new HostPort("127.0.0.1", port);
    return new PostgresSettings(listen, "127.0.0.1", listen, null, dataDir, null, null, Map.of(), null, SUPERUSER,
        REPLICATION, REWIND, "postgres", false, false, parameters, null, List.of(), List.of(), null, 60, Map.of(),
        createReplicaMethods, replicaMethods, basebackup, true, List.of(), false, false, null, null);
  }

  /** A copy with {@code pre_promote} set. */
  static PostgresSettings withPrePromote(PostgresSettings p, String script) {
    return new PostgresSettings(p.listen(), p.listenAddresses(), p.connectAddress(), p.proxyAddress(), p.dataDir(),
        p.configDir(), p.binDir(), p.binName(), p.pgpass(), p.superuser(), p.replication(), p.rewind(), p.database(),
        p.useUnixSocket(), p.useUnixSocketRepl(), p.parameters(), p.customConf(), p.pgHba(), p.pgIdent(),
        p.recoveryConf(), p.pgCtlTimeout(), p.callbacks(), p.createReplicaMethods(), p.replicaMethods(),
        p.basebackup(), p.usePgRewind(), p.rewindOptions(), p.removeDataDirectoryOnRewindFailure(),
        p.removeDataDirectoryOnDivergedTimelines(), script, p.beforeStop());
  }

  static BootstrapSettings bootstrap(List<BootstrapSettings.Option> initdb) {
    return new BootstrapSettings(Map.of(), "initdb", initdb, Map.of(), HBA,
        List.of(new BootstrapSettings.User("admin", Secret.of("admin-pass"), List.of("CREATEDB", "LOGIN"))), null);
  }

  static Settings settings(String name, PostgresSettings pg, BootstrapSettings bootstrap) {
    return new Settings(null, "batman", "/service", name, null, null, null, null, bootstrap, pg, null, Tags.none());
  }

  /** Parameters every test node uses: its own socket dir, and what pg_rewind needs (docs/stack.md pitfall 7). */
  static Map<String, Object> parameters(Path socketDir) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("unix_socket_directories", socketDir.toString());
    p.put("wal_keep_size", "128MB");
    p.put("wal_log_hints", "on");
    p.put("shared_buffers", "16MB");
    p.put("fsync", "off");
    // standbys report their sync state every second instead of every 10 s
    p.put("wal_receiver_status_interval", "1s");
    return p;
  }

  /**
   * A directory under /tmp owned by postgres with mode 755: JUnit's @TempDir is root-only 700, which PostgreSQL
   * cannot enter (docs/stack.md §3).
   */
  public static Path postgresOwnedTempDir(String prefix) throws IOException {
    Path dir = Files.createTempDirectory(Path.of("/tmp"), prefix);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    new PgBinaries(Path.of("/usr/lib/postgresql/15/bin"), Map.of(), PgBinaries.runningAsRoot()).chown(dir);
    return dir;
  }

  public static Path postgresOwnedSubdir(Path parent, String name) throws IOException {
    Path dir = Files.createDirectories(parent.resolve(name));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    new PgBinaries(Path.of("/usr/lib/postgresql/15/bin"), Map.of(), PgBinaries.runningAsRoot()).chown(dir);
    return dir;
  }

  public static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: /tmp is cleaned by the OS anyway
    }
  }

  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }
}
