package io.vigil.ha;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vigil.config.BootstrapSettings;
import io.vigil.config.BootstrapSettings.CustomMethod;
import io.vigil.config.PostgresSettings;
import io.vigil.config.Settings;
import io.vigil.config.Tags;
import io.vigil.config.WatchdogSettings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the engine's settings are derived from the local file and the dynamic configuration. */
class HaSettingsTest {

  private static PostgresSettings postgres(Boolean usePgRewind, List<String> methods,
      Map<String, CustomMethod> replicaMethods, boolean removeOnRewindFailure, boolean removeOnDiverged) {
    return new PostgresSettings(null, null, null, null, null, null, null, Map.of(), null, null, null, null,
        "postgres", false, false, Map.of(), null, List.of(), List.of(), Map.of(), 60, Map.of(), methods,
        replicaMethods, List.of(), usePgRewind, List.of(), removeOnRewindFailure, removeOnDiverged, null, null);
  }

  private static Settings local(PostgresSettings pg, BootstrapSettings bootstrap, String watchdogMode) {
    return new Settings(null, "batman", "service", "pg1", null, null, null, null, bootstrap, pg,
        watchdogMode == null ? null : new WatchdogSettings(watchdogMode, "/dev/watchdog", 5, "default"), Tags.none());
  }

  private static CustomMethod method(String name, boolean noLeader) {
    return new CustomMethod(name, "/bin/true", false, false, false, noLeader, Map.of(), Map.of());
  }

  @Test
  void localUsePgRewindWinsOverTheDynamicOne() {
    var global = Configs.defaults().global(); // use_pg_rewind true
    assertEquals(false, HaSettings.of(local(postgres(false, List.of(), Map.of(), false, false), null, null), global)
        .usePgRewind());
    assertEquals(true, HaSettings.of(local(postgres(null, List.of(), Map.of(), false, false), null, null), global)
        .usePgRewind());
  }

  @Test
  void aNoLeaderReplicaMethodAllowsCloningWithoutLeader() {
    var global = Configs.defaults().global();
    var withNoLeader = postgres(null, List.of("basebackup", "wal_e"),
        Map.of("wal_e", method("wal_e", true)), false, false);
    var withoutNoLeader = postgres(null, List.of("basebackup", "wal_e"),
        Map.of("wal_e", method("wal_e", false)), false, false);
    var notListed = postgres(null, List.of("basebackup"), Map.of("wal_e", method("wal_e", true)), false, false);
    assertEquals(true, HaSettings.of(local(withNoLeader, null, null), global).replicaMethodWithoutLeader());
    assertEquals(false, HaSettings.of(local(withoutNoLeader, null, null), global).replicaMethodWithoutLeader());
    assertEquals(false, HaSettings.of(local(notListed, null, null), global).replicaMethodWithoutLeader());
  }

  @Test
  void carriesTheDataDirectoryRemovalFlagsBootstrapAndWatchdogMode() {
    var global = Configs.defaults().global();
    var bootstrap = new BootstrapSettings(Map.of(), "initdb", List.of(), Map.of(), List.of(), List.of(), null);
    HaSettings s = HaSettings.of(local(postgres(null, List.of(), Map.of(), true, true), bootstrap, "require"),
        global);
    assertEquals(true, s.removeDataDirectoryOnRewindFailure());
    assertEquals(true, s.removeDataDirectoryOnDivergedTimelines());
    assertEquals(true, s.bootstrapConfigured());
    assertEquals(true, s.watchdogRequired());
    HaSettings plain = HaSettings.of(local(postgres(null, List.of(), Map.of(), false, false), null, "automatic"),
        global);
    assertEquals(false, plain.bootstrapConfigured());
    assertEquals(false, plain.watchdogRequired());
    assertEquals(global, plain.withGlobal(global).global());
  }
}
