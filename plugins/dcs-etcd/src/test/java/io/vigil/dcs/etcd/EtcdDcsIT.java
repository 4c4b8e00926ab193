package io.vigil.dcs.etcd;

import static io.vigil.dcs.etcd.EtcdConnection.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.lease.LeaseTimeToLiveResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.LeaseOption;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vigil.cluster.Failover;
import io.vigil.cluster.Failsafe;
import io.vigil.cluster.Status;
import io.vigil.cluster.SyncState;
import io.vigil.cluster.TimelineHistory;
import io.vigil.config.DcsSettings;
import io.vigil.dcs.Dcs;
import io.vigil.dcs.Dcs.DcsChange;
import io.vigil.dcs.DcsContext;
import io.vigil.dcs.DcsFactory;
import io.vigil.dcs.DcsKeys;
import io.vigil.dcs.DcsTestSupport;
import io.vigil.dcs.DcsTiming;
import io.vigil.dcs.DcsUnavailableException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** etcd-specific wire behaviour (docs/dcs-layout.md §1.4) beyond the generic contract: leases, rewrites, watch rules. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EtcdDcsIT {
  private static final AtomicInteger SCOPES = new AtomicInteger();
  private static final DcsTiming TIMING = new DcsTiming(5, 1, 2);

  private EtcdProcess etcd;
  private Client raw;
  private Vertx vertx;
  private Context context;
  private DcsKeys keys;
  private final List<Dcs> opened = new ArrayList<>();

  @BeforeAll
  void start() throws Exception {
    etcd = new EtcdProcess().start();
    raw = Client.builder().endpoints(etcd.endpoint()).build();
    // the first gRPC call of a JVM loads a few thousand classes; keep that out of the 2 s deadlines under test
    raw.getKVClient().get(bytes("/warm-up")).get(30, TimeUnit.SECONDS);
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
  }

  @AfterAll
  void stop() throws Exception {
    raw.close();
    etcd.close();
    vertx.close().toCompletionStage().toCompletableFuture().get();
  }

  @BeforeEach
  void scope() {
    keys = new DcsKeys("service", "etcd" + SCOPES.incrementAndGet());
  }

  @AfterEach
  void closeAll() {
    opened.forEach(d -> {
      try {
        DcsTestSupport.start(context, d::close).get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        // closed already
      }
    });
    opened.clear();
  }

  private EtcdDcs dcs(String member) {
    DcsSettings settings = new DcsSettings("etcd3", Map.of("hosts", List.of("127.0.0.1:" + etcd.clientPort())));
    EtcdDcs dcs = call(() -> Future.succeededFuture(
        (EtcdDcs) new EtcdDcsFactory().create(vertx, new DcsContext(keys, member, settings, TIMING))));
    opened.add(dcs);
    return dcs;
  }

  private <T> T call(Supplier<Future<T>> op) {
    return DcsTestSupport.await(DcsTestSupport.start(context, op), Duration.ofSeconds(5));
  }

  private KeyValue rawGet(String relative) throws Exception {
    List<KeyValue> kvs = raw.getKVClient().get(bytes(keys.key(relative))).get(5, TimeUnit.SECONDS).getKvs();
    return kvs.isEmpty() ? null : kvs.get(0);
  }

  private Map<String, Long> rawLeases() throws Exception {
    Map<String, Long> leases = new TreeMap<>();
    for (KeyValue kv : raw.getKVClient().get(bytes(keys.base()), GetOption.builder().isPrefix(true).build())
        .get(5, TimeUnit.SECONDS).getKvs()) {
      leases.put(keys.relative(kv.getKey().toString(StandardCharsets.UTF_8)), kv.getLease());
    }
    return leases;
  }

  @Test
  void renewDoesNotRewriteTheLeaderKeyWhileItIsAttachedToOurLease() throws Exception {
    EtcdDcs a = dcs("a");
    call(a::loadCluster);
    assertTrue(call(a::acquireLeaderKey));
    long modRevision = rawGet(DcsKeys.LEADER).getModRevision();
    DcsTestSupport.poll("a's cache holds its own leader key", Duration.ofSeconds(3), 20,
        () -> "a".equals(call(a::loadCluster).leaderName()));
    for (int i = 0; i < 3; i++) {
      DcsTestSupport.pause(1000);
      assertTrue(call(a::renewLeaderKey));
    }
    assertEquals(modRevision, rawGet(DcsKeys.LEADER).getModRevision(), "no write, only keepalives");
    LeaseTimeToLiveResponse ttl = raw.getLeaseClient().timeToLive(a.leaseId(), LeaseOption.DEFAULT)
        .get(5, TimeUnit.SECONDS);
    assertTrue(ttl.getTTL() >= TIMING.ttl() - 1, "the keepalive restarted the ttl: " + ttl.getTTL());
  }

  @Test
  void aTtlChangeGrantsANewLeaseAndRenewMovesTheLeaderKeyOntoIt() throws Exception {
    EtcdDcs a = dcs("a");
    call(a::loadCluster);
    call(() -> a.touchMember(Map.of("state", "running")));
    assertTrue(call(a::acquireLeaderKey));
    long oldLease = a.leaseId();
    assertEquals(oldLease, rawGet(DcsKeys.LEADER).getLease());
    call(() -> {
      a.setTiming(new DcsTiming(8, 1, 2));
      return Future.succeededFuture();
    });
    assertTrue(call(a::renewLeaderKey));
    long newLease = a.leaseId();
    assertNotEquals(oldLease, newLease);
    KeyValue leader = rawGet(DcsKeys.LEADER);
    assertEquals(newLease, leader.getLease());
    assertEquals("a", leader.getValue().toString(StandardCharsets.UTF_8));
    assertEquals(8, raw.getLeaseClient().timeToLive(newLease, LeaseOption.DEFAULT).get(5, TimeUnit.SECONDS)
        .getGrantedTTL());
    call(() -> a.touchMember(Map.of("state", "running")));
    assertEquals(newLease, rawGet(DcsKeys.MEMBERS + "a").getLease(), "unchanged data, but the lease changed");
  }

  @Test
  void aRevokedLeaseIsReplacedAndRenewRecreatesTheMissingKey() throws Exception {
    EtcdDcs a = dcs("a");
    assertTrue(call(a::acquireLeaderKey));
    long oldLease = a.leaseId();
    raw.getLeaseClient().revoke(oldLease).get(5, TimeUnit.SECONDS);
    assertNull(rawGet(DcsKeys.LEADER));
    assertTrue(call(a::renewLeaderKey), "Patroni's nested CREATE==0 branch takes the free key back");
    assertNotEquals(oldLease, a.leaseId());
    assertEquals(a.leaseId(), rawGet(DcsKeys.LEADER).getLease());

    raw.getLeaseClient().revoke(a.leaseId()).get(5, TimeUnit.SECONDS);
    assertTrue(call(a::acquireLeaderKey), "acquire gets a new lease once when its lease vanished");
    assertEquals(a.leaseId(), rawGet(DcsKeys.LEADER).getLease());
  }

  @Test
  void touchMemberWritesOnlyWhenTheDataChanged() throws Exception {
    EtcdDcs a = dcs("a");
    call(a::loadCluster);
    call(() -> a.touchMember(Map.of("state", "running", "role", "replica")));
    long first = rawGet(DcsKeys.MEMBERS + "a").getModRevision();
    DcsTestSupport.poll("a's cache holds its member key", Duration.ofSeconds(3), 20,
        () -> call(a::loadCluster).hasMember("a"));
    call(() -> a.touchMember(Map.of("state", "running", "role", "replica")));
    assertEquals(first, rawGet(DcsKeys.MEMBERS + "a").getModRevision());
    call(() -> a.touchMember(Map.of("state", "running", "role", "primary")));
    assertTrue(rawGet(DcsKeys.MEMBERS + "a").getModRevision() > first);
  }

  @Test
  void onlyLeaderAndMemberKeysCarryTheLease() throws Exception {
    EtcdDcs a = dcs("a");
    call(() -> a.initialize("1", true));
    call(() -> a.writeConfig(Map.of("ttl", 30), null));
    call(() -> a.touchMember(Map.of("state", "running")));
    call(a::acquireLeaderKey);
    call(() -> a.writeStatus(new Status(5, null, null)));
    call(() -> a.writeFailover(null, null));
    Map<String, Long> leases = rawLeases();
    long lease = a.leaseId();
    assertTrue(lease != 0);
    assertEquals(Map.of("initialize", 0L, "config", 0L, "members/a", lease, "leader", lease, "status", 0L,
        "failover", 0L), leases);
  }

  @Test
  void watchWakesOnLeaderAndConfigChangesAndOnStatusOnlyForNonLeaders() throws Exception {
    EtcdDcs a = dcs("a");
    EtcdDcs b = dcs("b");
    List<DcsChange> seenByA = new CopyOnWriteArrayList<>();
    List<DcsChange> seenByB = new CopyOnWriteArrayList<>();
    call(() -> {
      a.watch(seenByA::add);
      b.watch(seenByB::add);
      return a.loadCluster().compose(x -> b.loadCluster());
    });
    DcsTestSupport.poll("both watches up", Duration.ofSeconds(3), 20,
        () -> call(a::loadCluster) != null && call(b::loadCluster) != null);
    assertTrue(call(a::acquireLeaderKey));
    DcsTestSupport.poll("b sees the leader key", Duration.ofSeconds(3), 10, () -> seenByB.contains(DcsChange.LEADER_CHANGED));
    call(() -> a.writeConfig(Map.of("ttl", 30), null));
    call(() -> a.writeStatus(new Status(5, null, null)));
    DcsTestSupport.poll("b sees the status", Duration.ofSeconds(3), 10, () -> seenByB.contains(DcsChange.STATUS_CHANGED));
    assertTrue(!seenByB.contains(DcsChange.CONFIG_CHANGED), "creating config is not a change: " + seenByB);
    call(() -> a.writeConfig(Map.of("ttl", 20), null));
    DcsTestSupport.poll("b sees the config change", Duration.ofSeconds(3), 10,
        () -> seenByB.contains(DcsChange.CONFIG_CHANGED));
    DcsTestSupport.poll("a sees the config change too", Duration.ofSeconds(3), 10,
        () -> seenByA.contains(DcsChange.CONFIG_CHANGED));
    assertTrue(!seenByA.contains(DcsChange.STATUS_CHANGED), "the leader is not woken by its own status: " + seenByA);
    assertNotNull(call(b::loadCluster).config());
  }

  @Test
  void recoversWithinSecondsAfterALongOutage() throws Exception {
    EtcdDcs a = dcs("a");
    call(() -> a.touchMember(Map.of("state", "running")));
    etcd.kill();
    try {
      // long enough for gRPC's reconnect backoff to grow past several seconds
      long outageEnd = System.nanoTime() + Duration.ofSeconds(12).toNanos();
      while (System.nanoTime() < outageEnd) {
        DcsTestSupport.awaitFailure(DcsTestSupport.start(context, a::loadCluster), Duration.ofSeconds(4));
        DcsTestSupport.pause(100);
      }
    } finally {
      etcd.start();
    }
    long restarted = System.nanoTime();
    DcsTestSupport.poll("loadCluster works again", Duration.ofSeconds(4), 50, () -> {
      try {
        return call(a::loadCluster).hasMember("a");
      } catch (io.vigil.dcs.DcsUnavailableException e) {
        return false;
      }
    });
    System.out.printf("recovered %d ms after etcd was healthy again%n", (System.nanoTime() - restarted) / 1_000_000);
    assertTrue(call(a::acquireLeaderKey));
  }

  @Test
  void errorsNameOperationKeyAndEndpointsButNeverThePassword() throws Exception {
    DcsSettings settings = new DcsSettings("etcd3", Map.of("hosts", "127.0.0.1:1", "username", "root",
        "password", "s3cr3t-pw"));
    Dcs dcs = call(() -> Future.succeededFuture(new EtcdDcsFactory().create(vertx,
        new DcsContext(keys, "a", settings, new DcsTiming(5, 1, 1)))));
    opened.add(dcs);
    Throwable e = DcsTestSupport.awaitFailure(DcsTestSupport.start(context, dcs::acquireLeaderKey), Duration.ofSeconds(4));
    assertTrue(e instanceof io.vigil.dcs.DcsUnavailableException, String.valueOf(e));
    assertTrue(e.getMessage().startsWith("could not acquire leader key " + keys.key("leader")
        + " in etcd at http://127.0.0.1:1: "), e.getMessage());
    for (Throwable t = e; t != null; t = t.getCause()) {
      assertTrue(t.getMessage() == null || !t.getMessage().contains("s3cr3t-pw"), t.getMessage());
    }
  }

  // ------------------------------------------------------------------------------------------------ vigilctl's read

  @Test
  void theGatewayReadAnswersExactlyWhatTheClientReads() throws Exception {
    EtcdDcs a = dcs("a");
    call(() -> a.touchMember(Map.of("state", "running", "role", "primary", "conn_url", "postgres://127.0.0.1:5432/postgres",
        "api_url", "http://127.0.0.1:8008/patroni")));
    assertTrue(call(() -> a.initialize("7000000000000000001", true)));
    assertTrue(call(a::acquireLeaderKey));
    assertTrue(call(() -> a.writeConfig(Map.of("ttl", 30L, "loop_wait", 10L), null)));
    call(() -> a.writeHistory(new TimelineHistory(0, List.of(new TimelineHistory.Line(1, 25165984L, "no recovery target specified", null, null)))));
    call(() -> a.writeStatus(new Status(67373552L, null, null)));
    assertTrue(call(() -> a.writeFailover(new Failover(0, "a", "b", null), null)));
    assertTrue(call(() -> a.writeSyncState(new SyncState(0, "a", List.of("b"), null), null)));
    call(() -> a.writeFailsafe(new Failsafe(Map.of("a", "http://127.0.0.1:8008/patroni"))));
    raw.getKVClient().put(bytes(keys.key("members/x")), bytes("not json")).get(5, TimeUnit.SECONDS);
    raw.getKVClient().put(bytes(keys.key("members/empty")), bytes("")).get(5, TimeUnit.SECONDS);
    // a neighbour whose name extends this scope's must stay out of the range
    raw.getKVClient().put(bytes(keys.base().replaceAll("/$", "x/") + "leader"), bytes("intruder")).get(5, TimeUnit.SECONDS);

    DcsSettings settings = new DcsSettings("etcd3", Map.of("hosts", List.of("127.0.0.1:" + etcd.clientPort())));
    DcsContext ctl = new DcsContext(keys, "vigilctl", settings, TIMING);
    DcsFactory.OneShotRead gateway = new EtcdDcsFactory().oneShotRead(ctl).orElseThrow();
    assertEquals(call(a::readCluster), gateway.read());
    assertEquals("a", gateway.read().leaderName());
  }

  @Test
  void theGatewayReadIsLeftToJetcdForTlsOrAuthentication() {
    EtcdDcsFactory factory = new EtcdDcsFactory();
    for (Map<String, Object> section : List.<Map<String, Object>>of(
        Map.of("hosts", "127.0.0.1:2379", "protocol", "https"),
        Map.of("hosts", "127.0.0.1:2379", "username", "root", "password", "secret"))) {
      DcsContext ctx = new DcsContext(keys, "vigilctl", new DcsSettings("etcd3", section), TIMING);
      assertTrue(factory.oneShotRead(ctx).isEmpty(), section.toString());
    }
    DcsContext plain = new DcsContext(keys, "vigilctl", new DcsSettings("etcd3", Map.of("hosts", "127.0.0.1:2379")),
        TIMING);
    assertTrue(factory.oneShotRead(plain).isPresent());
  }

  @Test
  void theGatewayReadFailsWithinRetryTimeoutWhenNothingAnswers() throws Exception {
    int closed;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    DcsContext ctx = new DcsContext(keys, "vigilctl", new DcsSettings("etcd3", Map.of("hosts", "127.0.0.1:" + closed)),
        TIMING);
    long started = System.nanoTime();
    DcsUnavailableException e = assertThrows(DcsUnavailableException.class,
        () -> new EtcdDcsFactory().oneShotRead(ctx).orElseThrow().read());
    assertTrue(System.nanoTime() - started < Duration.ofSeconds(TIMING.retryTimeout() + 1).toNanos());
    assertTrue(e.getMessage().startsWith("could not read cluster " + keys.base() + " in etcd at http://127.0.0.1:" + closed),
        e.getMessage());
  }
}
