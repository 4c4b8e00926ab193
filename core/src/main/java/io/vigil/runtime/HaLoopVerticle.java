package io.vigil.runtime;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import io.vigil.async.AsyncExecutor;
import io.vigil.async.Progress;
import io.vigil.bus.ClusterSnapshot;
import io.vigil.events.EventEmitter;
import io.vigil.bus.Addresses;
import io.vigil.bus.NodeStatus;
import io.vigil.bus.RecordCodec;
import io.vigil.cluster.Cluster;
import io.vigil.cluster.ClusterConfig;
import io.vigil.cluster.Failsafe;
import io.vigil.cluster.Leader;
import io.vigil.cluster.Member;
import io.vigil.config.EffectiveConfig;
import io.vigil.config.GlobalConfig;
import io.vigil.config.GlobalConfigParser;
import io.vigil.config.Settings;
import io.vigil.config.SettingsLoader;
import io.vigil.config.Tags;
import io.vigil.dcs.Dcs;
import io.vigil.dcs.DcsTiming;
import io.vigil.ha.Action;
import io.vigil.ha.ClusterView;
import io.vigil.ha.Decision;
import io.vigil.ha.HaEngine;
import io.vigil.ha.HaSettings;
import io.vigil.ha.LeaderKeyWrite;
import io.vigil.ha.LocalState;
import io.vigil.ha.LongAction;
import io.vigil.ha.PeerStatus;
import io.vigil.postgres.ControlData;
import io.vigil.postgres.PostgresController;
import io.vigil.postgres.PostgresRole;
import io.vigil.postgres.PostgresState;
import io.vigil.postgres.ReplicationSource;
import io.vigil.postgres.StopMode;
import io.vigil.watchdog.Watchdog;
import io.vigil.watchdog.WatchdogConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HA loop (docs/architecture.md "The HA cycle"): wakes every loop_wait seconds counted from the start of the
 * previous cycle (as Patroni's loop does), at once when the {@link DcsWatchVerticle} publishes the snapshot of a
 * watch event ({@link Addresses#DCS_CLUSTER}), when the {@link PostgresSupervisorVerticle} publishes a change of
 * running or recovery ({@link Addresses#POSTGRES_STATE}), and when a REST request arrives; gathers the inputs
 * (reading the cluster from the DCS itself, every cycle), asks the pure {@link HaEngine}, runs the actions
 * through the {@link ActionRunner}, publishes the outcome on {@link Addresses#HA_CYCLE} and emits the cycle's
 * events ({@link CycleEvents}). One cycle at a time; a wake-up during a cycle runs the next one right after it.
 *
 * <p>Safety under faults (never two writable primaries):
 * <ul>
 *   <li>A failed or refused leader-key renewal is answered in the same cycle: the engine decides again with
 *       that outcome, which demotes a primary, instead of waiting a loop_wait for the next cycle.</li>
 *   <li>A cycle has a deadline of loop_wait + 2 × retry_timeout (the budget Patroni's rule
 *       {@code loop_wait + 2*retry_timeout <= ttl} leaves it). When this node may run a writable primary, a
 *       cycle that overruns is abandoned and PostgreSQL stopped at once; otherwise the overrun is logged.</li>
 *   <li>Independently of the cycle, the {@link LeaseGuard} stops a writable primary a safety margin before the
 *       last successful leader-key write runs out, so a hung DCS call or query can never keep a primary
 *       writable after another node may have promoted.</li>
 * </ul>
 */
public final class HaLoopVerticle extends AbstractVerticle {
  private static final Logger LOG = LoggerFactory.getLogger(HaLoopVerticle.class);

  private Settings settings;
  private final Dcs dcs;
  private final IntConsumer exit;
  private final io.vigil.callbacks.AgentCallbacks callbacks;
  private final EventEmitter events;
  private CycleEvents.Memory eventMemory = CycleEvents.Memory.INITIAL;
  /** The cycle's read of the cluster succeeded (for dcs_reachable / dcs_unreachable). */
  private boolean dcsReadOk = true;
  /** Where the last acted decision's actions stopped, null when they all ran. */
  private Action stoppedAt;
  private final Watchdog watchdog;
  private final HaEngine engine = new HaEngine();
  private final LoopState state = new LoopState();
  private final LeaseGuard leaseGuard = new LeaseGuard();

  private final PostgresController pg;
  private final AsyncExecutor async;
  private ActionRunner runner;
  private PeerProbe peers;
  private HaSettings haSettings;
  private Map<String, Object> appliedParameters = Map.of();
  /** pg_hba and pg_ident lines last given to PostgreSQL; null before the first configuration. */
  private List<List<String>> appliedAccessFiles;

  private boolean cycleRunning;
  private boolean wakePending;
  private boolean stopping;
  private long timerId = -1;
  private long leaseGuardTimerId = -1;
  private PostgresState lastPostgres;
  /** Bumped when a cycle starts and when one is abandoned: an abandoned cycle's late results are dropped. */
  private long cycleGeneration;
  /** An emergency stop of PostgreSQL (lease guard, overrun) is running. */
  private boolean emergencyStop;
  /** Completed when the cycle in flight has ended; shutdown waits for it. */
  private Promise<Void> cycleEnded;

  /**
   * @param dcs this agent's DCS client (shared with the REST API and the DCS watch)
   * @param pg the local PostgreSQL's controller (its state changes reach the loop through the supervisor)
   * @param async the executor of long actions that {@code pg} reports progress to
   * @param events the agent's one event emitter
   * @param exit called with an exit code when the engine decides the agent must stop (failed bootstrap, system ID
   *     mismatch, ...)
   */
  public HaLoopVerticle(Settings settings, Dcs dcs, PostgresController pg, AsyncExecutor async, EventEmitter events,
      IntConsumer exit) {
    this(settings, dcs, pg, async, events, exit, null, io.vigil.callbacks.AgentCallbacks.NONE);
  }

  /**
   * @param watchdog the watchdog the loop arms and disarms (docs/watchdog.md); null = mode off
   * @param callbacks where Patroni's callback moments are reported (docs/callbacks.md §1.2)
   */
  public HaLoopVerticle(Settings settings, Dcs dcs, PostgresController pg, AsyncExecutor async, EventEmitter events,
      IntConsumer exit, Watchdog watchdog, io.vigil.callbacks.AgentCallbacks callbacks) {
    this.settings = settings;
    this.dcs = dcs;
    this.pg = pg;
    this.async = async;
    this.events = events;
    this.exit = exit;
    this.watchdog = watchdog != null ? watchdog : Watchdog.off();
    this.callbacks = callbacks;
  }

  @Override
  public void start(Promise<Void> started) {
    RecordCodec.register(vertx, NodeStatus.class);
    RecordCodec.register(vertx, PostgresState.class);
    GlobalConfig initial = GlobalConfigParser.parse(
        settings.bootstrap() == null ? Map.of() : settings.bootstrap().dcs()).config();
    haSettings = HaSettings.of(settings, initial);
    RecordCodec.register(vertx, ClusterSnapshot.class);
    RecordCodec.register(vertx, Progress.class);
    peers = new PeerProbe(vertx, settings.ctl() != null && settings.ctl().insecure());
    runner = new ActionRunner(vertx, settings, dcs, pg, async, state, leaseGuard, HaLoopVerticle::nowMillis,
        () -> wake("long action finished"), exit, watchdog);
    runner.setCallbacks(callbacks);
    applyGlobalConfig(initial);
    vertx.eventBus().<String>localConsumer(Addresses.HA_WAKE, m -> wake(m.body()));
    vertx.eventBus().<PostgresState>localConsumer(Addresses.POSTGRES_STATE, m -> onPostgresState(m.body()));
    vertx.eventBus().<ClusterSnapshot>localConsumer(Addresses.DCS_CLUSTER, m -> {
      if (m.body().watchChange() != null) {
        wake("DCS: " + m.body().watchChange());
      }
    });
    vertx.eventBus().<Progress>localConsumer(Addresses.ASYNC_PROGRESS,
        m -> events.emit(CycleEvents.action(m.body())));
    HaRequests requests = new HaRequests(vertx, state, async, () -> settings.name(), () -> lastPostgres,
        () -> haSettings.global().ttl(), HaLoopVerticle::nowMillis, this::wake);
    vertx.eventBus().<Object>localConsumer(Addresses.HA_REQUEST, requests::handle);
    vertx.eventBus().<String>localConsumer(Addresses.AGENT_RELOAD, m -> reloadLocalConfig(m.body()));
    leaseGuard.onChange(this::armLeaseGuard);
    armLeaseGuard();
    started.complete();
    wake("start");
  }

  private void onPostgresState(PostgresState s) {
    PostgresState previous = lastPostgres;
    lastPostgres = s;
    if (previous == null || previous.running() != s.running() || previous.inRecovery() != s.inRecovery()) {
      wake("PostgreSQL " + s.state());
    }
  }

  /** Runs a cycle now, or right after the one in progress. */
  void wake(String reason) {
    if (stopping) {
      return;
    }
    if (cycleRunning || emergencyStop) {
      wakePending = true;
      return;
    }
    LOG.debug("cycle woken: {}", reason);
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
      timerId = -1;
    }
    runCycle();
  }

  /** Monotonic milliseconds: the one clock of the loop, its runner and its lease guard. */
  static long nowMillis() {
    return System.nanoTime() / 1_000_000;
  }

  private void runCycle() {
    long generation = ++cycleGeneration;
    cycleRunning = true;
    wakePending = false;
    state.leaseConfirmed = false;
    cycleEnded = Promise.promise();
    long startedAt = nowMillis();
    long deadline = cycleDeadlineMillis(haSettings.global().loopWait(), haSettings.global().retryTimeout());
    long deadlineTimer = vertx.setTimer(deadline, id -> cycleOverran(generation, deadline));
    BooleanSupplier abandoned = () -> generation != cycleGeneration;
    gather()
        .compose(in -> abandoned.getAsBoolean() ? Future.succeededFuture(null)
            : in == null ? observeAgain() : decideAndAct(in, abandoned))
        .onComplete(ar -> {
          vertx.cancelTimer(deadlineTimer);
          if (abandoned.getAsBoolean()) {
            LOG.info("an abandoned HA cycle ended{}", ar.failed() ? ": " + ar.cause().getMessage() : "");
            return;
          }
          if (ar.failed()) {
            LOG.error("HA cycle failed: {}", String.valueOf(ar.cause()), ar.cause());
          }
          long delay = ar.succeeded() && ar.result() != null ? ar.result() : haSettings.global().loopWait() * 1000L;
          endCycle(delay - (nowMillis() - startedAt));
        });
  }

  /** The overall time one cycle may take (see the class comment). */
  static long cycleDeadlineMillis(int loopWaitSeconds, int retryTimeoutSeconds) {
    return (loopWaitSeconds + 2L * retryTimeoutSeconds) * 1000L;
  }

  /** Marks the cycle finished and schedules the next one {@code delayMillis} from now (at least 1 ms). */
  private void endCycle(long delayMillis) {
    cycleRunning = false;
    if (cycleEnded != null) {
      cycleEnded.tryComplete();
    }
    if (stopping) {
      return;
    }
    if (wakePending) {
      vertx.runOnContext(v -> wake("pending"));
    } else {
      timerId = vertx.setTimer(Math.max(1, delayMillis), id -> {
        timerId = -1;
        wake("loop_wait");
      });
    }
  }

  /**
   * The cycle in flight missed its deadline. On a node that may run a writable primary it is abandoned and
   * PostgreSQL stopped: a primary must never depend on a cycle that does not come back.
   */
  private void cycleOverran(long generation, long deadlineMillis) {
    if (generation != cycleGeneration || !cycleRunning || stopping) {
      return;
    }
    if (state.stepDownInProgress || !mayBeWritablePrimary()) {
      // stepping down already, or nothing writable to protect: abandoning the cycle would only race what it is
      // doing (a stop, a start as a replica); its calls are bounded, so say so and keep watching
      LOG.warn("the HA cycle is still running after {} ms{}", deadlineMillis,
          state.stepDownInProgress ? " (demoting)" : "");
      vertx.setTimer(deadlineMillis, id -> cycleOverran(generation, deadlineMillis));
      return;
    }
    LOG.error("the HA cycle did not finish within {} ms; abandoning it", deadlineMillis);
    emergencyStop("the HA cycle did not finish in time");
  }

  // --- lease guard ---

  /** How soon the guard looks again when its step-down point has passed but it could not act (paused, stopping). */
  private static final long LEASE_GUARD_RECHECK_MILLIS = 250;

  /**
   * Sets the guard's one timer to the step-down point of the lease held (at once if it has passed), or lets it
   * sleep when no lease is held: an idle replica never wakes for it, and a leader that renews in time only moves
   * the timer. It used to poll every 250 ms; it now fires at the step-down point itself, which is never later.
   */
  private void armLeaseGuard() {
    if (leaseGuardTimerId >= 0) {
      vertx.cancelTimer(leaseGuardTimerId);
      leaseGuardTimerId = -1;
    }
    if (stopping || !leaseGuard.holding()) {
      return;
    }
    long left = leaseGuard.millisLeft(nowMillis());
    leaseGuardTimerId = vertx.setTimer(left > 0 ? left : LEASE_GUARD_RECHECK_MILLIS, id -> {
      leaseGuardTimerId = -1;
      checkLease();
      if (leaseGuardTimerId < 0) {
        armLeaseGuard();
      }
    });
  }

  private void checkLease() {
    if (stopping || emergencyStop || state.paused || !leaseGuard.mustStepDown(nowMillis())) {
      return;
    }
    if (!mayBeWritablePrimary()) {
      // a replica has nothing to stop; should it become a primary (a promote in flight) on this stale lease,
      // the next check stops it
      return;
    }
    emergencyStop("the leader key was not renewed in time and expires within "
        + LeaseGuard.SAFETY_MARGIN_MILLIS / 1000 + " s");
  }

  /**
   * LeaseGuard's "found to belong to someone else": the DCS answered, another member (or nobody) holds the key,
   * PostgreSQL is down and no long action of ours may bring it up. Nothing writable is left to guard. A guard
   * kept past this point (an agent frozen beyond ttl while the watchdog killed its postmaster) would stop the
   * first PostgreSQL the node starts next, even a replica right after pg_rewind, leaving it to crash recovery
   * again. A start as primary needs the key first, and the write that wins it arms the guard again.
   */
  static boolean leaseGone(ClusterView view, LocalState local) {
    Cluster c = view.cluster();
    return view.dcsReachable() && c != null && !local.name().equals(c.leaderName())
        && !local.postgres().running() && local.longAction() == null;
  }

  /** PostgreSQL may be running as a primary, as far as this agent last saw or was told. */
  private boolean mayBeWritablePrimary() {
    return pg.isRunning() && (lastPostgres == null || lastPostgres.isPrimary() || !lastPostgres.running());
  }

  /**
   * Stops PostgreSQL at once (immediate, SIGKILL if it does not go within 2 s), abandoning the cycle in flight:
   * Patroni's watchdog would reset the machine here, an agent without one must at least make sure its primary
   * takes no writes without a lease. The next cycle decides what happens next with a fresh view.
   */
  private void emergencyStop(String why) {
    LOG.error("stopping PostgreSQL now: {}", why);
    emergencyStop = true;
    cycleGeneration++;
    if (state.leaderKey == LeaderKeyWrite.HELD) {
      state.leaderKey = LeaderKeyWrite.UNREACHABLE;
    }
    state.leaseConfirmed = false;
    async.cancel();
    pg.stop(StopMode.IMMEDIATE, EMERGENCY_KILL_AFTER).onComplete(ar -> {
      emergencyStop = false;
      if (ar.failed()) {
        LOG.error("emergency stop of PostgreSQL failed: {}", ar.cause().getMessage());
      } else {
        leaseGuard.dropped();
        watchdog.disable(); // PostgreSQL is gone: nothing left for the watchdog to stop
      }
      if (cycleRunning) {
        cycleRunning = false;
        if (cycleEnded != null) {
          cycleEnded.tryComplete();
        }
      }
      wake("after an emergency stop");
    });
  }

  private static final Duration EMERGENCY_KILL_AFTER = Duration.ofSeconds(2);

  // --- gather ---

  private record Inputs(ClusterView view, LocalState local) {}

  /** The cycle's observations are dropped (see {@link #gather}): the next cycle runs at once. */
  private Future<Long> observeAgain() {
    wakePending = true;
    return Future.succeededFuture(null);
  }

  /**
   * PostgreSQL's state, the cluster and the local state of this cycle; null when they cannot be trusted together:
   * a long action that ended while PostgreSQL and the DCS were read may have changed both after they answered (a
   * graceful demote: PostgreSQL read as the writable primary, then stopped and started as a replica, the key
   * released), and "nothing running" next to that old state would decide a second demote, with its on_stop and
   * on_role_change. Patroni reads PostgreSQL only after it looked at its async executor (patroni/ha.py
   * {@code _run_cycle}), so it never pairs them.
   */
  private Future<Inputs> gather() {
    LongAction runningBefore = state.running;
    Future<Cluster> cluster = dcs.loadCluster();
    Future<PostgresState> postgres = pg.state();
    Future<LocalState.DataDirectory> dataDir = pg.isRunning()
        ? Future.succeededFuture(LocalState.DataDirectory.UNKNOWN)
        : pg.controlData().compose(this::dataDirectory).otherwise(LocalState.DataDirectory.UNKNOWN);
    return Future.join(cluster, postgres, dataDir).transform(ignored -> {
      if (postgres.failed()) {
        return Future.failedFuture(postgres.cause());
      }
      if (runningBefore != null && state.running != runningBefore) {
        LOG.debug("{} ended while the cycle observed: observing again", runningBefore.name());
        return Future.succeededFuture(null);
      }
      ClusterView view;
      dcsReadOk = cluster.succeeded();
      if (cluster.succeeded()) {
        Cluster c = remember(cluster.result());
        applyConfigChange(c);
        view = ClusterView.of(c).withLastLeaderCluster(state.lastLeaderCluster);
      } else {
        LOG.warn("could not read the cluster from the DCS: {}", cluster.cause().getMessage());
        view = unreachableView(state.lastCluster, state.knownFailsafe);
      }
      LocalState local = localState(postgres.result(), dataDir.result());
      return gatherPeers(view, local)
          .compose(v -> gatherFailsafeAcks(v, local))
          .compose(v -> gatherDivergence(v, local));
    });
  }

  /** pg_controldata's verdict plus the files that say how PostgreSQL was left; file checks off the event loop. */
  private Future<LocalState.DataDirectory> dataDirectory(ControlData cd) {
    Path data = settings.postgresql().dataDir();
    return vertx.executeBlocking(() -> new LocalState.DataDirectory(cd.clusterState(),
        Files.exists(data.resolve("standby.signal")), Files.exists(data.resolve("backup_label"))), false);
  }

  private LocalState localState(PostgresState postgres, LocalState.DataDirectory dataDir) {
    lastPostgres = postgres;
    LocalState.Requests requests = new LocalState.Requests(state.restartRequest, state.reinitializeRequest);
    return new LocalState(settings.name(), settings.tags(), postgres, dataDir, state.running, state.completed,
        state.leaderKey, nowMillis(), Instant.now(), state.shutdownRequested, requests,
        state.synchronousStandbyNames, haSettings.usePgRewind(), null, watchdogState());
  }

  /** The watchdog as the engine sees it; a failed activation is handed over once. */
  private LocalState.Watchdog watchdogState() {
    boolean failed = state.watchdogActivationFailed;
    state.watchdogActivationFailed = false;
    return new LocalState.Watchdog(watchdog.isHealthy(), watchdog.isRunning(), failed);
  }

  /**
   * What the cycle knows when the DCS cannot be read: the last cluster it loaded, with the {@code /failsafe}
   * topology as last loaded or written (a key this node wrote after its last load counts).
   */
  static ClusterView unreachableView(Cluster lastLoaded, Failsafe knownFailsafe) {
    return ClusterView.unreachable(lastLoaded == null ? null : lastLoaded.withFailsafe(knownFailsafe));
  }

  /**
   * While the leader's failsafe heartbeat is fresh, an unlocked view carries that leader, so replicas keep
   * following it instead of racing (docs/ha-rules.md §2.8 step 5).
   */
  private Cluster injectFailsafeLeader(Cluster c) {
    if (!c.isUnlocked() || !haSettings.global().failsafeMode() || state.failsafeLeader == null
        || nowMillis() > state.failsafeLeaderUntilMillis) {
      return c;
    }
    return c.withLeader(new Leader(0, null, state.failsafeLeader));
  }

  private Future<Inputs> gatherPeers(ClusterView view, LocalState local) {
    if (!HaEngine.peerStatusesNeeded(view, local)) {
      return Future.succeededFuture(new Inputs(view, local));
    }
    List<Member> others = raceCandidates(view.cluster(), state.lastLeaderCluster, settings.name());
    return peers.probe(others).map(answers -> {
      Map<String, PeerStatus> statuses = new LinkedHashMap<>();
      answers.forEach((name, json) -> statuses.put(name, json == null ? PeerStatus.unreachable(name) : peer(name, json)));
      return new Inputs(view.withPeers(statuses), local);
    });
  }

  /**
   * Everyone whose REST API is asked before a race (Patroni's {@code old_cluster} members, the current ones,
   * and those listed in {@code /failsafe}), except this node. The old leader's member key expires with its
   * lease, so without the old cluster's members a primary that is still alive could never be seen.
   */
  static List<Member> raceCandidates(Cluster current, Cluster lastLeaderCluster, String me) {
    Map<String, Member> byName = new LinkedHashMap<>();
    if (lastLeaderCluster != null) {
      lastLeaderCluster.members().forEach(m -> byName.put(m.name(), m));
    }
    current.members().forEach(m -> byName.put(m.name(), m));
    if (current.failsafe() != null) {
      current.failsafe().members().forEach((name, apiUrl) ->
          byName.putIfAbsent(name, new Member(name, 0, null, Map.of("api_url", apiUrl))));
    }
    byName.remove(me);
    return byName.values().stream().filter(m -> m.apiUrl() != null).toList();
  }

  static PeerStatus peer(String name, JsonObject json) {
    String role = json.getString("role", "");
    boolean primary = "primary".equals(role) || "master".equals(role);
    JsonObject xlog = json.getJsonObject("xlog", new JsonObject());
    Long wal = primary ? xlog.getLong("location")
        : max(xlog.getLong("received_location"), xlog.getLong("replayed_location"));
    JsonObject tags = json.getJsonObject("tags", new JsonObject());
    Tags typed = new Tags(tags.getMap());
    return new PeerStatus(name, true, primary, wal, json.getInteger("timeline"), typed.nofailover(),
        typed.failoverPriority(), json.getBoolean("watchdog_failed", false));
  }

  private static Long max(Long a, Long b) {
    if (a == null) {
      return b;
    }
    return b == null ? a : Math.max(a, b);
  }

  private Future<Inputs> gatherFailsafeAcks(Inputs in, LocalState local) {
    if (!HaEngine.failsafeProbeNeeded(in.view(), in.local(), haSettings)) {
      return Future.succeededFuture(in);
    }
    Cluster c = in.view().cluster();
    state.failsafeRoundSentMillis = nowMillis();
    JsonObject body = new JsonObject()
        .put("name", settings.name())
        .put("conn_url", settings.postgresql().connUrl())
        .put("api_url", settings.restapi().apiUrl());
    List<String> names = new ArrayList<>();
    List<Future<Integer>> answers = new ArrayList<>();
    c.failsafe().members().forEach((name, apiUrl) -> {
      if (!name.equals(settings.name())) {
        names.add(name);
        Member target = new Member(name, 0, null, Map.of("api_url", apiUrl));
        answers.add(peers.post(target, "/failsafe", body)
            .compose(code -> code == 200 ? Future.succeededFuture(code) : peers.post(target, "/failsafe", body)));
      }
    });
    return Future.join(answers).transform(ignored -> {
      Set<String> acks = new HashSet<>();
      for (int i = 0; i < names.size(); i++) {
        if (answers.get(i).succeeded() && answers.get(i).result() == 200) {
          acks.add(names.get(i));
        }
      }
      return Future.succeededFuture(new Inputs(in.view().withFailsafeAcks(acks), in.local()));
    });
  }

  private Future<Inputs> gatherDivergence(Inputs in, LocalState local) {
    ReplicationSource source = divergenceCheckSource(in);
    if (source == null) {
      return Future.succeededFuture(in);
    }
    return pg.checkRewind(source).transform(ar -> {
      if (ar.failed()) {
        LOG.warn("could not check whether the timeline diverged from {}: {}", source.memberName(),
            ar.cause().getMessage());
        return Future.succeededFuture(in);
      }
      LocalState l = in.local();
      LocalState withVerdict = new LocalState(l.name(), l.tags(), l.postgres(), l.dataDirectory(), l.longAction(),
          l.lastCompleted(), l.leaderKey(), l.nowMillis(), l.now(), l.shutdownRequested(), l.requests(),
          l.synchronousStandbyNames(), l.rewindPossible(),
          ar.result().needed() ? LocalState.Divergence.DIVERGED : LocalState.Divergence.NOT_DIVERGED, l.watchdog());
      return Future.succeededFuture(new Inputs(in.view(), withVerdict));
    });
  }

  /** Whom the diverged-LSN check asks this cycle, null for nobody. */
  private ReplicationSource divergenceCheckSource(Inputs in) {
    switch (HaEngine.divergenceCheck(in.view(), in.local(), state.memory, haSettings)) {
      case LEADER -> {
        Member leader = in.view().cluster().member(in.view().cluster().leaderName()).orElse(null);
        return leader == null || leader.connUrl() == null ? null : ReplicationSource.fromMember(leader);
      }
      case REMOTE_PRIMARY -> {
        try {
          return ReplicationSource.remote(haSettings.global().standbyClusterSettings());
        } catch (IllegalArgumentException e) {
          return null;
        }
      }
      default -> {
        return null;
      }
    }
  }

  // --- decide and act ---

  /** @return the delay until the next cycle, in ms from the cycle's start */
  private Future<Long> decideAndAct(Inputs in, BooleanSupplier abandoned) {
    warnIfWatchdogKeepsThisNodeOutOfTheRace(in);
    if (leaseGuard.holding() && leaseGone(in.view(), in.local()) && !pg.isRunning()) {
      LOG.info("the leader key is not ours and PostgreSQL is down: nothing left for the lease guard to protect");
      leaseGuard.dropped();
    }
    Decision decision = engine.decide(in.view(), in.local(), state.memory, haSettings);
    state.memory = decision.memory();
    state.completed = null;
    state.afterActions = null;
    Cluster cluster = in.view().cluster();
    state.paused = haSettings.global().pause() || cluster != null && cluster.isPaused();
    return runner.run(decision, cluster, haSettings.global(), in.local().postgres(), abandoned)
        .compose(stoppedAt -> {
          if (renewalFailed(stoppedAt) && !abandoned.getAsBoolean()) {
            return decideAgainAfterRenewal(in, decision, abandoned);
          }
          this.stoppedAt = stoppedAt;
          logDecision(decision.message(), stoppedAt);
          return Future.succeededFuture(decision);
        })
        .compose(acted -> abandoned.getAsBoolean() ? Future.succeededFuture(acted)
            : syncSlots(cluster).compose(v -> clusterToPublish(acted, cluster))
                .compose(seen -> publish(acted, seen)).map(acted))
        .map(acted -> {
          long loop = haSettings.global().loopWait() * 1000L;
          return acted.wakeInMillis() == null ? loop : Math.min(loop, acted.wakeInMillis());
        });
  }

  /**
   * Patroni's {@code is_healthiest_node} logs this before it declines the race in mode required
   * (docs/watchdog.md §5); the engine's decision line follows it.
   */
  private void warnIfWatchdogKeepsThisNodeOutOfTheRace(Inputs in) {
    Cluster c = in.view().cluster();
    boolean race = in.view().dcsReachable() && c != null && c.isUnlocked() && !c.isPaused()
        && !haSettings.global().pause() && !in.local().postgres().isPrimary();
    if (race && haSettings.watchdogRequired() && !in.local().watchdog().usable()) {
      LOG.warn("Watchdog device is not usable");
    }
  }

  private boolean renewalFailed(Action stoppedAt) {
    // after our own release (graceful demote in flight) a refused renewal is expected, not a failure
    return stoppedAt instanceof Action.RenewLeaderKey && !state.leaderKeyReleased
        && (state.leaderKey == LeaderKeyWrite.LOST || state.leaderKey == LeaderKeyWrite.UNREACHABLE);
  }

  /**
   * Patroni's {@code update_lock()} failing inside {@code _run_cycle}: the cycle goes straight on to the demotion
   * (or, for a DCS error, to the DCS-failure handling) instead of leaving the primary writable until the next
   * cycle. The engine decides once more on the same view with the renewal's outcome in the local state.
   */
  private Future<Decision> decideAgainAfterRenewal(Inputs in, Decision first, BooleanSupplier abandoned) {
    LOG.error("failed to update leader lock ({})", state.leaderKey == LeaderKeyWrite.LOST
        ? "the key is not ours any more" : "DCS not reachable");
    LocalState local = in.local().withLeaderKey(state.leaderKey);
    // a DCS error may leave the primary running only if failsafe mode confirms every member (Patroni's
    // _handle_dcs_error): ask them now, as the gather would have had it known
    return gatherFailsafeAcks(new Inputs(in.view(), local), local).compose(again -> {
      if (abandoned.getAsBoolean()) {
        return Future.succeededFuture(first);
      }
      Decision second = engine.decide(again.view(), local, state.memory, haSettings);
      state.memory = second.memory();
      return runner.run(second, again.view().cluster(), haSettings.global(), local.postgres(), abandoned)
          .map(stoppedAt -> {
            this.stoppedAt = stoppedAt;
            logDecision(second.message(), stoppedAt);
            return second;
          });
    });
  }

  /** One INFO line per cycle, Patroni's; when the actions stopped early the line says where instead. */
  private void logDecision(String message, Action stoppedAt) {
    String prefix = state.paused ? "PAUSE: " : "";
    if (stoppedAt == null) {
      LOG.info("{}{}", prefix, message);
    } else if (stoppedAt instanceof Action.AcquireLeaderKey) {
      LOG.info("{}lost the race for the leader key", prefix);
    } else if (stoppedAt instanceof Action.InitializeCluster init && init.createOnly()) {
      LOG.info("{}failed to acquire initialize lock", prefix);
    } else {
      LOG.info("{}{} (stopped at {})", prefix, message, stoppedAt.getClass().getSimpleName());
    }
  }

  /**
   * The cluster the cycle publishes. After a bootstrap wrote initialize, config and the leader key, it is read
   * again, as Patroni's {@code post_bootstrap} calls {@code load_cluster_from_dcs()}: otherwise the REST API
   * answers from the keyless snapshot the cycle started with (GET /config: 502) until the next cycle.
   */
  private Future<Cluster> clusterToPublish(Decision acted, Cluster read) {
    boolean wroteConfig = acted.actions().stream().anyMatch(a -> a instanceof Action.WriteDynamicConfig);
    if (!wroteConfig) {
      return Future.succeededFuture(read);
    }
    return dcs.loadCluster().map(this::remember).otherwise(e -> {
      LOG.warn("could not read the cluster from the DCS after the bootstrap: {}", e.getMessage());
      return read;
    });
  }

  /** A cluster the DCS just answered with, kept as the latest view. */
  private Cluster remember(Cluster fromDcs) {
    Cluster c = injectFailsafeLeader(fromDcs);
    state.lastCluster = c;
    state.knownFailsafe = c.failsafe();
    state.dcsLastSeenEpochSeconds = Instant.now().getEpochSecond();
    if (!c.isUnlocked()) {
      state.lastLeaderCluster = c;
    }
    return c;
  }

  /**
   * Patroni syncs replication slots every cycle when no long action (other than a promote) runs
   * (docs/ha-rules.md §2.1 step 15).
   */
  private Future<Void> syncSlots(Cluster cluster) {
    GlobalConfig g = haSettings.global();
    if (!g.useSlots() || cluster == null || !pg.isRunning() || state.running != null
        || !"running".equals(pg.stateName())) {
      return Future.succeededFuture();
    }
    Map<String, Long> statusSlots = cluster.status().slots() == null ? Map.of() : cluster.status().slots();
    return pg.syncReplicationSlots(cluster.members(), g.slots(), g.ignoreSlots(), statusSlots,
            settings.tags().nofailover(), g.isStandbyCluster())
        .<Void>mapEmpty()
        .recover(e -> {
          LOG.warn("could not synchronize replication slots: {}", e.getMessage());
          return Future.succeededFuture();
        });
  }

  private Future<Void> publish(Decision decision, Cluster cluster) {
    if (stopping) {
      return Future.succeededFuture();
    }
    PostgresState touched = state.afterActions;
    Future<PostgresState> read = touched != null ? Future.succeededFuture(touched) : pg.state().otherwise(lastPostgres);
    return read.map(postgres -> {
      NodeStatus status = new NodeStatus(settings.scope(), settings.name(), state.role, decision.message(), postgres,
          cluster, settings.tags(), state.paused, cluster == null || cluster.isUnlocked(), state.failsafeActive,
          state.dcsLastSeenEpochSeconds, nowMillis(), haSettings.global().ttl(),
          state.running == null ? null : state.running.name(), state.scheduledRestart, !watchdog.isHealthy(),
          state.leaseConfirmed);
      vertx.eventBus().publish(Addresses.HA_CYCLE, status);
      emitCycleEvents(decision, cluster, postgres);
      return null;
    });
  }

  private void emitCycleEvents(Decision decision, Cluster cluster, PostgresState postgres) {
    List<Action> actions = decision.actions();
    boolean demotedFor = actions.stream().anyMatch(a -> a instanceof Action.Demote d
        && d.mode() == io.vigil.ha.DemoteMode.GRACEFUL);
    boolean cleared = actions.stream().anyMatch(a -> a instanceof Action.ClearFailoverKey);
    boolean raced = actions.stream().anyMatch(a -> a instanceof Action.AcquireLeaderKey);
    String lastKnownLeader = state.lastLeaderCluster == null ? null : state.lastLeaderCluster.leaderName();
    CycleEvents.Facts facts = new CycleEvents.Facts(settings.name(), state.role, decision.message(),
        postgres == null ? null : postgres.timeline(), dcsReadOk, state.failsafeActive, state.paused,
        cluster == null ? null : cluster.leaderName(), lastKnownLeader, cluster == null ? null : cluster.failover(),
        demotedFor, cleared, raced, stoppedAt instanceof Action.AcquireLeaderKey);
    CycleEvents.Outcome outcome = CycleEvents.next(eventMemory, facts);
    eventMemory = outcome.memory();
    outcome.events().forEach(events::emit);
  }

  // --- dynamic configuration ---

  /**
   * Whether {@code /config} differs from the one last applied. Version and content both count: a ZooKeeper znode
   * deleted and created again starts over at version 0, so an equal version alone does not mean equal content.
   */
  static boolean configChanged(ClusterConfig lastApplied, ClusterConfig now) {
    return now != null && !now.equals(lastApplied);
  }

  private void applyConfigChange(Cluster c) {
    if (!configChanged(state.lastConfig, c.config())) {
      return;
    }
    state.lastConfig = c.config();
    GlobalConfigParser.Parsed parsed = GlobalConfigParser.parse(c.config().data());
    parsed.warnings().forEach(w -> LOG.warn("/config: {}", w));
    applyGlobalConfig(parsed.config());
  }

  private void applyGlobalConfig(GlobalConfig global) {
    haSettings = haSettings.withGlobal(global);
    WatchdogConfig wd = WatchdogConfig.of(settings.watchdog(), global.ttl(), global.loopWait());
    if (!wd.equals(watchdog.config())) {
      watchdog.reloadConfig(wd);
    }
    dcs.setTiming(new DcsTiming(global.ttl(), global.loopWait(), global.retryTimeout()));
    EffectiveConfig effective = new EffectiveConfig(settings, global);
    PostgresRole role = lastPostgres == null || lastPostgres.role() == null ? PostgresRole.REPLICA : lastPostgres.role();
    Map<String, Object> parameters = effective.postgresParameters(role);
    List<String> hba = effective.pgHba(role);
    List<String> ident = effective.pgIdent(role);
    pg.setAccessFiles(hba, ident);
    pg.setUsePgRewind(effective.usePgRewind());
    // Patroni's reload_config reloads PostgreSQL when postgresql.conf, pg_hba.conf or pg_ident.conf change
    List<List<String>> accessFiles = Arrays.asList(hba, ident);
    if (!parameters.equals(appliedParameters) || !accessFiles.equals(appliedAccessFiles)) {
      boolean reload = appliedAccessFiles != null && pg.isRunning();
      appliedParameters = parameters;
      appliedAccessFiles = accessFiles;
      pg.setParameters(parameters);
      if (reload) {
        String callbackRole = lastPostgres == null ? "replica" : lastPostgres.callbackRole();
        pg.reload()
            // patroni/postgresql/__init__.py reload: on_reload after each reload of the configuration
            .onSuccess(v -> callbacks.script(io.vigil.callbacks.ScriptAction.ON_RELOAD, callbackRole))
            .onFailure(e -> LOG.warn("reload after a configuration change failed: {}", e.getMessage()));
      }
    }
  }

  /**
   * SIGHUP / POST /reload: re-reads the file the agent started from. An invalid file is logged and ignored, so a
   * typo never takes a running node down; identity and addresses need a restart.
   */
  private void reloadLocalConfig(String who) {
    if (settings.source() == null) {
      LOG.info("reload requested by {}: configured by environment only, nothing to re-read", who);
      return;
    }
    vertx.<Settings>executeBlocking(() -> SettingsLoader.load(settings.source(), System.getenv()).settings())
        .onFailure(e -> LOG.error("reload requested by {}: keeping the running configuration: {}", who, e.getMessage()))
        .onSuccess(fresh -> {
          if (!fresh.name().equals(settings.name()) || !fresh.scope().equals(settings.scope())
              || !fresh.postgresql().dataDir().equals(settings.postgresql().dataDir())) {
            LOG.warn("reload: name, scope and data_dir changes need a restart of the agent; they were not applied");
          }
          LOG.info("reloaded the local configuration from {} ({})", settings.source(), who);
          settings = fresh;
          runner.setSettings(fresh);
          callbacks.reloaded(fresh);
          haSettings = HaSettings.of(fresh, haSettings.global());
          applyGlobalConfig(haSettings.global());
          wake("reload");
        });
  }

  // --- shutdown (docs/ha-rules.md §2.9) ---

  /**
   * Stops PostgreSQL and releases the leader key, or, in pause, leaves both alone. Completes when done; the
   * DCS client is closed by the caller.
   */
  Future<Void> shutdown() {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      stopping = true;
      if (timerId >= 0) {
        vertx.cancelTimer(timerId);
      }
      if (leaseGuardTimerId >= 0) {
        vertx.cancelTimer(leaseGuardTimerId);
      }
      // nothing may start PostgreSQL once it is stopped and the key released: let the cycle in flight and the
      // long action end first (both bounded)
      Future<Void> cycle = cycleRunning && cycleEnded != null ? cycleEnded.future() : Future.succeededFuture();
      bounded(cycle, cycleDeadlineMillis(haSettings.global().loopWait(), haSettings.global().retryTimeout()))
          .compose(x -> {
            async.cancel();
            return bounded(state.runningAction == null ? Future.succeededFuture() : state.runningAction.<Void>mapEmpty(),
                SHUTDOWN_LONG_ACTION_WAIT_MILLIS);
          })
          .onComplete(x -> stopAfterCycle(done));
    });
    return done.future();
  }

  private static final long SHUTDOWN_LONG_ACTION_WAIT_MILLIS = 30_000;

  /** {@code f}, or success after {@code millis} if it has not completed by then; never fails. */
  private Future<Void> bounded(Future<?> f, long millis) {
    Promise<Void> p = Promise.promise();
    long timer = vertx.setTimer(Math.max(1, millis), id -> p.tryComplete());
    f.onComplete(ar -> {
      vertx.cancelTimer(timer);
      p.tryComplete();
    });
    return p.future();
  }

  private void stopAfterCycle(Promise<Void> done) {
    if (state.paused) {
      LOG.info("Leader key is not deleted and Postgresql is not stopped due paused state");
      watchdog.disable();
      pg.close().onComplete(ar -> done.complete());
      return;
    }
    boolean leader = state.leaderKey == LeaderKeyWrite.HELD;
    boolean wasRunning = pg.isRunning();
    String role = lastPostgres == null ? "replica" : lastPostgres.callbackRole();
    pg.stop(StopMode.FAST)
        .onSuccess(x -> {
          watchdog.disable(); // Patroni's on_safepoint: the primary takes no more writes
          // patroni/ha.py shutdown stops PostgreSQL without blocking callbacks: on_stop runs
          if (wasRunning) {
            callbacks.script(io.vigil.callbacks.ScriptAction.ON_STOP, role);
          }
        })
        .compose(x -> leader ? releaseAfterStop() : Future.succeededFuture())
        .compose(x -> touchStopped())
        .onComplete(ar -> {
          if (ar.failed()) {
            LOG.warn("shutdown: {}", ar.cause().getMessage());
          }
          pg.close().onComplete(x -> done.complete());
        });
  }

  private Future<Void> releaseAfterStop() {
    return pg.controlData()
        .compose(cd -> dcs.writeStatus(new io.vigil.cluster.Status(cd.latestCheckpointLsn(), null, null)))
        .otherwiseEmpty()
        .compose(v -> dcs.releaseLeaderKey())
        .onSuccess(released -> LOG.info("Leader key released"))
        .<Void>mapEmpty()
        .otherwiseEmpty();
  }

  private Future<Void> touchStopped() {
    Map<String, Object> data = MemberData.build(settings.postgresql().connUrl(), null, settings.restapi().apiUrl(),
        "stopped", state.role, null, settings.tags().values(), true, false, null);
    return dcs.touchMember(data).otherwiseEmpty();
  }
}
