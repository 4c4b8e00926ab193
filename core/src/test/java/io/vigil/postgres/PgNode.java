package io.vigil.postgres;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vigil.async.AsyncExecutor;
import io.vigil.cluster.Member;
import io.vigil.config.Settings;
import io.vigil.testing.Timing;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * One agent's PostgreSQL side in a test on a real server: its settings, executor and controller, and what the
 * tests of this package do with it (wait for a future, poll the state, run SQL, tear down).
 */
record PgNode(String name, Settings settings, AsyncExecutor async, PostgresController pg) {
  /** How long one controller call may take in these tests (an initdb or a clone under load included). */
  static final long TIMEOUT_SECONDS = 120;

  ReplicationSource source() {
    return new ReplicationSource(name, "127.0.0.1", settings.postgresql().listen().port());
  }

  Member member() {
    return new Member(name, 1, null, Map.of("conn_url", "postgres://" + settings.postgresql().connectAddress()
        + "/postgres"));
  }

  RowSet<Row> exec(String sql) throws Exception {
    return await(pg.pool().query(sql).execute());
  }

  List<Object> column(String sql) throws Exception {
    List<Object> out = new ArrayList<>();
    for (Row r : exec(sql)) {
      out.add(r.getValue(0));
    }
    return out;
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  /** Reads the state until {@code until} holds, for at most 30 s (scaled). */
  static PostgresState poll(Supplier<Future<PostgresState>> read, Predicate<PostgresState> until, String what) {
    PostgresState[] last = {null};
    return Timing.await(what, Duration.ofSeconds(30), Duration.ofMillis(100), () -> {
      last[0] = await(read.get());
      return until.test(last[0]) ? last[0] : null;
    }, () -> "state " + last[0]);
  }

  /** Stops every node's server at once (a failed test included), closes the controllers, Vert.x, the files. */
  static void tearDown(Vertx vertx, Path base, PgNode... nodes) throws Exception {
    for (PgNode n : nodes) {
      if (n != null) {
        try {
          await(n.pg().stop(StopMode.IMMEDIATE));
        } catch (Exception e) {
          // the test already failed; keep tearing down
        }
        await(n.pg().close());
      }
    }
    await(vertx.close());
    PgFixtures.deleteTree(base);
  }
}
