package io.vigil.postgres;

import io.vigil.config.PostgresSettings.PgUser;
import io.vigil.config.StandbyCluster;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a replica follows (docs/configuration.md §5.2 recovery settings): written into postgresql.conf plus {@code standby.signal}
 * on PG 12+.
 *
 * @param source the node to stream from; null for a replica without a known primary (demote {@code offline})
 * @param slotName {@code primary_slot_name}, null for none
 * @param restoreCommand {@code restore_command}, null for none
 * @param extra further recovery settings ({@code archive_cleanup_command}, {@code recovery_min_apply_delay})
 */
public record RecoveryConfig(ReplicationSource source, String slotName, String restoreCommand,
    Map<String, String> extra) {

  public RecoveryConfig {
    extra = extra == null ? Map.of() : Map.copyOf(extra);
  }

  /** Follows {@code source} through the slot named after {@code memberName}, as Patroni does with use_slots. */
  public static RecoveryConfig following(ReplicationSource source, String memberName) {
    return new RecoveryConfig(source, SlotNames.forMember(memberName), null, Map.of());
  }

  /**
   * The standby leader's recovery settings (patroni/ha.py {@code get_remote_member}, docs/standby-cluster.md §3):
   * stream from the remote primary (when host or port is set) through {@code primary_slot_name} (only when
   * set: Patroni creates no slot on the remote side), fetch WAL with {@code restore_command}, plus
   * {@code archive_cleanup_command} and {@code recovery_min_apply_delay}.
   */
  public static RecoveryConfig remote(StandbyCluster sc) {
    Map<String, String> extra = new LinkedHashMap<>();
    if (sc.archiveCleanupCommand() != null) {
      extra.put("archive_cleanup_command", sc.archiveCleanupCommand());
    }
    if (sc.recoveryMinApplyDelay() != null) {
      extra.put("recovery_min_apply_delay", sc.recoveryMinApplyDelay());
    }
    return new RecoveryConfig(ReplicationSource.remote(sc), sc.primarySlotName(), sc.restoreCommand(), extra);
  }

  /**
   * A member of a standby cluster following its standby leader also restores WAL with the section's
   * {@code restore_command} and {@code archive_cleanup_command} (patroni/ha.py {@code _get_node_to_follow}).
   */
  public RecoveryConfig withStandbyClusterArchive(StandbyCluster sc) {
    Map<String, String> more = new LinkedHashMap<>(extra);
    if (sc.archiveCleanupCommand() != null) {
      more.put("archive_cleanup_command", sc.archiveCleanupCommand());
    }
    return new RecoveryConfig(source, slotName, sc.restoreCommand() != null ? sc.restoreCommand() : restoreCommand,
        more);
  }

  /**
   * The settings as written to postgresql.conf. {@code primary_conninfo} carries no password: it names the
   * pgpass file instead ({@code passfile}), so the password never appears in pg_settings or logs.
   */
  Map<String, String> parameters(String applicationName, PgUser replication, Path pgpass) {
    Map<String, String> out = new LinkedHashMap<>();
    if (source != null) {
      Map<String, String> ci = new LinkedHashMap<>();
      ci.put("user", replication.username());
      ci.put("passfile", pgpass.toString());
      ci.put("host", source.host());
      ci.put("port", Integer.toString(source.port()));
      ci.put("sslmode", "prefer");
      ci.put("application_name", applicationName);
      if (replication.options() != null) {
        ci.putAll(replication.options());
      }
      ci.putAll(source.conninfo());
      out.put("primary_conninfo", Conninfo.render(ci));
      if (slotName != null) {
        out.put("primary_slot_name", slotName);
      }
    }
    out.put("recovery_target_timeline", "latest");
    if (restoreCommand != null) {
      out.put("restore_command", restoreCommand);
    }
    out.putAll(extra);
    return out;
  }
}
