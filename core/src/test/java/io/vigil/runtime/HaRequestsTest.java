package io.vigil.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.Vertx;
import io.vigil.async.AsyncExecutor;
import io.vigil.bus.Addresses;
import io.vigil.bus.HaReply;
import io.vigil.bus.HaRequest;
import io.vigil.cluster.Cluster;
import io.vigil.cluster.Leader;
import io.vigil.cluster.Member;
import io.vigil.postgres.PostgresRole;
import io.vigil.postgres.PostgresState;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The REST API's requests to the HA loop, answered from what the loop last saw. */
class HaRequestsTest {
  private static final long NOW = 1_000_000;
  private Vertx vertx;
  private LoopState state;
  private volatile PostgresState postgres;
  private final List<String> wakes = new CopyOnWriteArrayList<>();

  @BeforeEach
  void deploy() {
    vertx = Vertx.vertx();
    HaRequest.registerCodecs(vertx);
    state = new LoopState();
    HaRequests requests = new HaRequests(vertx, state, new AsyncExecutor(vertx), () -> "pg2", () -> postgres,
        () -> 30, () -> NOW, wakes::add);
    vertx.eventBus().<Object>localConsumer(Addresses.HA_REQUEST, requests::handle);
  }

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private HaReply ask(HaRequest request) throws Exception {
    return vertx.eventBus().<HaReply>request(Addresses.HA_REQUEST, request).map(m -> m.body())
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static PostgresState running(PostgresRole role, Long wal) {
    boolean replica = role != PostgresRole.PRIMARY;
    return new PostgresState("running", role, false, true, replica, "7000000000000000001", 4, wal, null, null, null,
        null, false, null, List.of(), null, 150018, "2026-11-21 04:57:35.899984+00", false, Map.of(), NOW);
  }

  @Test
  void aScheduledRestartIsKeptUntilCancelledAndOnlyOneAtATime() throws Exception {
    assertEquals(404, ask(new HaRequest.CancelScheduledRestart()).code());
    OffsetDateTime at = OffsetDateTime.parse("2030-01-01T00:00:00Z");
    assertEquals(202, ask(new HaRequest.ScheduleRestart(at, null, null, null, false)).code());
    assertNotNull(state.restartRequest);
    assertEquals(409, ask(new HaRequest.ScheduleRestart(at, null, null, null, false)).code());
    HaReply cancelled = ask(new HaRequest.CancelScheduledRestart());
    assertEquals(200, cancelled.code());
    assertNull(state.scheduledRestart);
    assertNull(state.restartRequest);
  }

  @Test
  void reinitializeIsRefusedWithoutALeaderAndOnTheLeader() throws Exception {
    assertEquals("Cluster has no leader, can not reinitialize", ask(new HaRequest.Reinitialize(false, false)).text());
    Member me = new Member("pg2", 1, null, Map.of());
    state.lastCluster = new Cluster("7000000000000000001", null, new Leader(1, null, me), null, List.of(me), null,
        null, null, null);
    assertEquals("I am the leader, can not reinitialize", ask(new HaRequest.Reinitialize(false, false)).text());
    Member other = new Member("pg1", 1, null, Map.of());
    state.lastCluster = new Cluster("7000000000000000001", null, new Leader(1, null, other), null,
        List.of(other, me), null, null, null, null);
    assertEquals(200, ask(new HaRequest.Reinitialize(true, false)).code());
    assertEquals(new io.vigil.ha.LocalState.ReinitializeRequest(true, false), state.reinitializeRequest);
    assertEquals(List.of("reinitialize request"), wakes);
  }

  @Test
  void aFailsafeHeartbeatIsAcceptedByAReplicaForTtlSeconds() throws Exception {
    Map<String, Object> body = Map.of("name", "pg1", "conn_url", "postgres://10.0.0.1:5432/postgres",
        "api_url", "http://10.0.0.1:8008/patroni");
    postgres = running(PostgresRole.PRIMARY, 100L);
    assertEquals(new HaReply(500, "Running as a leader"), ask(new HaRequest.FailsafeHeartbeat(body)));
    postgres = running(PostgresRole.REPLICA, 0x3000060L);
    HaReply accepted = ask(new HaRequest.FailsafeHeartbeat(body));
    assertEquals(new HaReply(200, "Accepted", Map.of("lsn", Long.toString(0x3000060L))), accepted);
    assertEquals("pg1", state.failsafeLeader.name());
    assertEquals("http://10.0.0.1:8008/patroni", state.failsafeLeader.apiUrl());
    assertEquals(NOW + 30_000, state.failsafeLeaderUntilMillis);
  }
}
