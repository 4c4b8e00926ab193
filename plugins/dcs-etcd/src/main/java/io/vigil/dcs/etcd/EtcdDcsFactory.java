package io.vigil.dcs.etcd;

import io.vertx.core.Vertx;
import io.vigil.config.DcsSettings;
import io.vigil.dcs.Dcs;
import io.vigil.dcs.DcsContext;
import io.vigil.dcs.DcsFactory;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The {@code etcd3:} DCS plugin: Patroni's etcd v3 backend (docs/dcs-layout.md §1.4) over jetcd. */
public final class EtcdDcsFactory implements DcsFactory {
  @Override
  public String name() {
    return "etcd3";
  }

  /** Patroni's etcd3 section keys. */
  @Override
  public Set<String> configKeys() {
    return Set.of("host", "hosts", "url", "proxy", "srv", "srv_suffix", "protocol", "username", "password",
        "cacert", "cert", "key", "use_proxies", "retry_timeout");
  }

  @Override
  public List<String> validate(DcsSettings settings) {
    return EtcdOptions.validate(settings);
  }

  @Override
  public Dcs create(Vertx vertx, DcsContext context) {
    return new EtcdDcs(vertx, context, EtcdOptions.parse(context.settings()));
  }

  /** Over etcd's JSON gateway when the endpoints are plain http without authentication. */
  @Override
  public Optional<OneShotRead> oneShotRead(DcsContext context) {
    return EtcdGatewayRead.forContext(context);
  }
}
