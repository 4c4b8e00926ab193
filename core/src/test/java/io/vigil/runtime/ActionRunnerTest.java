package io.vigil.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vigil.async.AsyncExecutor;
import io.vigil.cluster.Cluster;
import io.vigil.config.GlobalConfig;
import io.vigil.config.GlobalConfigParser;
import io.vigil.config.Settings;
import io.vigil.dcs.DcsUnavailableException;
import io.vigil.ha.Action;
import io.vigil.ha.Decision;
import io.vigil.ha.HaMemory;
import io.vigil.postgres.PgFixtures;
import io.vigil.postgres.PostgresController;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The runner's rules that need no running PostgreSQL. */
class ActionRunnerTest {

  // --- touchAfterStop: Patroni's finally-touch, skipped after a DCS error and after a failed renewal ---

  @Test
  void touchesAfterAnOrdinaryStop() {
    assertTrue(ActionRunner.touchAfterStop(new Action.AcquireLeaderKey(), null), "lost race");
    assertTrue(ActionRunner.touchAfterStop(new Action.Promote(), new IllegalStateException("promote busy")));
    assertTrue(ActionRunner.touchAfterStop(new Action.WriteSyncState("pg1", List.of(), null, 1L), null));
  }

  @Test
  void noTouchAfterADcsError() {
    DcsUnavailableException down = new DcsUnavailableException("timeout");
    assertFalse(ActionRunner.touchAfterStop(new Action.AcquireLeaderKey(), down));
    assertFalse(ActionRunner.touchAfterStop(new Action.WriteSyncState("pg1", List.of(), null, 1L), down));
    assertFalse(ActionRunner.touchAfterStop(new Action.InitializeCluster("", true), down));
  }

  @Test
  void noTouchAfterAFailedOrRefusedRenewal() {
    assertFalse(ActionRunner.touchAfterStop(new Action.RenewLeaderKey(), null), "refused");
    assertFalse(ActionRunner.touchAfterStop(new Action.RenewLeaderKey(), new DcsUnavailableException("down")));
    assertFalse(ActionRunner.touchAfterStop(new Action.RenewLeaderKey(), new IllegalStateException("other")));
  }

  // --- every Action has a runner ---

  private Vertx vertx;
  private Path base;

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    base = PgFixtures.postgresOwnedTempDir("vigil-dispatch-");
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    PgFixtures.deleteTree(base);
  }

  /**
   * Runs an instance of every permitted {@link Action} through a runner wired to a controller of a PostgreSQL
   * that was never initialised (data directory absent, nothing running) and a fake DCS. Whatever an action does
   * there, it must not fall through to "no runner". The executor is kept busy with a long action that never
   * ends, so no action that starts one gets far.
   */
  @Test
  void everyActionHasARunner() throws Exception {
    Settings settings = NodeFixtures.settings("pg1", base, PgFixtures.freePort(), PgFixtures.freePort(),
        Map.of());
    GlobalConfig global = GlobalConfigParser.parse(Map.of("ttl", 20, "loop_wait", 2, "retry_timeout", 4)).config();
    List<Class<?>> kinds = List.of(Action.class.getPermittedSubclasses());
    assertTrue(kinds.size() >= 30, "the sealed hierarchy was read: " + kinds);
    List<String> unhandled = new ArrayList<>();
    List<String> exitCodes = new java.util.concurrent.CopyOnWriteArrayList<>();
    for (Class<?> kind : kinds) {
      Action action = instance(kind);
      CompletableFuture<Throwable> outcome = new CompletableFuture<>();
      vertx.runOnContext(v -> {
        AsyncExecutor async = new AsyncExecutor(vertx);
        async.tryRun("busy", () -> Promise.<Void>promise().future());
        PostgresController.create(vertx, settings, async).compose(pg -> {
          ActionRunner runner = new ActionRunner(vertx, settings, new FaultyDcs(vertx, "pg1"), pg, async,
              new LoopState(), new LeaseGuard(), HaLoopVerticle::nowMillis, () -> { },
              code -> exitCodes.add(kind.getSimpleName() + ":" + code), io.vigil.watchdog.Watchdog.off());
          // sets the cycle's cluster and dynamic configuration, as the loop does before acting
          return runner.run(new Decision(List.of(), "", HaMemory.initial(), null), Cluster.empty(), global, null,
              () -> false).compose(x -> runner.execute(action));
        }).onComplete(ar -> outcome.complete(ar.failed() ? ar.cause() : null));
      });
      Throwable failure;
      try {
        failure = outcome.get(60, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        fail(kind.getSimpleName() + " did not complete");
        return;
      }
      if (failure instanceof IllegalStateException && String.valueOf(failure.getMessage()).startsWith("no runner")) {
        unhandled.add(kind.getSimpleName());
      }
    }
    assertEquals(List.of(), unhandled);
    assertEquals(List.of("Exit:0"), exitCodes, "Exit reached its runner");
  }

  // --- the callback at the end of a bootstrap (docs/callbacks.md §1.2) ---

  @Test
  void theBootstrapsOnStartNamesThePrimaryOrTheStandbyLeader() throws Exception {
    GlobalConfig plain = GlobalConfigParser.parse(Map.of("ttl", 20, "loop_wait", 2, "retry_timeout", 4)).config();
    GlobalConfig standby = GlobalConfigParser.parse(Map.of("ttl", 20, "loop_wait", 2, "retry_timeout", 4,
        "standby_cluster", Map.of("host", "10.0.0.1", "port", 5432))).config();
    assertEquals(List.of("on_start primary"), scriptsAfterTakingTheKey(plain));
    // patroni/ha.py bootstrap_standby_leader sets the role standby_leader before post_bootstrap's on_start
    assertEquals(List.of("on_start standby_leader"), scriptsAfterTakingTheKey(standby));
  }

  private List<String> scriptsAfterTakingTheKey(GlobalConfig global) throws Exception {
    Settings settings = NodeFixtures.settings("pg1", base, PgFixtures.freePort(), PgFixtures.freePort(), Map.of());
    List<String> scripts = new java.util.concurrent.CopyOnWriteArrayList<>();
    io.vigil.callbacks.AgentCallbacks recording = new io.vigil.callbacks.AgentCallbacks() {
      @Override
      public void script(io.vigil.callbacks.ScriptAction action, String role) {
        scripts.add(action.patroniName() + " " + role);
      }

      @Override
      public io.vertx.core.Future<Boolean> allowPromotion() {
        return io.vertx.core.Future.succeededFuture(true);
      }

      @Override
      public void clusterSeen(Cluster cluster) {}

      @Override
      public void reloaded(Settings fresh) {}

      @Override
      public io.vertx.core.Future<Void> close() {
        return io.vertx.core.Future.succeededFuture();
      }
    };
    CompletableFuture<Boolean> outcome = new CompletableFuture<>();
    vertx.runOnContext(v -> {
      AsyncExecutor async = new AsyncExecutor(vertx);
      PostgresController.create(vertx, settings, async).compose(pg -> {
        ActionRunner runner = new ActionRunner(vertx, settings, new FaultyDcs(vertx, "pg1"), pg, async,
            new LoopState(), new LeaseGuard(), HaLoopVerticle::nowMillis, () -> { }, code -> { },
            io.vigil.watchdog.Watchdog.off());
        runner.setCallbacks(recording);
        return runner.run(new Decision(List.of(), "", HaMemory.initial(), null), Cluster.empty(), global, null,
            () -> false).compose(x -> runner.execute(new Action.TakeLeaderKey()));
      }).onComplete(ar -> {
        if (ar.failed()) {
          outcome.completeExceptionally(ar.cause());
        } else {
          outcome.complete(ar.result());
        }
      });
    });
    assertTrue(outcome.get(60, TimeUnit.SECONDS), "the key was taken");
    return scripts;
  }

  // --- a release beside a renewal in flight (a graceful demote runs beside the loop's cycles) ---

  /**
   * A graceful demote releases the key from its long action while a cycle's renewal may still be on its way.
   * The delete must come after that renewal answered, and the renewal must not count: otherwise it marks the key
   * held again (or, on etcd, writes it back), and the next cycle demotes the node a second time, with a second
   * on_stop and on_role_change (CallbacksIT).
   */
  @Test
  void aReleaseWaitsForTheRenewalInFlightWhichNoLongerCounts() throws Exception {
    Settings settings = NodeFixtures.settings("pg1", base, PgFixtures.freePort(), PgFixtures.freePort(), Map.of());
    GlobalConfig global = GlobalConfigParser.parse(Map.of("ttl", 20, "loop_wait", 2, "retry_timeout", 4)).config();
    FaultyDcs dcs = new FaultyDcs(vertx, "pg1");
    dcs.leaderTakenBy("pg1");
    long renewalTakes = 400;
    dcs.delay(FaultyDcs.Op.RENEW, renewalTakes);
    LoopState state = new LoopState();
    LeaseGuard guard = new LeaseGuard();
    CompletableFuture<List<Boolean>> outcome = new CompletableFuture<>();
    vertx.runOnContext(v -> {
      AsyncExecutor async = new AsyncExecutor(vertx);
      PostgresController.create(vertx, settings, async).compose(pg -> {
        ActionRunner runner = new ActionRunner(vertx, settings, dcs, pg, async, state, guard,
            HaLoopVerticle::nowMillis, () -> { }, code -> { }, io.vigil.watchdog.Watchdog.off());
        return runner.run(new Decision(List.of(), "", HaMemory.initial(), null), Cluster.empty(), global, null,
            () -> false).compose(x -> {
              io.vertx.core.Future<Boolean> renewal = runner.execute(new Action.RenewLeaderKey());
              io.vertx.core.Future<Boolean> release = runner.execute(new Action.ReleaseLeaderKey());
              return io.vertx.core.Future.all(renewal, release).map(all -> List.of(renewal.result(),
                  release.result()));
            });
      }).onComplete(ar -> {
        if (ar.failed()) {
          outcome.completeExceptionally(ar.cause());
        } else {
          outcome.complete(ar.result());
        }
      });
    });
    List<Boolean> results = outcome.get(60, TimeUnit.SECONDS);
    assertEquals(List.of(false, true), results, "the renewal does not count, the release does");
    FaultyDcs.Call renew = dcs.calls(c -> c.op() == FaultyDcs.Op.RENEW).get(0);
    FaultyDcs.Call release = dcs.calls(c -> c.op() == FaultyDcs.Op.RELEASE).get(0);
    assertTrue(release.atMillis() >= renew.atMillis() + renewalTakes - 5,
        "the delete waited for the renewal's answer: renew at " + renew.atMillis() + ", release at "
            + release.atMillis());
    CompletableFuture<List<Object>> after = new CompletableFuture<>();
    vertx.runOnContext(v -> after.complete(List.of(state.leaderKey, state.leaderKeyReleased, guard.holding())));
    assertEquals(List.of(io.vigil.ha.LeaderKeyWrite.NONE, true, false), after.get(5, TimeUnit.SECONDS),
        "the key is released, not held again");
    assertEquals(null, dcs.leader());
  }

  /** An instance of a record action with plain values: null, zero, false, an enum's first constant. */
  private static Action instance(Class<?> kind) throws Exception {
    assertTrue(kind.isRecord(), kind + " is a record");
    RecordComponent[] components = kind.getRecordComponents();
    Class<?>[] types = new Class<?>[components.length];
    Object[] values = new Object[components.length];
    for (int i = 0; i < components.length; i++) {
      Class<?> t = components[i].getType();
      types[i] = t;
      values[i] = t == boolean.class ? false
          : t == int.class ? 0
          : t == long.class ? 0L
          : t.isEnum() ? t.getEnumConstants()[0]
          : t == String.class ? "x"
          : null;
    }
    Constructor<?> c = kind.getDeclaredConstructor(types);
    return (Action) c.newInstance(values);
  }
}
