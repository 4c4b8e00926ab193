package io.vigil.dcs;

import io.vertx.core.Future;
import io.vigil.cluster.Failover;
import io.vigil.cluster.Failsafe;
import io.vigil.cluster.PatroniJson;
import io.vigil.cluster.Status;
import io.vigil.cluster.SyncState;
import io.vigil.cluster.TimelineHistory;
import java.util.Map;

/**
 * The part of a {@link Dcs} that is the same for every key-value store: which key each value goes to and its
 * Patroni JSON (docs/dcs-layout.md §1.1). A plugin supplies only the store's two kinds of write.
 */
public abstract class KeyValueDcs implements Dcs {

  /**
   * Writes {@code value} at the relative key: unconditionally when {@code expectedVersion} is null, else only if
   * the key is still at that version ({@code false} when it is not).
   */
  protected abstract Future<Boolean> casPut(String relative, String value, Long expectedVersion);

  /** Writes {@code value} at the relative key unconditionally. */
  protected abstract Future<Void> plainPut(String relative, String value);

  @Override
  public final Future<Boolean> writeConfig(Map<String, Object> config, Long expectedVersion) {
    return casPut(DcsKeys.CONFIG, PatroniJson.writeObject(config), expectedVersion);
  }

  @Override
  public final Future<Boolean> writeFailover(Failover failover, Long expectedVersion) {
    return casPut(DcsKeys.FAILOVER, PatroniJson.writeFailover(failover), expectedVersion);
  }

  @Override
  public final Future<Boolean> writeSyncState(SyncState sync, Long expectedVersion) {
    return casPut(DcsKeys.SYNC, PatroniJson.writeSync(sync), expectedVersion);
  }

  @Override
  public final Future<Void> writeHistory(TimelineHistory history) {
    return plainPut(DcsKeys.HISTORY, PatroniJson.writeHistory(history));
  }

  @Override
  public final Future<Void> writeStatus(Status status) {
    return plainPut(DcsKeys.STATUS, PatroniJson.writeStatus(status));
  }

  @Override
  public final Future<Void> writeFailsafe(Failsafe failsafe) {
    return plainPut(DcsKeys.FAILSAFE, PatroniJson.writeFailsafe(failsafe));
  }
}
