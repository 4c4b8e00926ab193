package io.vigil.dcs.consul;

import io.vertx.core.Future;
import io.vertx.ext.consul.ConsulClient;
import io.vertx.ext.consul.ConsulClientOptions;
import io.vertx.ext.consul.KeyValue;
import io.vigil.config.DcsSettings;
import io.vigil.dcs.Dcs;
import io.vigil.dcs.DcsContext;
import io.vigil.dcs.DcsContractTest;
import io.vigil.dcs.DcsKeys;
import io.vigil.dcs.DcsTiming;
import io.vigil.dcs.consul.emulator.ConsulEmulator;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The DCS contract against the Consul HTTP API emulator of this module's tests (no Consul agent can be installed
 * here). The emulator's session_ttl_min is 1 s so that the contract's ttl of 5 s (session TTL 2 s) is accepted.
 */
class ConsulDcsContractIT extends DcsContractTest {
  private ConsulEmulator emulator;
  private ConsulClient raw;
  private int port;

  @Override
  protected void startServer() throws Exception {
    emulator = new ConsulEmulator(vertx, ConsulEmulator.Options.onPort(0).withSessionTtlMin(Duration.ofSeconds(1)));
    port = await(emulator.start());
    raw = ConsulClient.create(vertx, new ConsulClientOptions().setHost("127.0.0.1").setPort(port).setTimeout(5000));
  }

  @Override
  protected void stopServer() throws Exception {
    await(emulator.stop());
  }

  @Override
  protected void startServerAgain() throws Exception {
    await(emulator.start());
  }

  @Override
  protected void destroyServer() throws Exception {
    if (raw != null) {
      raw.close();
    }
    if (emulator != null) {
      await(emulator.close());
    }
  }

  @Override
  protected Dcs newDcs(DcsKeys keys, String member, DcsTiming timing) {
    DcsContext context = new DcsContext(keys, member,
        new DcsSettings("consul", Map.of("host", "127.0.0.1:" + port)), timing);
    return new ConsulDcsFactory().create(vertx, context);
  }

  @Override
  protected void rawPut(String relativeKey, String value) throws Exception {
    await(raw.putValue(keys.key(relativeKey).substring(1), value));
  }

  /** Consul keys have no leading slash; the contract writes them as docs/dcs-layout.md §1.1 does. */
  @Override
  protected Map<String, String> rawDump() throws Exception {
    Map<String, String> dump = new TreeMap<>();
    // one read: between two reads the keys may expire (Consul answers no list at all for an empty prefix)
    java.util.List<KeyValue> values = await(raw.getValues(keys.base().substring(1))).getList();
    for (KeyValue kv : values == null ? java.util.List.<KeyValue>of() : values) {
      dump.put("/" + kv.getKey(), kv.getValue() == null ? "" : kv.getValue());
    }
    return dump;
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
