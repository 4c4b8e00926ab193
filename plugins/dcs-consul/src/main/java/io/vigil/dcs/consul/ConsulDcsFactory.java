package io.vigil.dcs.consul;

import io.vertx.core.Vertx;
import io.vigil.config.DcsSettings;
import io.vigil.dcs.Dcs;
import io.vigil.dcs.DcsContext;
import io.vigil.dcs.DcsFactory;
import java.util.List;
import java.util.Set;

/** The {@code consul:} DCS plugin (docs/dcs-layout.md §1.6); its options are described on {@link ConsulOptions}. */
public final class ConsulDcsFactory implements DcsFactory {
  @Override
  public String name() {
    return ConsulOptions.SECTION;
  }

  /** The section's keys, for core's unknown-key warnings. */
  @Override
  public Set<String> configKeys() {
    return ConsulOptions.KEYS;
  }

  @Override
  public List<String> validate(DcsSettings settings) {
    return ConsulOptions.validate(settings);
  }

  /**
   * Returns at once; calls fail with DcsUnavailableException while the agent does not answer.
   *
   * @throws IllegalArgumentException when the section is invalid (see {@link #validate})
   */
  @Override
  public Dcs create(Vertx vertx, DcsContext context) {
    return new ConsulDcs(vertx, context, ConsulOptions.parse(context.settings()));
  }
}
