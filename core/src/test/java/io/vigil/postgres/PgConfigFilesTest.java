package io.vigil.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.config.PostgresSettings.PgUser;
import io.vigil.config.Secret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PgConfigFilesTest {

  @TempDir
  Path dir;

  private PgConfigFiles files() {
    return new PgConfigFiles(PgFixtures.postgresSettings("pg-2", dir.resolve("data"), 5433, Map.of()),
        new PgBinaries(Path.of("/usr/lib/postgresql/15/bin"), Map.of(), false), dir.resolve("pgpass"));
  }

  @Test
  void writesPostgresqlConfAsPatroniWithRecoverySettingsAndNoPassword() {
    ServerParameters params = ServerParameters.of(Map.of("shared_buffers", "64MB", "log_line_prefix", "it's"),
        150000, "127.0.0.1", 5433, "batman");
    RecoveryConfig rc = RecoveryConfig.following(new ReplicationSource("pg-1", "127.0.0.1", 5432), "pg-2");
    String conf = files().renderPostgresqlConf(params,
        rc.parameters("pg-2", new PgUser("replicator", Secret.of("rep-pass"), Map.of()), dir.resolve("pgpass")));
    String data = dir.resolve("data").toString();
    assertEquals(PgConfigFiles.HEADER
        + "include 'postgresql.base.conf'\n\n"
        + "hba_file = '" + data + "/pg_hba.conf'\n"
        + "ident_file = '" + data + "/pg_ident.conf'\n"
        + "log_line_prefix = 'it''s'\n"
        + "shared_buffers = '64MB'\n"
        + "\n# recovery.conf\n"
        + "primary_conninfo = 'user=replicator passfile=" + dir.resolve("pgpass")
        + " host=127.0.0.1 port=5432 sslmode=prefer application_name=pg-2'\n"
        + "primary_slot_name = 'pg_2'\n"
        + "recovery_target_timeline = 'latest'\n", conf);
    assertFalse(conf.contains("rep-pass"));
  }

  @Test
  void keepsTheOriginalConfAsBaseOnceAndWritesPgpassPrivately() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    Files.writeString(data.resolve("postgresql.conf"), "# initdb's file\n");
    PgConfigFiles f = files();
    f.saveBaseConfig();
    assertEquals("# initdb's file\n", Files.readString(data.resolve("postgresql.base.conf")));
    f.writePostgresqlConf(ServerParameters.of(Map.of(), 150000, "*", 5432, "s"), null);
    f.saveBaseConfig();
    assertEquals("# initdb's file\n", Files.readString(data.resolve("postgresql.base.conf")));
    f.writePgpass(List.of(new PgUser("postgres", Secret.of("a:b"), Map.of()),
        new PgUser("replicator", Secret.of("r"), Map.of()), new PgUser("nopass", null, Map.of())));
    assertEquals("*:*:*:postgres:a\\:b\n*:*:*:replicator:r\n", Files.readString(dir.resolve("pgpass")));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("pgpass"))));
    f.setStandbySignal(true);
    assertTrue(f.hasStandbySignal());
    f.setStandbySignal(false);
    assertFalse(f.hasStandbySignal());
  }
}
