package io.vigil.dcs.zookeeper;

import static io.vigil.dcs.zookeeper.ZooKeeperFixture.await;
import static io.vigil.dcs.zookeeper.ZooKeeperFixture.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.cluster.Cluster;
import io.vigil.cluster.SyncState;
import io.vigil.dcs.Dcs.DcsChange;
import io.vigil.dcs.DcsTiming;
import io.vigil.dcs.DcsUnavailableException;
import io.vigil.log.LogSetup;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs.Perms;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** ZooKeeper-specific behaviour (docs/dcs-layout.md §1.7) against a real, embedded ZooKeeper server. */
class ZooKeeperDcsIT {
  private static final Map<String, Object> MEMBER = Map.of(
      "conn_url", "postgres://127.0.0.1:5432/postgres", "api_url", "http://127.0.0.1:8008/patroni",
      "state", "running", "role", "primary", "version", "4.0.4");

  private ZooKeeperFixture zk;
  private CuratorFramework inspector;

  @BeforeEach
  void startServer() throws Exception {
    zk = new ZooKeeperFixture();
    inspector = CuratorFrameworkFactory.newClient(zk.server.connectString(), 10_000, 5_000, new RetryNTimes(5, 200));
    inspector.start();
    assertTrue(inspector.blockUntilConnected(10, TimeUnit.SECONDS));
  }

  @AfterEach
  void stopServer() throws Exception {
    inspector.close();
    zk.close();
  }

  private Stat stat(String path) throws Exception {
    return inspector.checkExists().forPath(path);
  }

  private String value(String path) throws Exception {
    return new String(inspector.getData().forPath(path), StandardCharsets.UTF_8);
  }

  @Test
  void writesPatroniLayoutWithEphemeralLeaderAndMemberAndPersistentRest() throws Exception {
    ZooKeeperDcs a = zk.dcs("batman", "pg1");
    assertTrue(await(a.initialize("7291234567890123456", true)));
    assertTrue(await(a.acquireLeaderKey()));
    await(a.touchMember(MEMBER));
    assertTrue(await(a.writeConfig(Map.of("ttl", 30, "loop_wait", 10), null)));
    assertTrue(await(a.writeSyncState(new SyncState(0, "pg1", List.of("pg3", "pg2"), null), null)));

    long session = a.sessionId();
    assertEquals("pg1", value("/service/batman/leader"));
    assertEquals(session, stat("/service/batman/leader").getEphemeralOwner());
    assertEquals(session, stat("/service/batman/members/pg1").getEphemeralOwner());
    assertEquals(0, stat("/service/batman/initialize").getEphemeralOwner());
    assertEquals(0, stat("/service/batman/config").getEphemeralOwner());
    assertEquals("7291234567890123456", value("/service/batman/initialize"));
    assertEquals("{\"leader\":\"pg1\",\"quorum\":0,\"sync_standby\":\"pg2,pg3\"}", value("/service/batman/sync"));
    assertEquals(0, inspector.getData().forPath("/service/batman").length, "parent znodes are empty");

    Cluster cluster = await(a.loadCluster());
    assertEquals("pg1", cluster.leaderName());
    assertEquals(Long.toString(session), cluster.leader().session());
    assertEquals("running", cluster.member("pg1").orElseThrow().state());

    // delete_sync_state writes {} with a version check instead of deleting the znode
    assertFalse(await(a.deleteSyncState(cluster.sync().version() + 1)));
    assertTrue(await(a.deleteSyncState(cluster.sync().version())));
    assertEquals("{}", value("/service/batman/sync"));
  }

  @Test
  void aClientReconnectingToAStoppedServerWritesOnlyAgentFormatLines() throws Exception {
    PrintStream stderr = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      LogSetup.configureDefaults(Map.of());
      ZooKeeperDcs a = zk.dcs("batman", "pg1");
      await(a.loadCluster());
      zk.server.stop();
      // ZooKeeper's client warns, with an exception, on the lost connection and on every reconnect attempt
      eventually(Duration.ofSeconds(20), "a few reconnect attempts were logged", () ->
          captured.toString(StandardCharsets.UTF_8).split("Connection refused", -1).length > 3);
    } finally {
      System.setErr(stderr);
      LogSetup.configureDefaults(Map.of());
    }
    List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
    String agentLine = "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d,\\d{3} (DEBUG|INFO|WARNING|ERROR|CRITICAL): .+";
    List<String> foreign = lines.stream().filter(l -> !l.matches(agentLine)).toList();
    assertEquals(List.of(), foreign, "lines not in the agent's format among:\n" + String.join("\n", lines));
    assertTrue(lines.stream().anyMatch(l -> l.contains("WARNING: Session 0x") && l.contains("Closing socket connection")
        && l.endsWith("(java.net.ConnectException: Connection refused)")), String.join("\n", lines));
  }

  @Test
  void compareAndSetHonoursVersionZeroOfAFreshZnode() throws Exception {
    ZooKeeperDcs a = zk.dcs("batman", "pg1");
    assertTrue(await(a.writeConfig(Map.of("ttl", 30), null)));
    long v0 = await(a.loadCluster()).config().version();
    assertEquals(0, v0);
    assertTrue(await(a.writeConfig(Map.of("ttl", 20), v0)));
    assertFalse(await(a.writeConfig(Map.of("ttl", 10), v0)), "a stale version 0 must lose");
    assertEquals(20, ((Number) await(a.loadCluster()).config().data().get("ttl")).intValue());
    assertFalse(await(a.writeFailover(null, 5L)), "CAS on an absent znode is a conflict");
  }

  @Test
  void leaderKeyVanishesWhenTheHolderDiesWithoutReleasing() throws Exception {
    ZooKeeperDcs a = zk.dcs("batman", "pg1");
    ZooKeeperDcs b = zk.dcs("batman", "pg2");
    assertTrue(await(a.acquireLeaderKey()));
    await(a.touchMember(MEMBER));
    assertFalse(await(b.acquireLeaderKey()), "the key is held");

    a.curator().close(); // the process dies: its session ends, no release

    eventually(Duration.ofSeconds(5), "leader and member znodes gone", () -> {
      try {
        Cluster c = await(b.loadCluster());
        return c.isUnlocked() && c.members().isEmpty();
      } catch (Exception e) {
        return false;
      }
    });
    assertTrue(await(b.acquireLeaderKey()));
  }

  @Test
  void renewFailsOnceTheSessionExpiredAndTheKeyIsGone() throws Exception {
    ZooKeeperDcs a = zk.dcs("batman", "pg1");
    ZooKeeperDcs b = zk.dcs("batman", "pg2");
    BlockingQueue<DcsChange> seenByA = new LinkedBlockingQueue<>();
    eventually(Duration.ofSeconds(5), "a's watch is registered", a::watching);
    a.watch(seenByA::add);
    assertTrue(await(a.acquireLeaderKey()));
    assertTrue(await(a.renewLeaderKey()));
    long before = a.sessionId();
    eventually(Duration.ofSeconds(5), "a saw its own key", () -> seenByA.contains(DcsChange.LEADER_CHANGED));
    seenByA.clear();

    zk.expireSession(a);

    eventually(Duration.ofSeconds(5), "the server dropped the leader znode", () -> {
      try {
        return stat("/service/batman/leader") == null;
      } catch (Exception e) {
        return false;
      }
    });
    // while the client is still learning that its session is gone, renew may also fail (DCS unavailable):
    // both make the HA loop demote; what it must never say is "still ours"
    assertNotEquals(Boolean.TRUE, renewOrNull(a), "the ephemeral leader key died with the session");
    eventually(Duration.ofSeconds(10), "renew answers false on the new session",
        () -> Boolean.FALSE.equals(renewOrNull(a)));
    eventually(Duration.ofSeconds(5), "a told of the change", () -> seenByA.contains(DcsChange.LEADER_CHANGED));
    eventually(Duration.ofSeconds(10), "a new session", () -> a.sessionId() != 0 && a.sessionId() != before);
    assertTrue(await(b.acquireLeaderKey()));
    assertFalse(await(a.renewLeaderKey()), "the key now holds another name");
  }

  private static Boolean renewOrNull(ZooKeeperDcs dcs) {
    try {
      return await(dcs.renewLeaderKey());
    } catch (DcsUnavailableException e) {
      return null;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void releaseDeletesTheKeyAndRestartsTheSessionDroppingTheMemberKey() throws Exception {
    ZooKeeperDcs a = zk.dcs("batman", "pg1");
    assertTrue(await(a.acquireLeaderKey()));
    await(a.touchMember(MEMBER));
    long before = a.sessionId();

    assertTrue(await(a.releaseLeaderKey()));

    assertNull(stat("/service/batman/leader"));
    assertNull(stat("/service/batman/members/pg1"), "the old session's member key went with it");
    eventually(Duration.ofSeconds(10), "a new session", () -> a.sessionId() != 0 && a.sessionId() != before);
    assertFalse(await(a.releaseLeaderKey()), "nothing left to release");

    await(a.touchMember(MEMBER)); // the next loop writes it again, in the new session
    assertEquals(a.sessionId(), stat("/service/batman/members/pg1").getEphemeralOwner());
  }

  @Test
  void releaseLeavesAKeyHeldByAnotherMemberAlone() throws Exception {
    ZooKeeperDcs a = zk.dcs("batman", "pg1");
    ZooKeeperDcs b = zk.dcs("batman", "pg2");
    assertTrue(await(b.acquireLeaderKey()));
    long session = a.sessionId();
    assertFalse(await(a.releaseLeaderKey()));
    assertEquals("pg2", value("/service/batman/leader"));
    assertEquals(session, a.sessionId(), "no restart when nothing was released");
  }

  @Test
  void renewRecreatesOurKeyLeftByAnOlderSession() throws Exception {
    // what a restarted agent finds: its name in the leader znode, owned by its previous (still live) session
    CuratorFramework previous = CuratorFrameworkFactory.newClient(zk.server.connectString(), 10_000, 5_000,
        new RetryNTimes(3, 100));
    previous.start();
    try {
      previous.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL)
          .forPath("/service/batman/leader", "pg1".getBytes(StandardCharsets.UTF_8));
      ZooKeeperDcs a = zk.dcs("batman", "pg1");
      assertTrue(await(a.renewLeaderKey()));
      assertEquals(a.sessionId(), stat("/service/batman/leader").getEphemeralOwner());
      assertEquals("pg1", value("/service/batman/leader"));
    } finally {
      previous.close();
    }
  }

  @Test
  void watchReportsLeaderDeletionWithinOneSecond() throws Exception {
    ZooKeeperDcs a = zk.dcs("batman", "pg1");
    ZooKeeperDcs b = zk.dcs("batman", "pg2");
    BlockingQueue<Long> leaderEvents = new LinkedBlockingQueue<>();
    eventually(Duration.ofSeconds(5), "b's watch is registered", b::watching);
    b.watch(change -> {
      if (change == DcsChange.LEADER_CHANGED) {
        leaderEvents.add(System.nanoTime());
      }
    });
    assertTrue(await(a.acquireLeaderKey()));
    eventually(Duration.ofSeconds(5), "b saw the key taken", () -> !leaderEvents.isEmpty());
    leaderEvents.clear();

    long deleted = System.nanoTime();
    inspector.delete().forPath("/service/batman/leader");

    Long seen = leaderEvents.poll(ZooKeeperFixture.scaled(Duration.ofSeconds(1)).toMillis(), TimeUnit.MILLISECONDS);
    assertTrue(seen != null, "no LEADER_CHANGED within 1 s of the leader znode's deletion");
    assertTrue(seen - deleted < TimeUnit.SECONDS.toNanos(1));
  }

  @Test
  void statusChangesWakeNonLeadersOnly() throws Exception {
    ZooKeeperDcs a = zk.dcs("batman", "pg1");
    ZooKeeperDcs b = zk.dcs("batman", "pg2");
    BlockingQueue<DcsChange> seenByA = new LinkedBlockingQueue<>();
    BlockingQueue<DcsChange> seenByB = new LinkedBlockingQueue<>();
    eventually(Duration.ofSeconds(5), "watches loaded", () -> a.watching() && b.watching());
    a.watch(seenByA::add);
    b.watch(seenByB::add);
    assertTrue(await(a.acquireLeaderKey()));
    eventually(Duration.ofSeconds(5), "both saw the new leader",
        () -> seenByA.contains(DcsChange.LEADER_CHANGED) && seenByB.contains(DcsChange.LEADER_CHANGED));
    seenByA.clear();
    seenByB.clear();

    await(a.writeStatus(new io.vigil.cluster.Status(123456, Map.of(), null)));

    assertEquals(DcsChange.STATUS_CHANGED, seenByB.poll(ZooKeeperFixture.scaled(Duration.ofSeconds(2)).toMillis(),
        TimeUnit.MILLISECONDS));
    assertNull(seenByA.poll(300, TimeUnit.MILLISECONDS), "the leader wrote status itself");
  }

  @Test
  void unreachableServerFailsCallsWithinRetryTimeoutNamingOperationZnodeAndHosts() throws Exception {
    ZooKeeperDcs a = zk.dcs("batman", "pg1", new DcsTiming(20, 2, 2));
    assertTrue(await(a.acquireLeaderKey()));
    long session = a.sessionId();

    zk.server.stop();
    long start = System.nanoTime();
    DcsUnavailableException e = assertThrows(DcsUnavailableException.class, () -> await(a.renewLeaderKey()));
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertTrue(tookMs < ZooKeeperFixture.scaled(Duration.ofMillis(3000)).toMillis(), "took " + tookMs + " ms");
    assertTrue(e.getMessage().contains("renew the leader key /service/batman/leader"), e.getMessage());
    assertTrue(e.getMessage().contains(zk.server.connectString()), e.getMessage());
    assertThrows(DcsUnavailableException.class, () -> await(a.loadCluster()));

    // same port, same data dir: the session (ttl 20 s) survives, and with it the leader key
    zk.server.start();
    eventually(Duration.ofSeconds(15), "renew succeeds again", () -> {
      try {
        return await(a.renewLeaderKey());
      } catch (Exception again) {
        return false;
      }
    });
    assertEquals(session, a.sessionId());
  }

  @Test
  void newTtlRestartsTheSessionAndKeepsTheLeaderKey() throws Exception {
    ZooKeeperDcs a = zk.dcs("batman", "pg1");
    BlockingQueue<DcsChange> seenByA = new LinkedBlockingQueue<>();
    eventually(Duration.ofSeconds(5), "watch loaded", a::watching);
    a.watch(seenByA::add);
    assertTrue(await(a.acquireLeaderKey()));
    eventually(Duration.ofSeconds(5), "a's watch saw its leader key", () -> seenByA.contains(DcsChange.LEADER_CHANGED));
    long before = a.sessionId();

    a.setTiming(new DcsTiming(6, 2, 2));

    eventually(Duration.ofSeconds(10), "leader key owned by the new session", () -> {
      try {
        Stat s = stat("/service/batman/leader");
        return s != null && a.sessionId() != before && s.getEphemeralOwner() == a.sessionId();
      } catch (Exception e) {
        return false;
      }
    });
    assertEquals(6000, a.curator().getZookeeperClient().getZooKeeper().getSessionTimeout());
    assertTrue(await(a.renewLeaderKey()));
    assertNotEquals(before, a.sessionId());
  }

  @Test
  void deleteClusterRemovesEverythingUnderTheScopeOnly() throws Exception {
    ZooKeeperDcs a = zk.dcs("batman", "pg1");
    ZooKeeperDcs other = zk.dcs("robin", "pg9");
    assertTrue(await(a.acquireLeaderKey()));
    await(a.touchMember(MEMBER));
    await(a.writeHistory(new io.vigil.cluster.TimelineHistory(0, List.of())));
    await(other.writeConfig(Map.of("ttl", 30), null));

    await(a.deleteCluster());

    assertNull(stat("/service/batman"));
    assertTrue(stat("/service/robin/config") != null);
    assertTrue(await(a.loadCluster()).isUnlocked());
  }

  @Test
  void authDataOpensZnodesProtectedByADigestAcl() throws Exception {
    String credential = "vigil:s3cret";
    try (CuratorFramework owner = CuratorFrameworkFactory.builder().connectString(zk.server.connectString())
        .retryPolicy(new RetryNTimes(3, 100)).authorization("digest", credential.getBytes(StandardCharsets.UTF_8))
        .build()) {
      owner.start();
      owner.create().creatingParentsIfNeeded()
          .withACL(List.of(new ACL(Perms.ALL,
              new Id("digest", DigestAuthenticationProvider.generateDigest(credential)))))
          .forPath("/service/secure", new byte[0]);
    }
    ZooKeeperDcs stranger = zk.dcs("secure", "pg1");
    DcsUnavailableException e = assertThrows(DcsUnavailableException.class, () -> await(stranger.loadCluster()));
    assertTrue(e.getMessage().contains("not authorized"), e.getMessage());

    ZooKeeperDcs member =
        zk.dcs("secure", "pg1", ZooKeeperFixture.FAST, Map.of("auth_data", Map.of("digest", credential)));
    assertTrue(await(member.acquireLeaderKey()));
    assertEquals("pg1", await(member.loadCluster()).leaderName());
    assertFalse(member.toString().contains("s3cret"));
  }

  @Test
  void aServerThatGoesSilentIsLeftAfterTheReadTimeoutAndTheSessionLivesOn() throws Exception {
    try (SilentNetworkProxy proxy = new SilentNetworkProxy("127.0.0.1", zk.server.port())) {
      // read timeout max(loop_wait - 2, 2) = 2 s; the ZooKeeper client alone would wait 2/3 of 30 s, longer
      // than retry_timeout
      DcsTiming timing = new DcsTiming(30, 4, 10);
      ZooKeeperDcs a = zk.dcs("batman", "pg1", timing, Map.of("hosts", proxy.connectString()));
      assertTrue(await(a.acquireLeaderKey()));
      long session = a.sessionId();

      proxy.silence(true);
      long start = System.nanoTime();
      zk.vertx.setTimer(3000, id -> proxy.silence(false)); // the server is silent for 3 s, then answers again
      assertTrue(await(a.renewLeaderKey()), "renewed within retry_timeout over a new connection");

      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertTrue(tookMs < 10_000, "took " + tookMs + " ms");
      assertEquals(session, a.sessionId(), "same session: the leader key never went away");
      assertEquals(session, stat("/service/batman/leader").getEphemeralOwner());
    }
  }

  @Test
  void aLeaderCutOffSilentlyNeitherReadsNorRenewsFromWhatItKnew() throws Exception {
    // Patroni: a leader whose connection is SUSPENDED must not believe it still holds the key. Nothing is served
    // from memory here: every read and renew asks the server, so both fail within retry_timeout while cut off.
    try (SilentNetworkProxy proxy = new SilentNetworkProxy("127.0.0.1", zk.server.port())) {
      DcsTiming timing = new DcsTiming(30, 4, 3);
      ZooKeeperDcs a = zk.dcs("batman", "pg1", timing, Map.of("hosts", proxy.connectString()));
      assertTrue(await(a.acquireLeaderKey()));
      assertEquals("pg1", await(a.loadCluster()).leaderName());

      proxy.silence(true);
      long boundMs = ZooKeeperFixture.scaled(Duration.ofMillis(timing.retryTimeout() * 1000L + 1000)).toMillis();
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (System.nanoTime() < end) {
        long start = System.nanoTime();
        assertThrows(DcsUnavailableException.class, () -> await(a.loadCluster()));
        long readMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(readMs <= boundMs, "loadCluster took " + readMs + " ms");
        start = System.nanoTime();
        assertThrows(DcsUnavailableException.class, () -> await(a.renewLeaderKey()));
        long renewMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(renewMs <= boundMs, "renewLeaderKey took " + renewMs + " ms");
      }
    }
  }

  @Test
  void touchMemberSkipsUnchangedValuesAndRecreatesTheZnodeForImportantChanges() throws Exception {
    ZooKeeperDcs a = zk.dcs("batman", "pg1");
    String path = "/service/batman/members/pg1";
    await(a.touchMember(MEMBER));
    Stat first = stat(path);

    await(a.touchMember(MEMBER));
    assertEquals(first.getMzxid(), stat(path).getMzxid(), "an unchanged value is not written");

    Map<String, Object> moved = new java.util.HashMap<>(MEMBER);
    moved.put("xlog_location", 1234L);
    await(a.touchMember(moved));
    Stat updated = stat(path);
    assertEquals(first.getCzxid(), updated.getCzxid(), "a routine change is a plain write");
    assertEquals(first.getVersion() + 1, updated.getVersion());

    Map<String, Object> stopped = new java.util.HashMap<>(moved);
    stopped.put("state", "stopped");
    await(a.touchMember(stopped));
    assertNotEquals(first.getCzxid(), stat(path).getCzxid(), "leaving 'running' re-creates the znode");
    assertTrue(value(path).contains("\"state\":\"stopped\""), value(path));
  }
}
