package io.vigil.ctl;

import io.vigil.config.DcsSettings;
import io.vigil.dcs.Dcs;
import io.vigil.dcs.DcsContext;
import io.vigil.dcs.DcsKeys;
import io.vigil.dcs.DcsTiming;
import io.vigil.dcs.zookeeper.EmbeddedZooKeeper;
import io.vigil.dcs.zookeeper.ZooKeeperDcsFactory;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** vigilctl against a real ZooKeeper server (embedded, free port), through the zookeeper plugin. */
class VigilCtlZooKeeperIT extends VigilCtlDcsContract {
  private Path dataDir;
  private EmbeddedZooKeeper server;

  @Override
  protected void startServer() throws Exception {
    dataDir = Files.createTempDirectory("vigil-zk-ctl-");
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      port = s.getLocalPort();
    }
    server = new EmbeddedZooKeeper("127.0.0.1", port, dataDir).start();
  }

  @Override
  protected void stopServer() {
    server.stop();
  }

  @Override
  protected void startServerAgain() throws Exception {
    server.start();
  }

  @Override
  protected void destroyServer() throws Exception {
    if (server != null) {
      server.stop();
    }
    if (dataDir != null) {
      try (Stream<Path> files = Files.walk(dataDir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Override
  protected String dcsUrl() {
    return "zookeeper://" + server.connectString();
  }

  @Override
  protected Dcs newDcs(DcsKeys keys, String member, DcsTiming timing) {
    DcsContext context = new DcsContext(keys, member,
        new DcsSettings("zookeeper", Map.of("hosts", List.of(server.connectString()))), timing);
    return new ZooKeeperDcsFactory().create(vertx, context);
  }
}
