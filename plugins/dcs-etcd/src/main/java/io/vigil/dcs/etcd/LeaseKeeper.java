package io.vigil.dcs.etcd;

import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.vertx.core.Future;
import java.time.Duration;

/**
 * This agent's one etcd lease (docs/dcs-layout.md §1.4): granted with TTL = ttl, carried by the leader key and the member key
 * and nothing else. Kept alive by single keepalives (never a background stream): the leader forces one every
 * cycle, other callers at most once per loop_wait. A keepalive that finds the lease gone, or a ttl change,
 * makes the next caller grant a new one. The old lease is never revoked: revoking would delete the leader key
 * at once, while letting it run out keeps the keys alive until the new lease has taken them over.
 *
 * <p>Used only on the owning Dcs's context.
 */
final class LeaseKeeper {
  private final EtcdConnection connection;
  private int ttl;
  private int loopWait;
  private long leaseId;
  private long lastKeepaliveNanos;
  private Future<Long> granting;

  LeaseKeeper(EtcdConnection connection, int ttl, int loopWait) {
    this.connection = connection;
    this.ttl = ttl;
    this.loopWait = loopWait;
  }

  /** The current lease, 0 when none has been granted yet (or it was dropped). */
  long current() {
    return leaseId;
  }

  int ttl() {
    return ttl;
  }

  /** A ttl change drops the lease, so the next write gets one with the new TTL. */
  void timing(int newTtl, int newLoopWait) {
    loopWait = newLoopWait;
    if (newTtl != ttl) {
      ttl = newTtl;
      leaseId = 0;
    }
  }

  /** The current lease, granting one if there is none. */
  Future<Long> ensure() {
    if (leaseId != 0) {
      return Future.succeededFuture(leaseId);
    }
    if (granting != null) {
      return granting;
    }
    int grantTtl = ttl;
    Future<Long> f = connection.rpc(c -> c.getLeaseClient().grant(grantTtl)).map(r -> {
      if (grantTtl == ttl) {
        leaseId = r.getID();
        lastKeepaliveNanos = System.nanoTime();
      }
      return r.getID();
    });
    granting = f;
    f.onComplete(ar -> granting = null);
    return f;
  }

  /** Forgets {@code id} if it is still the current lease (etcd said it does not exist). */
  void lost(long id) {
    if (leaseId == id) {
      leaseId = 0;
    }
  }

  /**
   * Keeps the lease alive: always when {@code force}, otherwise only if the last keepalive is older than
   * loop_wait. A lease that is gone is replaced by a new one.
   */
  Future<Long> refresh(boolean force) {
    if (leaseId == 0) {
      return ensure();
    }
    if (!force && System.nanoTime() - lastKeepaliveNanos < Duration.ofSeconds(loopWait).toNanos()) {
      return Future.succeededFuture(leaseId);
    }
    long id = leaseId;
    long sentAt = System.nanoTime();
    return connection.rpc(c -> c.getLeaseClient().keepAliveOnce(id)).transform(ar -> {
      if (ar.succeeded() && alive(ar.result())) {
        if (leaseId == id) {
          lastKeepaliveNanos = sentAt;
        }
        return Future.succeededFuture(id);
      }
      if (ar.failed() && !EtcdConnection.isLeaseNotFound(ar.cause())) {
        return Future.failedFuture(ar.cause());
      }
      lost(id);
      return ensure();
    });
  }

  private static boolean alive(LeaseKeepAliveResponse r) {
    return r.getTTL() > 0;
  }
}
