package io.vigil.dcs.consul;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.consul.ConsulClient;
import io.vertx.ext.consul.SessionBehavior;
import io.vertx.ext.consul.SessionOptions;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This agent's one Consul session, as Patroni's dcs/consul.py keeps it: named {@code <scope>-<name>}, TTL ttl/2
 * (Consul invalidates a session only after up to twice its TTL, so the keys live about ttl), lock-delay 0 (Consul's
 * default 15 s would keep the leader key from being taken after a crash), behavior delete (the leader and member
 * keys go with the session) and the configured checks. Renewed at most once per loop_wait unless forced; a
 * session Consul no longer knows is replaced. When Consul refuses the TTL as too short, the agent's
 * SessionTTLMin is used instead, as Patroni does. Used on the Dcs's context only.
 */
final class ConsulSession {
  private static final Logger LOG = LoggerFactory.getLogger(ConsulSession.class);

  private final ConsulClient client;
  private final String name;
  private final List<String> checks;
  private int ttl;
  private int loopWait;
  private long ttlMinSeconds;
  private String id;
  /** The session this agent used before a ttl change; its keys are moved to the new one as they are written. */
  private String previous;
  private long renewedAtNanos;

  ConsulSession(ConsulClient client, String name, List<String> checks, int ttl, int loopWait) {
    this.client = client;
    this.name = name;
    this.checks = List.copyOf(checks);
    this.ttl = ttl;
    this.loopWait = loopWait;
  }

  String current() {
    return id;
  }

  String previous() {
    return previous;
  }

  /** A new ttl makes a new session for what is written from then on (the old one is ended once unused). */
  void timing(int newTtl, int newLoopWait) {
    this.loopWait = newLoopWait;
    if (newTtl != ttl) {
      this.ttl = newTtl;
      if (id != null) {
        previous = id;
        id = null;
      }
    }
  }

  /** The session to write with: created if missing, renewed when {@code force} or loop_wait has passed. */
  Future<String> ensure(boolean force) {
    if (id == null) {
      return create();
    }
    if (!force && System.nanoTime() - renewedAtNanos < loopWait * 1_000_000_000L) {
      return Future.succeededFuture(id);
    }
    String renewing = id;
    return client.renewSession(renewing).map(s -> {
      renewedAtNanos = System.nanoTime();
      return renewing;
    }).recover(t -> {
      if (!String.valueOf(t.getMessage()).contains("not found") && !String.valueOf(t.getMessage()).contains("Not Found")) {
        return Future.failedFuture(t);
      }
      // expired or destroyed: Consul has already deleted the keys it held (behavior delete)
      LOG.warn("Consul session {} is gone, creating a new one", renewing);
      if (renewing.equals(id)) {
        id = null;
      }
      return create();
    });
  }

  /** Forgets a session that Consul answered "invalid session" for, so the next ensure creates one. */
  void lost(String session) {
    if (session != null && session.equals(id)) {
      id = null;
    }
  }

  /** Ends the previous session once nothing of ours is held by it any more. */
  Future<Void> endPrevious() {
    String old = previous;
    previous = null;
    return old == null ? Future.succeededFuture() : client.destroySession(old).recover(t -> Future.succeededFuture());
  }

  private Future<String> create() {
    long sessionTtl = Math.max(ttlMinSeconds, Math.max(1, ttl / 2));
    SessionOptions options = new SessionOptions().setName(name).setTtl(sessionTtl).setLockDelay(0)
        .setBehavior(SessionBehavior.DELETE).setChecks(checks);
    return client.createSessionWithOptions(options).recover(t -> {
      if (!String.valueOf(t.getMessage()).contains("Invalid Session TTL")) {
        return Future.failedFuture(t);
      }
      return client.agentInfo().compose(self -> {
        ttlMinSeconds = sessionTtlMinSeconds(self);
        LOG.warn("Consul refused session TTL {}s; using its SessionTTLMin {}s", sessionTtl, ttlMinSeconds);
        return client.createSessionWithOptions(options.setTtl(Math.max(ttlMinSeconds, sessionTtl)));
      });
    }).map(created -> {
      id = created;
      renewedAtNanos = System.nanoTime();
      return created;
    });
  }

  /** {@code Config.SessionTTLMin} of {@code /v1/agent/self}, in nanoseconds; Consul's default is 10 s. */
  static long sessionTtlMinSeconds(JsonObject self) {
    JsonObject config = self.getJsonObject("Config");
    Object ns = config == null ? null : config.getValue("SessionTTLMin");
    long nanos = ns instanceof Number n && n.longValue() > 0 ? n.longValue() : 10_000_000_000L;
    return (nanos + 999_999_999L) / 1_000_000_000L;
  }
}
