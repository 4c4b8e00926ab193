/**
 * The HA decision engine: Patroni's {@code ha.py} rules (docs/ha-rules.md) as a pure function.
 *
 * <h2>One cycle, as the HA loop runs it</h2>
 * <ol>
 *   <li><b>Gather.</b> {@code Dcs.loadCluster()}; on {@code DcsUnavailableException} build
 *       {@link io.vigil.ha.ClusterView#unreachable} with the last snapshot read. While the cluster is unlocked
 *       and failsafe mode is on, inject the leader learned from a recent {@code POST /failsafe} (valid for ttl)
 *       into the snapshot. Keep the last snapshot that had a leader as {@code lastLeaderCluster}. Then, only when
 *       the static helpers say so: {@link io.vigil.ha.HaEngine#peerStatusesNeeded} → {@code GET /patroni} of the
 *       other members in parallel (2 s, no retry); {@link io.vigil.ha.HaEngine#failsafeProbeNeeded} →
 *       {@code POST /failsafe} to the {@code /failsafe} members; {@link io.vigil.ha.HaEngine#divergenceCheck}
 *       → the diverged-LSN check against the leader, or in a standby cluster against the remote primary.</li>
 *   <li><b>Describe this node.</b> {@link io.vigil.ha.LocalState}: the latest {@code PostgresState}, pg_controldata
 *       facts, the running long action and the one that finished since the last cycle, the result of the last
 *       leader-key write, monotonic and wall-clock "now", SIGTERM, pending REST requests, watchdog.</li>
 *   <li><b>Decide.</b> {@link io.vigil.ha.HaEngine#decide}; store {@link io.vigil.ha.Decision#memory()} for the
 *       next cycle whatever happens next.</li>
 *   <li><b>Act.</b> Run {@link io.vigil.ha.Decision#actions()} in order; stop at the first failure, record what the
 *       failed action's Javadoc says (mostly a {@link io.vigil.ha.LeaderKeyWrite}), still run a trailing
 *       {@link io.vigil.ha.Action.TouchMember}, and start the next cycle at once. An
 *       {@link io.vigil.ha.Action.Exit} ends the agent.</li>
 *   <li><b>Report.</b> Log {@code INFO: <message>} (prefixed {@code PAUSE: } while paused), publish the outcome,
 *       and sleep until loop_wait, {@link io.vigil.ha.Decision#wakeInMillis()} or a DCS watch event.</li>
 * </ol>
 *
 * <h2>Safety rules {@code decide} never breaks (tested by {@code HaInvariantsTest})</h2>
 * <ul>
 *   <li>{@code Promote} only after {@code AcquireLeaderKey}, {@code RenewLeaderKey} or {@code TakeLeaderKey} in the
 *       same decision, never after a failed renewal, never while the DCS is unreachable; a primary start after a
 *       crash only after {@code RenewLeaderKey}.</li>
 *   <li>No leader race beyond {@code maximum_lag_on_failover} of {@code status.optime} or (check_timeline) behind
 *       the cluster timeline, except for the member an operator named as failover candidate.</li>
 *   <li>In synchronous (non-quorum) mode only {@code /sync} members race; a {@code nofailover} node never
 *       promotes (a nofailover key holder releases the key instead).</li>
 *   <li>A primary cut off from the DCS demotes {@code offline} unless failsafe mode is on and every member in
 *       {@code /failsafe} acknowledged; nothing is written while cut off.</li>
 *   <li>In pause nothing is started, stopped or demoted, except a switchover to an explicit candidate.</li>
 * </ul>
 *
 * <h2>Where Vigil is stricter than Patroni</h2>
 * The old switchover source and the members racing after a failed manual failover still respect
 * maximum_lag_on_failover; a switchover key naming a non-{@code /sync} member is ignored in sync mode; a
 * nofailover key holder hands the key on. Patroni picks a random {@code clonefrom} member; Vigil the first by
 * name, to stay deterministic.
 */
package io.vigil.ha;
