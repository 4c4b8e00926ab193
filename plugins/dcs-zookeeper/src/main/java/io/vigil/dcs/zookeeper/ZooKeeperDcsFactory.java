package io.vigil.dcs.zookeeper;

import io.vertx.core.Vertx;
import io.vigil.config.DcsSettings;
import io.vigil.dcs.Dcs;
import io.vigil.dcs.DcsContext;
import io.vigil.dcs.DcsFactory;
import java.util.List;
import java.util.Set;

/**
 * The {@code zookeeper:} DCS plugin (docs/dcs-layout.md §1.7). Options as Patroni: {@code hosts} (a list or a comma-separated
 * string of host:port, required), {@code use_ssl}, {@code cacert}, {@code cert}, {@code key},
 * {@code key_password}, {@code verify}, {@code set_acls}, {@code auth_data}.
 */
public final class ZooKeeperDcsFactory implements DcsFactory {
  @Override
  public String name() {
    return ZooKeeperOptions.SECTION;
  }

  @Override
  public Set<String> configKeys() {
    return Set.of("hosts", "use_ssl", "cacert", "cert", "key", "key_password", "verify", "set_acls", "auth_data");
  }

  @Override
  public List<String> validate(DcsSettings settings) {
    return ZooKeeperOptions.validate(settings);
  }

  /**
   * Starts connecting in the background and returns at once; calls fail with DcsUnavailableException while no
   * server answers.
   *
   * @throws IllegalArgumentException when the section is invalid (see {@link #validate})
   */
  @Override
  public Dcs create(Vertx vertx, DcsContext context) {
    return new ZooKeeperDcs(vertx, context, ZooKeeperOptions.parse(context.settings()));
  }
}
