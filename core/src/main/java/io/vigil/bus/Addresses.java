package io.vigil.bus;

import io.vertx.core.Vertx;
import io.vigil.async.Progress;
import io.vigil.events.VigilEvent;
import io.vigil.postgres.PostgresState;
import java.util.List;
import java.util.Map;

/**
 * Every event-bus address of the agent, each with its real senders and listeners (AddressesTest checks them
 * against the sources). Local consumers only; bodies are immutable records sent with {@link RecordCodec} (JSON
 * only at the edges). Form: {@code vigil.<component>.<subject>}; events are nouns or past participles, commands
 * are verbs. The table and the diagram are in docs/architecture.md.
 */
public final class Addresses {
  private Addresses() {}

  /**
   * Run an HA cycle now. Kind: send. Senders: SwitchoverHandler (after writing the failover key), ClusterHandler
   * (after patching {@code /config}), DcsWatchVerticle (a watch event whose snapshot could not be loaded).
   * Listener: HaLoopVerticle. Body: String reason. No reply.
   */
  public static final String HA_WAKE = "vigil.ha.wake";

  /**
   * Outcome of a finished HA cycle. Kind: publish. Sender: HaLoopVerticle. Listeners: RestApiVerticle (state for
   * health checks and {@code GET /patroni}), DcsWatchVerticle (loads the cluster once more, for member changes),
   * WatchdogVerticle (feeds the device after a cycle that confirmed the leader key, docs/watchdog.md).
   * Body: {@link NodeStatus}.
   */
  public static final String HA_CYCLE = "vigil.ha.cycle";

  /**
   * A request that only the HA loop may carry out (restart, scheduled restart and its cancellation, reload,
   * reinitialize, failsafe heartbeat). Kind: request/reply. Senders: HaRequestHandler (RestApiVerticle).
   * Listener: HaLoopVerticle. Body: one of the records of {@link HaRequest} (codecs:
   * {@link HaRequest#registerCodecs}); reply: {@link HaReply} (HTTP status code, Patroni's text, extra headers),
   * which the API forwards unchanged. No listener or no reply in time: the API answers 503 with the request's
   * failure text.
   */
  public static final String HA_REQUEST = "vigil.ha.request";

  /**
   * A cluster snapshot the DCS watch loaded. Kind: publish. Sender: DcsWatchVerticle (after each watch event and
   * after each HA cycle). Listener: HaLoopVerticle (wakes for the snapshots of watch events). Body:
   * {@link ClusterSnapshot}.
   */
  public static final String DCS_CLUSTER = "vigil.dcs.cluster";

  /**
   * Local PostgreSQL changed (started, stopped, crashed, promoted). Kind: publish. Sender:
   * PostgresSupervisorVerticle (postmaster death is noticed within 1 s through the process's exit). Listener:
   * HaLoopVerticle (wakes when running or recovery changed). Body: {@link PostgresState}.
   */
  public static final String POSTGRES_STATE = "vigil.postgres.state";

  /**
   * Progress of the running long action (started, phases with percent, finished or failed). Kind: publish.
   * Sender: AsyncExecutor. Listener: HaLoopVerticle (emits action_started / action_progress / action_finished).
   * Body: {@link Progress}.
   */
  public static final String ASYNC_PROGRESS = "vigil.async.progress";

  /**
   * Every event a tap can see, numbered per agent. Kind: publish. Sender: {@link io.vigil.events.EventEmitter}
   * (called by PostgresSupervisorVerticle, DcsWatchVerticle and HaLoopVerticle). Listeners: EventJournal
   * ({@link io.vigil.taps}: the ring and the bounded tap queues behind {@code GET /events} and the TCP event
   * bridge, README "Event taps"), and CallbackDispatcher of plugins/callbacks, which hands every event to the Java
   * callback plugins (docs/callbacks.md §2). Body: {@link VigilEvent}; its JSON schema is docs/events.md.
   */
  public static final String EVENTS = "vigil.events";

  /**
   * Re-read the local configuration file (SIGHUP, {@code POST /reload}). Kind: send. Senders: AgentRuntime (signal
   * handler), HaRequests (the REST request, in the HA loop). Listener: HaLoopVerticle, which applies what can
   * change at run time (tags, postgresql parameters, pg_hba, pg_ident) and logs what needs a restart. Body: String
   * (who asked).
   */
  public static final String AGENT_RELOAD = "vigil.agent.reload";

  /**
   * The body types each address carries, as its listeners declare them ({@code Object} listeners: the
   * {@link HaRequest} records). Checked by AddressesTest: every record type here has a codec after
   * {@link #registerCodecs}.
   */
  public static final Map<String, List<Class<?>>> BODY_TYPES = Map.of(
      HA_WAKE, List.of(String.class),
      HA_CYCLE, List.of(NodeStatus.class),
      HA_REQUEST, List.of(HaRequest.Restart.class, HaRequest.ScheduleRestart.class,
          HaRequest.CancelScheduledRestart.class, HaRequest.Reload.class, HaRequest.Reinitialize.class,
          HaRequest.FailsafeHeartbeat.class, HaReply.class),
      DCS_CLUSTER, List.of(ClusterSnapshot.class),
      POSTGRES_STATE, List.of(PostgresState.class),
      ASYNC_PROGRESS, List.of(Progress.class),
      EVENTS, List.of(VigilEvent.class),
      AGENT_RELOAD, List.of(String.class));

  /** Registers the local codec of every record that travels on the bus, once per Vertx instance. */
  public static void registerCodecs(Vertx vertx) {
    RecordCodec.register(vertx, NodeStatus.class);
    HaRequest.registerCodecs(vertx);
    RecordCodec.register(vertx, ClusterSnapshot.class);
    RecordCodec.register(vertx, PostgresState.class);
    RecordCodec.register(vertx, Progress.class);
    RecordCodec.register(vertx, VigilEvent.class);
  }
}
