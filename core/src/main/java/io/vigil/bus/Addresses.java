package io.vigil.bus;

/**
 * Every event-bus address of the agent. Local consumers only; bodies are immutable records sent with
 * {@link RecordCodec} (JSON only at the edges). Form: {@code vigil.<component>.<subject>}; events are nouns or
 * past participles, commands are verbs.
 */
public final class Addresses {
  private Addresses() {}

  /**
   * Run an HA cycle now. Kind: send. Senders: DcsVerticle (leader key changed or vanished, config changed),
   * PostgresVerticle (state changed), RestApiVerticle (after writing failover/config). Listener: HaLoopVerticle.
   * Body: String reason. No reply.
   */
  public static final String HA_WAKE = "vigil.ha.wake";

  /**
   * Outcome of a finished HA cycle. Kind: publish. Sender: HaLoopVerticle. Listeners: RestApiVerticle (state for
   * health checks), WatchdogVerticle, callback dispatcher, taps. Body: {@link NodeStatus}.
   */
  public static final String HA_CYCLE = "vigil.ha.cycle";

  /**
   * A request that only the HA loop may carry out (restart, scheduled restart and its cancellation, reload,
   * reinitialize, failsafe heartbeat). Kind: request/reply. Sender: RestApiVerticle. Listener: HaLoopVerticle.
   * Body: one of the records of {@link HaRequest} (codecs: {@link HaRequest#registerCodecs}); reply:
   * {@link HaReply} (HTTP status code, Patroni's text, extra headers), which the API forwards unchanged. No
   * listener or no reply in time: the API answers 503 with the request's failure text.
   */
  public static final String HA_REQUEST = "vigil.ha.request";

  /**
   * New cluster snapshot seen by the DCS watch. Kind: publish. Sender: DcsVerticle. Listeners: HaLoopVerticle,
   * taps. Body: {@link io.vigil.cluster.Cluster}.
   */
  public static final String DCS_CLUSTER = "vigil.dcs.cluster";

  /**
   * Local PostgreSQL changed (started, stopped, crashed, role or timeline changed). Kind: publish. Sender:
   * PostgresVerticle (postmaster death is noticed within 1 s). Listeners: HaLoopVerticle, RestApiVerticle, taps.
   * Body: {@link io.vigil.postgres.PostgresState}.
   */
  public static final String POSTGRES_STATE = "vigil.postgres.state";

  /**
   * Progress of the running long action. Kind: publish. Sender: AsyncExecutor. Listeners: RestApiVerticle, log,
   * taps. Body: {@code io.vigil.async.Progress} (action name, phase, percent or -1).
   */
  public static final String ASYNC_PROGRESS = "vigil.async.progress";

  /**
   * This node's role changed. Kind: publish. Sender: HaLoopVerticle. Listeners: callback dispatcher, taps.
   * Body: {@code io.vigil.bus.RoleChange} (old role, new role, timeline).
   */
  public static final String ROLE_CHANGED = "vigil.role.changed";

  /**
   * Every event a tap can see, numbered per agent. Kind: publish. Sender: {@link io.vigil.events.EventEmitter}
   * (called by the verticles). Listeners: the event journal behind {@code GET /events}, the TCP bridge, the
   * callback dispatcher. Body: {@link io.vigil.events.VigilEvent}; its JSON schema is docs/events.md.
   */
  public static final String EVENTS = "vigil.events";

  /**
   * Re-read the local configuration file (SIGHUP, {@code POST /reload}). Kind: send. Senders: AgentRuntime (signal
   * handler), HaLoopVerticle (REST request). Listener: HaLoopVerticle, which applies what can change at run time
   * (tags, postgresql parameters, pg_hba, pg_ident) and logs what needs a restart. Body: String (who asked).
   */
  public static final String AGENT_RELOAD = "vigil.agent.reload";
}
