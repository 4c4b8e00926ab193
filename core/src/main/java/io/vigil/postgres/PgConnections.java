package io.vigil.postgres;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnection;
import io.vigil.config.PostgresSettings;
import io.vigil.config.PostgresSettings.PgUser;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's SQL connections, bounded as Patroni bounds its own ({@code connect_timeout=3},
 * {@code statement_timeout=2000}): the pooled superuser connection to the local server, and one-shot connections
 * for statements with another timeout, another database or another server. Every call fails with a
 * {@link PostgresException} when the server does not answer within its bound, so a frozen server never keeps a
 * caller waiting.
 */
final class PgConnections {
  private static final Logger LOG = LoggerFactory.getLogger(PgConnections.class);

  /** Patroni's connect_timeout=3 on its own connections: the TCP connect, and the startup exchange via the guard. */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
  /** Patroni's {@code options='-c statement_timeout=2000'} on its own connections. */
  static final Duration STATEMENT_TIMEOUT = Duration.ofSeconds(2);
  /**
   * The most a pooled SQL call may take, connect and statements included. A server that accepts the TCP
   * connection and then says nothing (a frozen postmaster) would otherwise keep the call waiting forever:
   * neither timeout above ever fires there.
   */
  static final Duration QUERY_BOUND = CONNECT_TIMEOUT.plus(STATEMENT_TIMEOUT);

  private final Vertx vertx;
  private final PostgresSettings pg;
  private final Supplier<String> socketDirectory;
  private volatile Pool pool;
  private volatile boolean socketFallbackLogged;

  /**
   * @param socketDirectory the first of the server's {@code unix_socket_directories}, for local connections
   *     when {@code use_unix_socket} is set
   */
  PgConnections(Vertx vertx, PostgresSettings pg, Supplier<String> socketDirectory) {
    this.vertx = vertx;
    this.pg = pg;
    this.socketDirectory = socketDirectory;
  }

  /** A copy of {@code options} for a statement allowed to run up to {@code bound} (CHECKPOINT and the like). */
  static PgConnectOptions withStatementTimeout(PgConnectOptions options, Duration bound) {
    return new PgConnectOptions(options).addProperty("statement_timeout", Long.toString(bound.toMillis()));
  }

  /** Transport options of every connection: the TCP connect timeout. */
  static NetClientOptions transportOptions() {
    return new NetClientOptions().setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
  }

  /** Bounds every connection the agent opens, as Patroni does (statement_timeout as a startup parameter). */
  private static PgConnectOptions bounded(PgConnectOptions o) {
    o.addProperty("application_name", "Vigil");
    o.addProperty("statement_timeout", Long.toString(STATEMENT_TIMEOUT.toMillis()));
    return o;
  }

  /**
   * Runs {@code work} on a pooled connection to the local server, failing with a {@link PostgresException}
   * after {@link #QUERY_BOUND}. On that timeout the pool is closed, which closes the connection stuck on the
   * silent server; the next call opens a new pool.
   */
  <T> Future<T> withConnection(String what, Function<SqlConnection, Future<T>> work) {
    Pool p = pool();
    return guard(p.withConnection(work), QUERY_BOUND, what, () -> closePool(p));
  }

  /**
   * Runs {@code work} on a connection of its own (closed afterwards), failing after {@code bound}: for
   * statements with another statement_timeout, another database or another server.
   */
  <T> Future<T> oneShot(PgConnectOptions options, String what, Duration bound,
      Function<SqlConnection, Future<T>> work) {
    Pool p = PgBuilder.pool().with(new PoolOptions().setMaxSize(1)).with(transportOptions()).connectingTo(options)
        .using(vertx).build();
    return guard(p.withConnection(work), bound, what, () -> { }).onComplete(ar -> p.close());
  }

  /** {@code CHECKPOINT} on any server, with statement_timeout = {@code bound} and a guard just past it. */
  Future<Void> checkpoint(PgConnectOptions options, Duration bound) {
    return oneShot(withStatementTimeout(options, bound), "CHECKPOINT", bound.plus(CONNECT_TIMEOUT),
        conn -> conn.query("CHECKPOINT").execute())
        .mapEmpty();
  }

  private <T> Future<T> guard(Future<T> f, Duration bound, String what, Runnable onTimeout) {
    Promise<T> promise = Promise.promise();
    PostgresException[] timedOut = new PostgresException[1];
    long timer = vertx.setTimer(bound.toMillis(), id -> {
      PostgresException timeout = new PostgresException("could not " + what + ": no answer from PostgreSQL within "
          + bound.toMillis() + " ms");
      if (!promise.future().isComplete()) {
        // drop the stuck connections before answering, so that a caller reacting to the failure gets a new
        // pool; the "pool closed" failure this causes below is not the answer
        timedOut[0] = timeout;
        onTimeout.run();
        promise.tryFail(timeout);
      }
    });
    f.onComplete(ar -> {
      vertx.cancelTimer(timer);
      if (timedOut[0] != null) {
        promise.tryFail(timedOut[0]);
      } else if (ar.succeeded()) {
        promise.tryComplete(ar.result());
      } else {
        promise.tryFail(ar.cause());
      }
    });
    return promise.future();
  }

  /** Options for the local server with the superuser credentials. */
  PgConnectOptions localConnectOptions() {
    return options(sqlHost(), pg.listen().port(), pg.superuser());
  }

  /**
   * A replication connection ({@code replication=database}) to the local server with the replication credentials,
   * over TCP to the listen address: Patroni's {@code local_replication_address}, for {@code IDENTIFY_SYSTEM}.
   */
  PgConnectOptions localReplicationOptions() {
    return options(tcpHost(), pg.listen().port(), pg.replication()).addProperty("replication", "database");
  }

  /**
   * {@code IDENTIFY_SYSTEM} over {@link #localReplicationOptions()}: the timeline the local server is on (for a
   * replica, the one it replays), as Patroni's {@code get_replica_timeline} asks it.
   */
  Future<Integer> localServerTimeline() {
    return oneShot(localReplicationOptions(), "IDENTIFY_SYSTEM on the local server", QUERY_BOUND,
        conn -> conn.query("IDENTIFY_SYSTEM").execute()
            .map(rows -> Integer.parseInt(rows.iterator().next().getValue(1).toString())));
  }

  /** Options for another member's server with the given user (rewind, superuser). */
  PgConnectOptions remoteConnectOptions(ReplicationSource source, PgUser user) {
    return options(source.host(), source.port(), user);
  }

  private PgConnectOptions options(String host, int port, PgUser user) {
    PgConnectOptions o = new PgConnectOptions()
        .setHost(host)
        .setPort(port)
        .setDatabase(pg.database() == null ? "postgres" : pg.database())
        .setUser(user.username());
    if (user.password() != null) {
      o.setPassword(user.password().reveal());
    }
    return bounded(o);
  }

  /** The pooled superuser connection to the local server. */
  Pool pool() {
    Pool p = pool;
    if (p == null) {
      synchronized (this) {
        if (pool == null) {
          pool = PgBuilder.pool()
              // past QUERY_BOUND: the guard in withConnection fires first and closes the stuck pool
              .with(new PoolOptions().setMaxSize(2).setConnectionTimeout((int) QUERY_BOUND.toMillis() * 2)
                  .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS))
              .with(transportOptions())
              .connectingTo(localConnectOptions())
              .using(vertx).build();
        }
        p = pool;
      }
    }
    return p;
  }

  /** Closes the pool (PostgreSQL stopped, or the agent closes); the next call opens a new one. */
  void closePool() {
    Pool p;
    synchronized (this) {
      p = pool;
      pool = null;
    }
    if (p != null) {
      p.close();
    }
  }

  /** Closes {@code stale} if it is still the current pool (a call on it timed out). */
  private void closePool(Pool stale) {
    synchronized (this) {
      if (pool != stale) {
        return;
      }
      pool = null;
    }
    LOG.warn("no answer from PostgreSQL within {} ms: closing its connections", QUERY_BOUND.toMillis());
    stale.close();
  }

  /** Where local connections go: the first unix socket dir when use_unix_socket, else the listen address. */
  String localHost() {
    return pg.useUnixSocket() ? socketDirectory.get() : tcpHost();
  }

  /**
   * The host for Vert.x PgClient connections: Vert.x reaches unix sockets only with a native transport, so
   * without one it uses TCP to the listen address even when use_unix_socket is set (tools keep the socket).
   */
  private String sqlHost() {
    if (pg.useUnixSocket() && !vertx.isNativeTransportEnabled()) {
      if (!socketFallbackLogged) {
        socketFallbackLogged = true;
        LOG.info("use_unix_socket is set but Vert.x runs without a native transport: SQL connections use {}:{}",
            tcpHost(), pg.listen().port());
      }
      return tcpHost();
    }
    return localHost();
  }

  private String tcpHost() {
    String host = pg.listen().host();
    return switch (host) {
      case "0.0.0.0", "*", "" -> "127.0.0.1";
      case "::" -> "::1";
      default -> host;
    };
  }
}
