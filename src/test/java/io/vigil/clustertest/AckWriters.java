package io.vigil.clustertest;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The observers: one writer per node, each on one direct connection to that node's PostgreSQL (never a multi-host
 * conninfo, which would hide an old primary that still takes writes), inserting a row every 100 ms with a
 * statement_timeout and recording, per node, the monotonic send and acknowledgement time of every acknowledged
 * insert. A replica refuses the insert (read-only), so the acknowledgements say which node took writes when.
 *
 * <p>In synchronous mode an insert whose wait for the standby was cancelled (statement_timeout) still reports
 * success, with a WARNING "canceling wait for synchronous replication": such an insert is recorded as
 * {@linkplain Ack#confirmed() unconfirmed}, since PostgreSQL does not promise it survives a failover.
 */
final class AckWriters implements AutoCloseable {
  static final String TABLE = "vigil_acks";
  private static final long TICK_MS = 100;
  private static final int STATEMENT_TIMEOUT_MS = 1000;
  /** Client-side give-up: a silently cut connection never answers, so it is closed and opened again. */
  private static final long CLIENT_TIMEOUT_MS = 3000;

  /** One acknowledged insert: (node, seq) is the row's key; times are System.nanoTime(). */
  record Ack(String node, long seq, long sentNanos, long ackNanos, boolean confirmed) {}

  private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
  private final List<Ack> acks = new CopyOnWriteArrayList<>();
  private final List<NodeWriter> writers = new ArrayList<>();
  private final long timer;

  AckWriters(List<AgentNode> nodes) {
    for (AgentNode n : nodes) {
      writers.add(new NodeWriter(n));
    }
    timer = vertx.setPeriodic(TICK_MS, id -> writers.forEach(NodeWriter::tick));
  }

  /** Creates the table on the leader (through psql on 127.0.0.1, before any cut). */
  static void createTable(AgentNode leader) {
    leader.sql("CREATE TABLE IF NOT EXISTS " + TABLE + "(node text, seq bigint, primary key(node, seq))");
  }

  /** Every acknowledged insert so far, in acknowledgement order per node. */
  List<Ack> acks() {
    return List.copyOf(acks);
  }

  List<Ack> acksSince(long nanos) {
    return acks.stream().filter(a -> a.ackNanos() >= nanos).toList();
  }

  /** True once the node acknowledged an insert at or after {@code nanos}. */
  boolean ackedSince(String node, long nanos) {
    return acks.stream().anyMatch(a -> a.node().equals(node) && a.ackNanos() >= nanos);
  }

  /** The rows present on {@code node} as "node:seq", read on a connection of its own (null when unreachable). */
  Set<String> rowsOn(AgentNode node) {
    try {
      return Future.await(connect(node).compose(c -> c.query("SELECT node, seq FROM " + TABLE).execute()
          .eventually(() -> c.close())).map(rows -> {
            Set<String> keys = new HashSet<>();
            for (Row r : rows) {
              keys.add(r.getString(0) + ":" + r.getLong(1));
            }
            return keys;
          }).timeout(30, TimeUnit.SECONDS));
    } catch (Throwable e) {
      return null;
    }
  }

  private Future<PgConnection> connect(AgentNode node) {
    PgConnectOptions options = new PgConnectOptions().setHost(node.observerHost).setPort(node.pgPort)
        .setUser("postgres").setPassword(AgentNode.SUPERUSER_PASSWORD).setDatabase("postgres")
        .addProperty("application_name", "vigil-observer")
        .addProperty("statement_timeout", Integer.toString(STATEMENT_TIMEOUT_MS));
    return PgConnection.connect(vertx, options);
  }

  @Override
  public void close() {
    vertx.cancelTimer(timer);
    try {
      Future.await(vertx.close().timeout(10, TimeUnit.SECONDS));
    } catch (Throwable e) {
      // best effort at teardown
    }
  }

  /** All state is touched on the one event loop only. */
  private final class NodeWriter {
    private final AgentNode node;
    private PgConnection connection;
    private boolean busy;
    private long seq;
    private boolean syncWaitCancelled;

    NodeWriter(AgentNode node) {
      this.node = node;
    }

    void tick() {
      if (busy) {
        return;
      }
      busy = true;
      if (connection == null) {
        connect(node).timeout(CLIENT_TIMEOUT_MS, TimeUnit.MILLISECONDS).onComplete(ar -> {
          busy = false;
          if (ar.succeeded()) {
            connection = ar.result();
            connection.noticeHandler(n -> {
              if (n.getMessage() != null && n.getMessage().contains("synchronous replication")) {
                syncWaitCancelled = true;
              }
            });
            PgConnection mine = connection;
            connection.closeHandler(v -> {
              if (connection == mine) {
                connection = null;
              }
            });
          }
        });
        return;
      }
      long id = ++seq;
      long sent = System.nanoTime();
      syncWaitCancelled = false;
      PgConnection c = connection;
      c.preparedQuery("INSERT INTO " + TABLE + "(node, seq) VALUES ($1, $2)").execute(Tuple.of(node.name, id))
          .timeout(CLIENT_TIMEOUT_MS, TimeUnit.MILLISECONDS).onComplete(ar -> {
            busy = false;
            if (ar.succeeded()) {
              acks.add(new Ack(node.name, id, sent, System.nanoTime(), !syncWaitCancelled));
            } else if (!(ar.cause() instanceof io.vertx.sqlclient.DatabaseException)) {
              // no answer (a cut) or a broken connection: start over on a fresh one
              if (connection == c) {
                connection = null;
              }
              c.close();
            }
            // otherwise PostgreSQL refused it (read-only, shutting down...): not acknowledged, keep the connection
          });
    }
  }
}
