package io.vigil.runtime;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vigil.api.RestApiVerticle;
import io.vigil.async.AsyncExecutor;
import io.vigil.bus.Addresses;
import io.vigil.callbacks.AgentCallbacks;
import io.vigil.callbacks.AgentCallbacksProvider;
import io.vigil.cluster.Cluster;
import io.vigil.config.GlobalConfig;
import io.vigil.config.GlobalConfigParser;
import io.vigil.config.Settings;
import io.vigil.dcs.Dcs;
import io.vigil.dcs.DcsContext;
import io.vigil.dcs.DcsFactory;
import io.vigil.dcs.DcsKeys;
import io.vigil.dcs.DcsPlugins;
import io.vigil.dcs.DcsTiming;
import io.vigil.events.EventEmitter;
import io.vigil.postgres.PostgresController;
import io.vigil.taps.EventBridgeVerticle;
import io.vigil.taps.EventJournal;
import io.vigil.watchdog.Watchdog;
import io.vigil.watchdog.WatchdogConfig;
import io.vigil.watchdog.WatchdogVerticle;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one agent: creates the DCS client from its plugin, the agent's one {@link EventEmitter} and the event
 * journal that taps read (README "Event taps"), refuses to start when a live node already uses this name
 * (docs/ha-rules.md §2.0), deploys the REST API, the watchdog feeder (docs/watchdog.md), the PostgreSQL supervisor,
 * the HA loop, the DCS watch and (when configured) the event bridge (verticles that get the emitter take it as a
 * constructor parameter), and on SIGTERM/SIGINT shuts down in reverse order
 * (docs/ha-rules.md §2.9: stop PostgreSQL, release the leader key, stop serving). Blocks until the agent stops.
 */
public final class AgentRuntime {
  private static final Logger LOG = LoggerFactory.getLogger(AgentRuntime.class);
  private static final Duration STARTUP_RETRY = Duration.ofSeconds(5);
  private static final Duration SHUTDOWN_LIMIT = Duration.ofMinutes(2);

  private AgentRuntime() {}

  /**
   * @param settings the validated local configuration
   * @return the process exit code
   */
  public static int run(Settings settings) {
    DcsFactory factory = DcsPlugins.find(settings.dcs().kind())
        .orElseThrow(() -> new IllegalStateException(DcsPlugins.missingPluginMessage(settings.dcs().kind())));
    return run(settings, factory);
  }

  /** {@link #run(Settings)} with the DCS plugin given (tests pass their own). */
  static int run(Settings settings, DcsFactory factory) {
    Vertx vertx = Vertx.vertx(vertxOptions());
    Addresses.registerCodecs(vertx);
    EventEmitter events = new EventEmitter(vertx, settings.scope(), settings.name());
    // listening before anything can emit, so that the ring starts at seq 1
    EventJournal journal = new EventJournal();
    await(journal.attach(vertx), Duration.ofSeconds(10));

    GlobalConfig initial = GlobalConfigParser.parse(
        settings.bootstrap() == null ? Map.of() : settings.bootstrap().dcs()).config();
    // docs/watchdog.md: Patroni exits when mode is required and the platform has no watchdog driver
    Watchdog watchdog = Watchdog.create(WatchdogConfig.of(settings.watchdog(), initial.ttl(), initial.loopWait()));
    String refusal = watchdog.startupRefusal();
    if (refusal != null) {
      LOG.error("{}", refusal);
      awaitQuietly(vertx.close(), Duration.ofSeconds(10));
      return 1;
    }
    Dcs dcs = factory.create(vertx, new DcsContext(new DcsKeys(settings.namespace(), settings.scope()),
        settings.name(), settings.dcs(), new DcsTiming(initial.ttl(), initial.loopWait(), initial.retryTimeout())));

    AtomicInteger exitCode = new AtomicInteger();
    CountDownLatch stop = new CountDownLatch(1);
    CountDownLatch stopped = new CountDownLatch(1);
    AgentCallbacks callbacks = AgentCallbacks.NONE;
    try {
      // the REST API first: it answers 503 until the first cycle, and neither the first DCS read (the DCS client's
      // classes and connection) nor the HA loop's deployment delays it (README "Footprint": start to REST)
      await(vertx.deployVerticle(new RestApiVerticle(settings.restapi(), settings.ctl(), settings.scope(),
          settings.name(), dcs).withEventJournal(journal)), Duration.ofSeconds(30));
      if (UniqueName.takenByALiveNode(clusterAtStartup(dcs, stop), settings.name(), settings.restapi().apiUrl())) {
        LOG.error("{}", UniqueName.refusal(settings.name()));
        return 1;
      }
      callbacks = await(AgentCallbacksProvider.find(settings).start(vertx, settings, events), Duration.ofSeconds(60));
      HaLoopVerticle loop = await(deployHaVerticles(vertx, settings, dcs, events, callbacks, code -> {
        exitCode.set(code);
        stop.countDown();
      }, watchdog), Duration.ofMinutes(2));
      if (settings.eventBridge() != null) {
        await(vertx.deployVerticle(new EventBridgeVerticle(settings.eventBridge(), journal)), Duration.ofSeconds(30));
      }
      LOG.info("vigil {} started: member {} of cluster {}, REST API on {}", AgentVersion.vigilVersion(),
          settings.name(), settings.scope(), settings.restapi().listen());
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        stop.countDown();
        try {
          stopped.await(SHUTDOWN_LIMIT.toSeconds() + 10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "vigil-shutdown"));

      installReloadSignal(vertx);
      stop.await();
      LOG.info("shutting down");
      awaitQuietly(loop.shutdown(), SHUTDOWN_LIMIT);
      return exitCode.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    } finally {
      awaitQuietly(callbacks.close(), Duration.ofSeconds(10));
      awaitQuietly(dcs.close(), Duration.ofSeconds(10));
      awaitQuietly(vertx.close(), Duration.ofSeconds(10));
      LOG.info("vigil stopped");
      stopped.countDown();
      io.vigil.log.DeferredResetLogManager.finish();
    }
  }

  /**
   * Deploys the verticles that keep the node highly available, each with one job, all given the agent's one
   * {@link EventEmitter}: the watchdog feeder, the PostgreSQL supervisor, the HA loop and the DCS watch (docs/architecture.md
   * "Verticles"). The loop is deployed after the supervisor, so that it hears every PostgreSQL change from its
   * first cycle on, and before the watch, whose first snapshot would otherwise find nobody to wake.
   *
   * @return the HA loop, for the shutdown
   */
  static Future<HaLoopVerticle> deployHaVerticles(Vertx vertx, Settings settings, Dcs dcs, EventEmitter events,
      AgentCallbacks callbacks, IntConsumer exit, Watchdog watchdog) {
    Addresses.registerCodecs(vertx);
    AsyncExecutor async = new AsyncExecutor(vertx);
    return PostgresController.create(vertx, settings, async).compose(pg -> {
      HaLoopVerticle loop = new HaLoopVerticle(settings, dcs, pg, async, events, exit, watchdog, callbacks);
      // the feeder listens before the first cycle is published
      return vertx.deployVerticle(new WatchdogVerticle(watchdog, events))
          .compose(id -> vertx.deployVerticle(new PostgresSupervisorVerticle(pg, events)))
          .compose(id -> vertx.deployVerticle(loop))
          .compose(id -> vertx.deployVerticle(new DcsWatchVerticle(dcs, events)))
          .map(loop);
    });
  }

  /**
   * The agent's Vert.x: 2 event loops (the HA loop and the REST API each get one; fewer halves REST throughput
   * under load), 8 workers and 4 internal blocking threads, created only when used (pg_ctl, pg_basebackup and
   * other tools, DNS). The blocked-thread checker looks every 5 s instead of every second: it only warns, the
   * agent's own deadlines (docs/safety.md) bound every step; a block longer than 7 s (its 2 s limit plus one
   * interval) is always reported, and an idle agent has one wake-up a second less (README, "Footprint").
   * Public for the footprint benchmark's runtime floor, which must stand on the same Vert.x.
   */
  public static VertxOptions vertxOptions() {
    return new VertxOptions().setEventLoopPoolSize(2).setWorkerPoolSize(8).setInternalBlockingPoolSize(4)
        .setBlockedThreadCheckInterval(5_000);
  }

  /** SIGHUP re-reads the local configuration, as for Patroni. */
  @SuppressWarnings("sunapi")
  private static void installReloadSignal(Vertx vertx) {
    try {
      sun.misc.SignalHandler previous = sun.misc.Signal.handle(new sun.misc.Signal("HUP"),
          signal -> vertx.eventBus().send(Addresses.AGENT_RELOAD, "SIGHUP"));
      if (previous == sun.misc.SignalHandler.SIG_IGN) {
        // the JVM keeps a signal its parent ignored (nohup, some supervisors) ignored and installs nothing
        LOG.warn("SIGHUP was ignored when the agent started (nohup?), so it cannot trigger a reload: "
            + "reload with POST /reload or vigilctl reload instead");
      }
    } catch (IllegalArgumentException e) {
      LOG.warn("SIGHUP cannot be handled on this platform: reload with POST /reload instead");
    }
  }

  /** docs/ha-rules.md §2.0: waits for the DCS to answer once; null when asked to stop before it did. */
  private static Cluster clusterAtStartup(Dcs dcs, CountDownLatch stop) throws InterruptedException {
    Cluster cluster = null;
    while (cluster == null && stop.getCount() > 0) {
      try {
        cluster = await(dcs.loadCluster(), Duration.ofSeconds(60));
      } catch (RuntimeException e) {
        LOG.warn("waiting on DCS: {}", e.getMessage());
        Thread.sleep(STARTUP_RETRY.toMillis());
      }
    }
    return cluster;
  }

  /** Waits on the main thread (never an event loop) for start-up and shutdown steps. */
  private static <T> T await(Future<T> future, Duration limit) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof RuntimeException re ? re : new IllegalStateException(cause.getMessage(), cause);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("timed out after " + limit.toSeconds() + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static void awaitQuietly(Future<?> future, Duration limit) {
    try {
      await(future, limit);
    } catch (RuntimeException e) {
      LOG.warn("during shutdown: {}", e.getMessage());
    }
  }
}
