package io.vigil.ctl;

import io.vigil.config.DcsSettings;
import io.vigil.dcs.Dcs;
import io.vigil.dcs.DcsContext;
import io.vigil.dcs.DcsKeys;
import io.vigil.dcs.DcsTiming;
import io.vigil.dcs.etcd.EtcdDcsFactory;
import io.vigil.dcs.etcd.EtcdTestServer;
import java.util.Map;

/** vigilctl against a real etcd 3.4 ({@code /usr/bin/etcd} on free ports), through the etcd3 plugin. */
class VigilCtlEtcdIT extends VigilCtlDcsContract {
  private EtcdTestServer etcd;

  @Override
  protected void startServer() throws Exception {
    etcd = EtcdTestServer.start();
  }

  @Override
  protected void stopServer() throws Exception {
    etcd.kill();
  }

  @Override
  protected void startServerAgain() throws Exception {
    etcd.restart();
  }

  @Override
  protected void destroyServer() throws Exception {
    if (etcd != null) {
      etcd.close();
    }
  }

  @Override
  protected String dcsUrl() {
    return "etcd3://127.0.0.1:" + etcd.clientPort();
  }

  @Override
  protected Dcs newDcs(DcsKeys keys, String member, DcsTiming timing) {
    DcsSettings settings = new DcsSettings("etcd3", Map.of("hosts", "127.0.0.1:" + etcd.clientPort()));
    return new EtcdDcsFactory().create(vertx, new DcsContext(keys, member, settings, timing));
  }
}
