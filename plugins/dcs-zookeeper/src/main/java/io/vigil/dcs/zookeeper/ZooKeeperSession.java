package io.vigil.dcs.zookeeper;

import io.vigil.config.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.curator.RetryPolicy;
import org.apache.curator.framework.AuthInfo;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.ACLProvider;
import org.apache.curator.framework.recipes.watch.PersistentWatcher;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.common.ClientX509Util;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;

/**
 * One ZooKeeper session: a Curator client plus a persistent recursive watch on the cluster's znode (Curator's
 * {@link PersistentWatcher}, registered again after every reconnect) that drives {@code Dcs.watch}. The raw
 * watch is used rather than a CuratorCache: the cache can miss znodes created while it loads a root that does
 * not exist yet, and the events alone are all a wake-up needs.
 *
 * <p>Patroni's "restart the session" (release of the leader key, a new ttl) is a new instance of this class:
 * closing the old client closes its session, which makes the server drop every ephemeral znode it held at once.
 *
 * <p>Curator never retries here ({@link #NO_RETRY}): the Dcs decides per call whether a retry is safe (reads,
 * plain writes) or not (compare-and-set, create), within retry_timeout.
 */
final class ZooKeeperSession implements AutoCloseable {
  /** Curator's own retry loop is off; ZooKeeperDcs retries idempotent calls itself, bounded by retry_timeout. */
  static final RetryPolicy NO_RETRY = (retryCount, elapsedTimeMs, sleeper) -> false;

  final CuratorFramework client;
  private final PersistentWatcher watcher;
  private final int sessionTimeoutMs;
  private volatile boolean watching;

  /**
   * @param basePath the cluster znode without the trailing slash ({@code /service/batman})
   * @param onEvent told of every create/change/delete under basePath once the watch is registered
   * @param onWatching told each time the watch has been (re-)registered: changes made before may be missed
   * @param onState told of every connection state change
   */
  ZooKeeperSession(
      ZooKeeperOptions options,
      int sessionTimeoutMs,
      int connectionTimeoutMs,
      String basePath,
      Consumer<WatchedEvent> onEvent,
      Runnable onWatching,
      Consumer<ConnectionState> onState) {
    this.sessionTimeoutMs = sessionTimeoutMs;
    CuratorFrameworkFactory.Builder builder = CuratorFrameworkFactory.builder()
        .connectString(options.connectString())
        .sessionTimeoutMs(sessionTimeoutMs)
        .connectionTimeoutMs(connectionTimeoutMs)
        .retryPolicy(NO_RETRY)
        // the configured hosts are used as given (as Kazoo does), never replaced by the ensemble's own list
        .ensembleTracker(false)
        // Curator's default node data is this host's IP address; Patroni's parent znodes are empty
        .defaultData(new byte[0])
        .threadFactory(r -> {
          Thread t = new Thread(r, "vigil-zk-" + basePath);
          t.setDaemon(true);
          return t;
        })
        .zkClientConfig(clientConfig(options));
    if (!options.acls().isEmpty()) {
      builder.aclProvider(aclProvider(options.acls()));
    }
    if (!options.authData().isEmpty()) {
      List<AuthInfo> auth = new ArrayList<>();
      options.authData().forEach((scheme, credential) -> auth.add(new AuthInfo(scheme,
          credential == null ? new byte[0] : credential.reveal().getBytes(StandardCharsets.UTF_8))));
      builder.authorization(auth);
    }
    client = builder.build();
    client.getConnectionStateListenable().addListener((c, state) -> onState.accept(state));
    watcher = new PersistentWatcher(client, basePath, true);
    watcher.getListenable().addListener(event -> {
      if (event.getType() != org.apache.zookeeper.Watcher.Event.EventType.None) {
        onEvent.accept(event);
      }
    });
    watcher.getResetListenable().addListener(() -> {
      watching = true;
      onWatching.run();
    });
    client.start();
    watcher.start();
  }

  /** The session id the server gave this client, 0 while it has not connected yet. */
  long sessionId() {
    try {
      return client.getZookeeperClient().getZooKeeper().getSessionId();
    } catch (Exception e) {
      return 0;
    }
  }

  boolean isConnected() {
    return client.getZookeeperClient().isConnected();
  }

  /**
   * Drops the TCP connection but keeps the session: the client reconnects (to the next server of the list) and
   * resumes the session there. This is Patroni's socket close on a silent server; ZooKeeper offers it through
   * its {@code Testable} handle only.
   */
  void reconnect() {
    try {
      org.apache.zookeeper.ZooKeeper handle = client.getZookeeperClient().getZooKeeper();
      handle.getTestable().closeSocket();
      // the client's I/O thread sleeps in select() until its next ping is due (up to a third of the session
      // timeout); queueing any request wakes it, so it sees the closed socket and reconnects now
      handle.exists("/", false, (rc, path, ctx, stat) -> { }, null);
    } catch (Exception e) {
      // already disconnected: the client is reconnecting anyway
    }
  }

  /** True once the watch has been registered and reports changes. */
  boolean watching() {
    return watching;
  }

  int sessionTimeoutMs() {
    return sessionTimeoutMs;
  }

  @Override
  public void close() {
    watcher.close();
    client.close();
  }

  /** Patroni's {@code set_acls}: every znode this client creates gets these x509 ACLs. */
  static ACLProvider aclProvider(Map<String, Integer> acls) {
    List<ACL> list = new ArrayList<>();
    acls.forEach((principal, perms) -> list.add(new ACL(perms, new Id("x509", principal))));
    List<ACL> fixed = List.copyOf(list);
    return new ACLProvider() {
      @Override
      public List<ACL> getDefaultAcl() {
        return fixed;
      }

      @Override
      public List<ACL> getAclForPath(String path) {
        return fixed;
      }
    };
  }

  /**
   * TLS as Patroni's Kazoo options: {@code use_ssl}, {@code cacert} (PEM trust store), {@code cert} + {@code key}
   * (+ {@code key_password}) as the client identity, {@code verify: false} turns host name verification off
   * (the certificate chain is still checked against {@code cacert}).
   */
  private static ZKClientConfig clientConfig(ZooKeeperOptions options) {
    ZKClientConfig config = new ZKClientConfig();
    if (!options.useSsl()) {
      return config;
    }
    config.setProperty(ZKClientConfig.SECURE_CLIENT, "true");
    config.setProperty(ZKClientConfig.ZOOKEEPER_CLIENT_CNXN_SOCKET, "org.apache.zookeeper.ClientCnxnSocketNetty");
    try (ClientX509Util x509 = new ClientX509Util()) {
      if (options.cacert() != null) {
        config.setProperty(x509.getSslTruststoreLocationProperty(), options.cacert());
        config.setProperty(x509.getSslTruststoreTypeProperty(), "PEM");
      }
      if (options.cert() != null && options.key() != null) {
        config.setProperty(x509.getSslKeystoreLocationProperty(), combinedPem(options.cert(), options.key()));
        config.setProperty(x509.getSslKeystoreTypeProperty(), "PEM");
        Secret password = options.keyPassword();
        if (password != null) {
          config.setProperty(x509.getSslKeystorePasswdProperty(), password.reveal());
        }
      }
      if (!options.verify()) {
        config.setProperty(x509.getSslHostnameVerificationEnabledProperty(), "false");
      }
    }
    return config;
  }

  /** ZooKeeper's PEM key store reads the key and the certificate chain from one file; Patroni has two. */
  private static String combinedPem(String cert, String key) {
    try {
      Path combined = Files.createTempFile("vigil-zk-client-", ".pem",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      combined.toFile().deleteOnExit();
      String pem = Files.readString(Path.of(key)) + "\n" + Files.readString(Path.of(cert));
      Files.writeString(combined, pem);
      return combined.toString();
    } catch (IOException e) {
      throw new IllegalArgumentException("zookeeper.cert/zookeeper.key: cannot read " + cert + " and " + key
          + ": " + e.getMessage(), e);
    }
  }
}
