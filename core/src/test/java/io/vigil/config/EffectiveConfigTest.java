package io.vigil.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.postgres.PostgresRole;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EffectiveConfigTest {
  @TempDir Path dir;

  private Settings local(String postgresqlExtra) throws Exception {
    String yaml = SettingsLoaderTest.BASE.replace("  data_dir: data/node1", "  data_dir: data/node1\n" + postgresqlExtra)
        .replace("scope: demo", "scope: demo\nttl: 99");
    Path file = dir.resolve("n.yml");
    Files.writeString(file, yaml);
    return SettingsLoader.load(file, Map.of(), dir).settings();
  }

  private static GlobalConfig dynamic(String yaml) throws Exception {
    Map<String, Object> raw = ConfigTree.parse(yaml, "test");
    return GlobalConfigParser.parse(raw).config();
  }

  @Test
  void timingsComeOnlyFromTheDcs() throws Exception {
    EffectiveConfig e = new EffectiveConfig(local(""), dynamic("ttl: 40\nloop_wait: 5\nretry_timeout: 12\n"));
    assertEquals(40, e.ttl());
    assertEquals(5, e.loopWait());
    assertEquals(12, e.retryTimeout());
  }

  @Test
  void localParametersWinExceptTheDcsOnlyOnes() throws Exception {
    Settings s = local("""
          parameters:
            work_mem: 8MB
            shared_buffers: 64MB
            max_connections: 500
            WAL_LEVEL: logical
        """.stripTrailing());
    GlobalConfig g = dynamic("""
        postgresql:
          parameters:
            work_mem: 4MB
            max_connections: 200
            wal_level: replica
            archive_mode: "on"
            port: 9999
        """);
    Map<String, Object> p = new EffectiveConfig(s, g).postgresParameters(PostgresRole.REPLICA);
    assertEquals("8MB", p.get("work_mem"));
    assertEquals("64MB", p.get("shared_buffers"));
    assertEquals(200, p.get("max_connections"));
    assertEquals("replica", p.get("wal_level"));
    assertFalse(p.containsKey("WAL_LEVEL"));
    assertEquals("on", p.get("archive_mode"));
    assertEquals(5432, p.get("port"));
    assertEquals("127.0.0.1", p.get("listen_addresses"));
    assertEquals("demo", p.get("cluster_name"));
    assertEquals(Map.of("max_connections", 200, "wal_level", "replica"), new EffectiveConfig(s, g).controlledParameters());
  }

  @Test
  void roleParametersMergeOverTheBaseOnes() throws Exception {
    Settings s = local("""
          parameters:
            work_mem: 8MB
          parameters_primary:
            synchronous_commit: remote_apply
            max_wal_senders: 50
        """.stripTrailing());
    GlobalConfig g = dynamic("""
        postgresql:
          parameters:
            synchronous_commit: "off"
            hot_standby_feedback: "off"
          parameters_replica:
            hot_standby_feedback: "on"
          parameters_primary:
            synchronous_commit: local
        """);
    EffectiveConfig e = new EffectiveConfig(s, g);
    Map<String, Object> primary = e.postgresParameters(PostgresRole.PRIMARY);
    assertEquals("remote_apply", primary.get("synchronous_commit"));
    assertFalse(primary.containsKey("max_wal_senders"));
    assertEquals("off", primary.get("hot_standby_feedback"));
    Map<String, Object> replica = e.postgresParameters(PostgresRole.REPLICA);
    assertEquals("on", replica.get("hot_standby_feedback"));
    assertEquals("off", replica.get("synchronous_commit"));
    assertEquals("8MB", replica.get("work_mem"));
    assertEquals(replica, e.postgresParameters(PostgresRole.DEMOTED));
    assertEquals(primary, e.postgresParameters(PostgresRole.PROMOTED));
  }

  @Test
  void pgHbaLocalWinsAndRoleListsReplace() throws Exception {
    GlobalConfig g = dynamic("""
        postgresql:
          pg_hba: [dyn-base]
          pg_hba_standby_leader: [dyn-standby]
          pg_ident: [dyn-ident]
        """);
    EffectiveConfig withoutLocal = new EffectiveConfig(local(""), g);
    assertEquals(List.of("dyn-base"), withoutLocal.pgHba());
    assertEquals(List.of("dyn-base"), withoutLocal.pgHba(PostgresRole.PRIMARY));
    assertEquals(List.of("dyn-standby"), withoutLocal.pgHba(PostgresRole.STANDBY_LEADER));
    assertEquals(List.of("dyn-ident"), withoutLocal.pgIdent(PostgresRole.REPLICA));

    EffectiveConfig withLocal = new EffectiveConfig(local("  pg_hba: [local-base]\n  pg_hba_replica: [local-replica]"), g);
    assertEquals(List.of("local-base"), withLocal.pgHba());
    assertEquals(List.of("local-base"), withLocal.pgHba(PostgresRole.PRIMARY));
    assertEquals(List.of("local-replica"), withLocal.pgHba(PostgresRole.REPLICA));
    assertEquals(List.of("dyn-standby"), withLocal.pgHba(PostgresRole.STANDBY_LEADER));
  }

  @Test
  void usePgRewindLocalFirstAndUseSlotsDynamicOnly() throws Exception {
    GlobalConfig g = dynamic("postgresql:\n  use_pg_rewind: true\n  use_slots: false\n");
    assertTrue(new EffectiveConfig(local(""), g).usePgRewind());
    assertFalse(new EffectiveConfig(local("  use_pg_rewind: false"), g).usePgRewind());
    Settings localSlots = local("  use_slots: true");
    assertFalse(new EffectiveConfig(localSlots, g).useSlots());
    assertTrue(new EffectiveConfig(local(""), GlobalConfigParser.defaults()).useSlots());
  }

  @Test
  void recoveryConfAndStandbyCluster() throws Exception {
    GlobalConfig g = dynamic("standby_cluster:\n  host: 10.0.0.9\npostgresql:\n  recovery_conf:\n    restore_command: dyn\n");
    EffectiveConfig dyn = new EffectiveConfig(local(""), g);
    assertEquals(Map.of("restore_command", "dyn"), dyn.recoveryConf());
    assertEquals("10.0.0.9", dyn.standbyCluster().get("host"));
    EffectiveConfig loc = new EffectiveConfig(local("  recovery_conf:\n    restore_command: loc"), g);
    assertEquals(Map.of("restore_command", "loc"), loc.recoveryConf());
  }
}
