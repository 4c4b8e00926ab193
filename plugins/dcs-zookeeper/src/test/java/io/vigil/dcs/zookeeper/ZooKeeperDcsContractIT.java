package io.vigil.dcs.zookeeper;

import io.vigil.config.DcsSettings;
import io.vigil.dcs.Dcs;
import io.vigil.dcs.DcsContext;
import io.vigil.dcs.DcsContractTest;
import io.vigil.dcs.DcsKeys;
import io.vigil.dcs.DcsTiming;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;

/**
 * The DCS contract against a real ZooKeeper server (embedded, on a free port, stopped and started again on the
 * same port and data directory).
 */
class ZooKeeperDcsContractIT extends DcsContractTest {
  private Path dataDir;
  private EmbeddedZooKeeper server;
  private CuratorFramework raw;

  /**
   * retry_timeout 4 (ttl 10, loop_wait 1): the plugin drops a connection that has not answered within half of
   * retry_timeout, and on this shared 2-core machine a new session's first write once took longer than the 1 s that
   * retry_timeout 2 leaves. The cluster tests' short timings use retry_timeout 4 as well.
   */
  @Override
  protected DcsTiming timing() {
    return new DcsTiming(10, 1, 4);
  }

  @Override
  protected void startServer() throws Exception {
    dataDir = Files.createTempDirectory("vigil-zk-contract-");
    server = new EmbeddedZooKeeper("127.0.0.1", ZooKeeperFixture.freePort(), dataDir).start();
    raw = CuratorFrameworkFactory.builder().connectString(server.connectString())
        .sessionTimeoutMs(30_000).connectionTimeoutMs(5_000).retryPolicy(new RetryNTimes(20, 250))
        .defaultData(new byte[0]).build();
    raw.start();
    if (!raw.blockUntilConnected(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException("no connection to the embedded ZooKeeper at " + server.connectString());
    }
  }

  @Override
  protected void stopServer() {
    server.stop();
  }

  @Override
  protected void startServerAgain() throws Exception {
    server.start();
    if (!raw.blockUntilConnected(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException("ZooKeeper at " + server.connectString() + " did not come back");
    }
  }

  @Override
  protected void destroyServer() throws Exception {
    if (raw != null) {
      raw.close();
    }
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
  protected Dcs newDcs(DcsKeys keys, String member, DcsTiming timing) {
    DcsContext context = new DcsContext(keys, member,
        new DcsSettings("zookeeper", Map.of("hosts", List.of(server.connectString()))), timing);
    return new ZooKeeperDcsFactory().create(vertx, context);
  }

  @Override
  protected void rawPut(String relativeKey, String value) throws Exception {
    String path = keys.key(relativeKey);
    byte[] data = value.getBytes(StandardCharsets.UTF_8);
    try {
      raw.setData().forPath(path, data);
    } catch (KeeperException.NoNodeException e) {
      raw.create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT).forPath(path, data);
    }
  }

  /** Every leaf znode under the cluster: the keys; inner znodes ({@code members}) are only their parents. */
  @Override
  protected Map<String, String> rawDump() throws Exception {
    Map<String, String> dump = new TreeMap<>();
    String base = keys.base();
    collect(base.substring(0, base.length() - 1), dump);
    return dump;
  }

  private void collect(String path, Map<String, String> dump) throws Exception {
    List<String> children;
    try {
      children = raw.getChildren().forPath(path);
    } catch (KeeperException.NoNodeException e) {
      return;
    }
    if (children.isEmpty() && !path.equals(keys.base().substring(0, keys.base().length() - 1))) {
      try {
        dump.put(path, new String(raw.getData().forPath(path), StandardCharsets.UTF_8));
      } catch (KeeperException.NoNodeException gone) {
        // vanished meanwhile
      }
      return;
    }
    for (String child : children) {
      collect(path + "/" + child, dump);
    }
  }

  /**
   * Closing a ZooKeeper client ends its session at once, which would delete the leader key on the spot. A killed
   * agent instead just goes silent: drop the socket without a close-session request, so the server expires the
   * session (and its ephemeral znodes) only after the ttl.
   */
  @Override
  protected void abandon(Dcs dcs) {
    ZooKeeperFixture.goSilent((ZooKeeperDcs) dcs);
    call(dcs::close);
  }
}
