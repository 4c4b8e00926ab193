package io.vigil.dcs.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vigil.dcs.DcsDeadline;
import io.vigil.dcs.DcsUnavailableException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;

/**
 * The jetcd client behind one {@link EtcdDcs}, and the one funnel every RPC goes through: results come back on
 * the Dcs's Vert.x context, every operation has a deadline of {@code retry_timeout}, and every failure becomes a
 * {@link DcsUnavailableException} naming the operation, the key and the endpoints (never a password).
 *
 * <p>Bounds under a silent network drop (no RST, packets just vanish): {@link #operation} fails the caller after
 * retry_timeout whatever the RPC does; every gRPC call except the watch stream also carries a gRPC deadline of
 * retry_timeout ({@link RpcDeadline}), so the call itself is cancelled rather than left pending on a dead
 * connection; and HTTP/2 keepalive pings (every 10 s, answer within max(2 s, retry_timeout)) close a dead
 * transport, which breaks the watch. The watch's own freshness is bounded separately in {@link WatchCache}.
 *
 * <p>One client lives as long as the Dcs: after an outage gRPC reconnects on the next call (measured: within
 * 0.3 s of etcd being healthy again after a 12 s outage, see EtcdDcsIT).
 */
final class EtcdConnection {
  private static final long RETRY_PAUSE_MS = 200;

  private final Vertx vertx;
  private final Context context;
  private final EtcdOptions options;
  private volatile int retryTimeoutSeconds;
  /** Built on first use: the agent's REST API starts listening before gRPC's classes load (start to REST). */
  private Future<Client> client;
  private volatile boolean closed;

  EtcdConnection(Vertx vertx, Context context, EtcdOptions options, int retryTimeoutSeconds) {
    this.vertx = vertx;
    this.context = context;
    this.options = options;
    this.retryTimeoutSeconds = retryTimeoutSeconds;
  }

  Context context() {
    return context;
  }

  Vertx vertx() {
    return vertx;
  }

  /** The client, once built (it is built off the event loop, at the first call). */
  synchronized Future<Client> client() {
    if (client == null) {
      if (closed) {
        return Future.failedFuture(new IllegalStateException("client closed"));
      }
      client = buildLater();
    }
    return client;
  }

  void retryTimeout(int seconds) {
    this.retryTimeoutSeconds = seconds;
  }

  int retryTimeoutSeconds() {
    return retryTimeoutSeconds;
  }

  String endpoints() {
    return options.endpointList();
  }

  static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  /** One RPC on the current client; its result comes back on the Dcs's context. */
  <T> Future<T> rpc(Function<Client, CompletableFuture<T>> call) {
    if (closed) {
      return Future.failedFuture(new IllegalStateException("client closed"));
    }
    return client().compose(c -> {
      CompletableFuture<T> cf;
      try {
        cf = call.apply(c);
      } catch (RuntimeException e) {
        return Future.failedFuture(e);
      }
      return Future.fromCompletionStage(cf, context);
    });
  }

  /**
   * Runs {@code body} on the context with a deadline of retry_timeout. Idempotent bodies (reads, lease
   * keepalives) are tried again on connection errors until the deadline; writes are tried once, because a CAS
   * must never be replayed blindly.
   */
  <T> Future<T> operation(String what, String key, boolean idempotent, Supplier<Future<T>> body) {
    return DcsDeadline.bounded(vertx, context, () -> retryTimeoutSeconds * 1000L, () -> retryTimeoutSeconds, () -> closed,
        cause -> unavailable(what, key, cause), deadlineNanos -> attempt(body, idempotent, deadlineNanos, what, key));
  }

  private <T> Future<T> attempt(Supplier<Future<T>> body, boolean idempotent, long deadlineNanos, String what, String key) {
    Future<T> f;
    try {
      f = body.get();
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    if (!idempotent) {
      return f;
    }
    return f.recover(t -> {
      if (closed || !isConnectionError(t) || System.nanoTime() + Duration.ofMillis(RETRY_PAUSE_MS).toNanos() > deadlineNanos) {
        return Future.failedFuture(t);
      }
      Promise<T> next = Promise.promise();
      vertx.setTimer(RETRY_PAUSE_MS, id -> attempt(body, true, deadlineNanos, what, key).onComplete(next));
      return next.future();
    });
  }

  DcsUnavailableException unavailable(String what, String key, Throwable cause) {
    Throwable t = unwrap(cause);
    return new DcsUnavailableException(
        "could not " + what + " " + key + " in etcd at " + options.endpointList() + ": " + reason(t), t);
  }

  private static String reason(Throwable t) {
    if (t instanceof EtcdException e) {
      String m = e.getMessage();
      return e.getErrorCode() + (m == null || m.isEmpty() ? "" : ": " + m);
    }
    if (t instanceof StatusRuntimeException e) {
      return e.getStatus().getCode() + ": " + e.getStatus().getDescription();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  static Throwable unwrap(Throwable t) {
    Throwable c = t;
    while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }

  /** The server could not be reached (as opposed to a request it refused). */
  static boolean isConnectionError(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof EtcdException e
          && (e.getErrorCode() == ErrorCode.UNAVAILABLE || e.getErrorCode() == ErrorCode.DEADLINE_EXCEEDED)) {
        return true;
      }
      if (c instanceof StatusRuntimeException e
          && (e.getStatus().getCode() == Status.Code.UNAVAILABLE || e.getStatus().getCode() == Status.Code.DEADLINE_EXCEEDED)) {
        return true;
      }
      if (c instanceof IOException) {
        return true;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return false;
  }

  /** etcd's answer to a put or keepalive with a lease that expired or was revoked. */
  static boolean isLeaseNotFound(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      String m = c.getMessage();
      if (m != null && m.contains("requested lease not found")) {
        return true;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return false;
  }

  Future<Void> close() {
    if (closed) {
      return Future.succeededFuture();
    }
    Future<Client> built;
    synchronized (this) {
      closed = true;
      built = client;
    }
    return built == null ? Future.succeededFuture() : closeClient(built);
  }

  boolean isClosed() {
    return closed;
  }

  private Future<Void> closeClient(Future<Client> built) {
    // jetcd's close shuts down its own Vert.x instance and executor, which may wait: off the event loop
    return built.compose(c -> vertx.executeBlocking(() -> {
      c.close();
      return null;
    }, false), e -> Future.succeededFuture());
  }

  /**
   * Builds the client off Vert.x threads: jetcd runs gRPC on a Vert.x instance of its own, which it closes with the
   * client, so it gets a small dedicated one, and creating a Vert.x instance on an event loop is both slow and
   * warned about. Only gRPC's I/O runs on it (every answer hops onto the agent's context), so its blocked-thread
   * checker looks once a minute instead of every second: one wake-up a second less on an idle agent.
   */
  private Future<Client> buildLater() {
    return Future.fromCompletionStage(CompletableFuture.supplyAsync(this::build), context);
  }

  /**
   * A gRPC deadline of retry_timeout on every call but the watch stream, which lives as long as the cache (its
   * liveness is checked with progress requests instead). Lease keepalives use a short stream per call
   * ({@code keepAliveOnce}), so they get the deadline too.
   */
  private final class RpcDeadline implements ClientInterceptor {
    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
      if ("etcdserverpb.Watch/Watch".equals(method.getFullMethodName())) {
        return next.newCall(method, options);
      }
      long ms = Math.max(1, retryTimeoutSeconds) * 1000L;
      CallOptions bounded = options.getDeadline() == null || options.getDeadline().timeRemaining(TimeUnit.MILLISECONDS) > ms
          ? options.withDeadlineAfter(ms, TimeUnit.MILLISECONDS) : options;
      return next.newCall(method, bounded);
    }
  }

  private Client build() {
    ClientBuilder b = Client.builder()
        .vertx(Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(2)
            .setInternalBlockingPoolSize(2).setBlockedThreadCheckInterval(60_000)))
        .endpoints(options.endpoints().toArray(URI[]::new))
        // fail at once while disconnected instead of queueing: our own deadline and retry decide
        .waitForReady(false)
        // only our own retry (idempotent calls, within retry_timeout) so that the deadline stays ours
        .retryMaxAttempts(0)
        .retryDelay(100)
        .retryMaxDelay(500)
        .retryMaxDuration(Duration.ofSeconds(Math.max(1, retryTimeoutSeconds)))
        .connectTimeout(Duration.ofMillis(Math.max(500, Math.min(2000, retryTimeoutSeconds * 500L))))
        // etcd refuses pings more often than every 5 s (too_many_pings)
        .keepaliveTime(Duration.ofSeconds(10))
        .keepaliveTimeout(Duration.ofSeconds(Math.max(2, retryTimeoutSeconds)))
        .interceptor(new RpcDeadline());
    if (options.username() != null) {
      b.user(bytes(options.username())).password(bytes(options.password().reveal()));
    }
    if (options.tls() || options.cacert() != null || options.cert() != null) {
      try {
        b.sslContext(ssl -> {
          if (options.cacert() != null) {
            ssl.trustManager(options.cacert().toFile());
          }
          if (options.cert() != null) {
            // without key, the private key is expected in the cert file (as Patroni allows)
            ssl.keyManager(options.cert().toFile(), (options.key() == null ? options.cert() : options.key()).toFile());
          }
        });
      } catch (SSLException e) {
        throw new IllegalArgumentException("etcd3: cannot set up TLS from cacert/cert/key: " + e.getMessage(), e);
      }
    }
    return b.build();
  }
}
