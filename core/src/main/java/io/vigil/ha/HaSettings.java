package io.vigil.ha;

import io.vigil.config.BootstrapSettings;
import io.vigil.config.GlobalConfig;
import io.vigil.config.Settings;
import java.util.Locale;
import java.util.Objects;

/**
 * What {@link HaEngine#decide} needs from the configuration: the dynamic configuration plus the few local
 * settings that change decisions.
 *
 * @param usePgRewind the effective {@code use_pg_rewind} (local setting wins over the dynamic one)
 * @param replicaMethodWithoutLeader some create_replica_method has {@code no_leader: true} (docs/ha-rules.md §2.10 step 3)
 * @param bootstrapConfigured a {@code bootstrap} section exists, so this node may race to initialize
 * @param watchdogRequired watchdog mode {@code required}: the node may not lead without a usable watchdog
 */
public record HaSettings(
    GlobalConfig global,
    boolean usePgRewind,
    boolean removeDataDirectoryOnRewindFailure,
    boolean removeDataDirectoryOnDivergedTimelines,
    boolean replicaMethodWithoutLeader,
    boolean bootstrapConfigured,
    boolean watchdogRequired) {

  public HaSettings {
    Objects.requireNonNull(global, "global");
  }

  /** Combines the local settings with the current dynamic configuration. */
  public static HaSettings of(Settings local, GlobalConfig global) {
    var pg = local.postgresql();
    boolean rewind = pg != null && pg.usePgRewind() != null ? pg.usePgRewind() : global.usePgRewind();
    boolean noLeaderMethod = false;
    if (pg != null && pg.createReplicaMethods() != null && pg.replicaMethods() != null) {
      for (String method : pg.createReplicaMethods()) {
        BootstrapSettings.CustomMethod m = pg.replicaMethods().get(method);
        noLeaderMethod |= m != null && m.noLeader();
      }
    }
    String mode = local.watchdog() == null || local.watchdog().mode() == null
        ? "automatic" : local.watchdog().mode().toLowerCase(Locale.ROOT);
    return new HaSettings(global, rewind,
        pg != null && pg.removeDataDirectoryOnRewindFailure(),
        pg != null && pg.removeDataDirectoryOnDivergedTimelines(),
        noLeaderMethod,
        local.bootstrap() != null,
        mode.equals("required") || mode.equals("require"));
  }

  /** The same settings with another dynamic configuration (after {@code /config} changed). */
  public HaSettings withGlobal(GlobalConfig newGlobal) {
    return new HaSettings(newGlobal, usePgRewind, removeDataDirectoryOnRewindFailure,
        removeDataDirectoryOnDivergedTimelines, replicaMethodWithoutLeader, bootstrapConfigured, watchdogRequired);
  }
}
