package io.vigil.dcs.etcd;

import static io.vigil.dcs.etcd.EtcdConnection.bytes;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.vigil.config.DcsSettings;
import io.vigil.dcs.Dcs;
import io.vigil.dcs.DcsContext;
import io.vigil.dcs.DcsContractTest;
import io.vigil.dcs.DcsKeys;
import io.vigil.dcs.DcsTiming;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/** The DCS contract against a real etcd 3.4 (killed and restarted for the outage tests). */
class EtcdDcsContractIT extends DcsContractTest {
  private EtcdProcess etcd;
  private Client raw;

  /** The watch cache's staleness bound at the contract's timings: max(2 s, min(loop_wait, retry_timeout)). */
  @Override
  protected Duration cachedReadsFor() {
    return Duration.ofMillis(Math.max(2000, Math.min(timing().loopWait(), timing().retryTimeout()) * 1000L));
  }

  @Override
  protected void startServer() throws Exception {
    etcd = new EtcdProcess().start();
    raw = Client.builder().endpoints(etcd.endpoint()).build();
    // the first gRPC call of a JVM loads a few thousand classes; keep that out of the 2 s deadlines under test
    raw.getKVClient().get(bytes("/warm-up")).get(30, TimeUnit.SECONDS);
  }

  @Override
  protected void stopServer() throws Exception {
    etcd.kill();
  }

  @Override
  protected void startServerAgain() throws Exception {
    etcd.start();
  }

  @Override
  protected void destroyServer() throws Exception {
    if (raw != null) {
      raw.close();
    }
    if (etcd != null) {
      etcd.close();
    }
  }

  @Override
  protected Dcs newDcs(DcsKeys keys, String member, DcsTiming timing) {
    DcsSettings settings = new DcsSettings("etcd3", Map.of("hosts", "127.0.0.1:" + etcd.clientPort()));
    return new EtcdDcsFactory().create(vertx, new DcsContext(keys, member, settings, timing));
  }

  @Override
  protected void rawPut(String relativeKey, String value) throws Exception {
    raw.getKVClient().put(bytes(keys.key(relativeKey)), bytes(value)).get(5, TimeUnit.SECONDS);
  }

  @Override
  protected Map<String, String> rawDump() throws Exception {
    Map<String, String> all = new TreeMap<>();
    for (KeyValue kv : raw.getKVClient().get(bytes(keys.base()), GetOption.builder().isPrefix(true).build())
        .get(5, TimeUnit.SECONDS).getKvs()) {
      all.put(kv.getKey().toString(StandardCharsets.UTF_8), kv.getValue().toString(StandardCharsets.UTF_8));
    }
    return all;
  }
}
