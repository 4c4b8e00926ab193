package io.vigil.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vigil.async.AsyncExecutor;
import io.vigil.async.Progress;
import io.vigil.bus.Addresses;
import io.vigil.config.BootstrapSettings.Option;
import io.vigil.config.Settings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Times a bootstrap and the clone of a ~100 MB primary ({@code pgbench -i -s 7}). Off by default; run with
 * {@code mvn -o -q -B -pl core test -Dtest=PostgresBenchmarkIT -Dvigil.bench=true}.
 */
@EnabledIfSystemProperty(named = "vigil.bench", matches = "true")
class PostgresBenchmarkIT {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresBenchmarkIT.class);

  @Test
  void timesBootstrapAndTheCloneOfAHundredMegabytePrimary() throws Exception {
    Vertx vertx = Vertx.vertx();
    Path base = PgFixtures.postgresOwnedTempDir("vigil-pg-bench-");
    List<Progress> progress = new CopyOnWriteArrayList<>();
    vertx.eventBus().<Progress>localConsumer(Addresses.ASYNC_PROGRESS, m -> progress.add(m.body()));
    PostgresController primary = null;
    PostgresController replica = null;
    PostgresController fast = null;
    try {
      Path sock = PgFixtures.postgresOwnedSubdir(base, "sock");
      Map<String, Object> params = new java.util.LinkedHashMap<>(PgFixtures.parameters(sock));
      params.remove("fsync");
      Settings ps = PgFixtures.settings("bench-1", PgFixtures.postgresSettings("bench-1", base.resolve("bench-1"),
          PgFixtures.freePort(), params), PgFixtures.bootstrap(List.of(new Option("data-checksums", null))));
      Settings rs = PgFixtures.settings("bench-2", PgFixtures.postgresSettings("bench-2", base.resolve("bench-2"),
          PgFixtures.freePort(), params), PgFixtures.bootstrap(List.of()));
      AsyncExecutor pa = new AsyncExecutor(vertx);
      AsyncExecutor ra = new AsyncExecutor(vertx);
      primary = await(PostgresController.create(vertx, ps, pa));
      replica = await(PostgresController.create(vertx, rs, ra));

      long t0 = System.nanoTime();
      PostgresController p = primary;
      await(pa.tryRun("bootstrap", p::bootstrap).result());
      long bootstrapMs = millisSince(t0);

      long t1 = System.nanoTime();
      List<String> pgbench = new ArrayList<>(List.of("/usr/lib/postgresql/15/bin/pgbench", "-i", "-s", "7", "-q",
          "-h", "127.0.0.1", "-p", Integer.toString(ps.postgresql().listen().port()), "-U", "postgres", "postgres"));
      ProcessBuilder pb = new ProcessBuilder(primary.binaries().asPostgres(pgbench)).inheritIO();
      Path data = ps.postgresql().dataDir().toAbsolutePath();
      Path pgpass = ps.postgresql().pgpass() != null ? ps.postgresql().pgpass()
          : data.resolveSibling("pgpass." + data.getFileName());
      pb.environment().put("PGPASSFILE", pgpass.toString());
      assertEquals(0, pb.start().waitFor());
      long pgbenchMs = millisSince(t1);
      long size = await(primary.pool().query("SELECT pg_database_size('postgres')").execute()).iterator().next()
          .getLong(0);

      PostgresController r = replica;
      ReplicationSource source = new ReplicationSource("bench-1", "127.0.0.1", ps.postgresql().listen().port());
      long t2 = System.nanoTime();
      await(ra.tryRun("clone", () -> r.createReplica(source)).result());
      long cloneMs = millisSince(t2);
      long t3 = System.nanoTime();
      assertTrue(await(replica.follow(new RecoveryConfig(source, null, null, Map.of()))));
      long startReplicaMs = millisSince(t3);

      // the same clone with basebackup option checkpoint=fast: no wait for a spread checkpoint on the source
      Settings fs = PgFixtures.settings("bench-3", PgFixtures.postgresSettings("bench-3", base.resolve("bench-3"),
          PgFixtures.freePort(), params, List.of(new Option("checkpoint", "fast"))), PgFixtures.bootstrap(List.of()));
      AsyncExecutor fa = new AsyncExecutor(vertx);
      fast = await(PostgresController.create(vertx, fs, fa));
      PostgresController f = fast;
      long t4 = System.nanoTime();
      await(fa.tryRun("clone", () -> f.createReplica(source)).result());
      long fastCloneMs = millisSince(t4);

      long percentEvents = progress.stream().filter(x -> x.action().equals("clone") && x.percent() >= 0).count();
      String result = String.format("BENCHMARK bootstrap=%d ms; pgbench -i -s 7=%d ms (database %d MB); "
              + "clone=%d ms (%d progress events); replica start=%d ms; clone with checkpoint=fast=%d ms", bootstrapMs,
          pgbenchMs, size >> 20, cloneMs, percentEvents, startReplicaMs, fastCloneMs);
      LOG.info(result);
      System.out.println(result);
      assertTrue(percentEvents > 1);
    } finally {
      for (PostgresController c : new PostgresController[] {fast, replica, primary}) {
        if (c != null) {
          await(c.stop(StopMode.IMMEDIATE));
          await(c.close());
        }
      }
      await(vertx.close());
      PgFixtures.deleteTree(base);
    }
  }

  private static long millisSince(long start) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(600, TimeUnit.SECONDS);
  }
}
