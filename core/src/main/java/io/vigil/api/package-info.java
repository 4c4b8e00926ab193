/**
 * Patroni's REST API ({@code patroni/api.py}, docs/rest-api.md) on Vert.x: {@link io.vigil.api.RestApiVerticle}.
 *
 * <p>What the HA loop must publish in {@link io.vigil.bus.NodeStatus} on {@code vigil.ha.cycle} for the answers
 * to be right:
 * <ul>
 *   <li>{@code cluster} and {@code dcsLastSeenEpochSeconds}: the cluster snapshot counts as Patroni's
 *       {@code dcs.cluster} only while {@code now < dcsLastSeen + ttl}; after that, health checks behave as with
 *       the DCS down (no {@code /sync}, {@code /async}; no leader unless {@code failsafeActive}).</li>
 *   <li>leadership ({@code ha.is_leader()}) is read as "the valid snapshot's leader key names this member".</li>
 *   <li>{@code lastCycleMonotonicMillis} on the scale of {@code System.nanoTime() / 1_000_000}
 *       ({@link io.vigil.api.ApiClock#SYSTEM}) and {@code ttl}: {@code /liveness}.</li>
 *   <li>{@code postgres.receiveLsn} stands in for the WAL receiver's {@code latest_end_lsn}.</li>
 * </ul>
 *
 * <p>Patroni behaviours kept on purpose: paths match by substring ({@code /foo/replica} is a replica check);
 * HEAD and OPTIONS on any path run the generic health check (so {@code HEAD /liveness} is 503, as in Patroni);
 * unknown methods are 501 {@code Unsupported method ('X')}; error pages are Python's {@code send_error} HTML;
 * text answers are {@code text/html}; JSON uses Python's separators.
 *
 * <p>Deviations: the accept backlog is at least 128 (Patroni: {@code request_queue_size}, 5); keep-alive
 * connections idle for 60 s and TLS handshakes unfinished after 10 s are closed; {@code restapi.ciphers} takes
 * JSSE/IANA names; a DCS failure on {@code /cluster}, {@code /config}, switchover answers 503 where Patroni's
 * request thread dies without an answer; {@code server_tokens: Original} names Vigil and Java.
 */
package io.vigil.api;
