package io.vigil.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vigil.async.AsyncExecutor;
import io.vigil.config.BootstrapSettings;
import io.vigil.config.BootstrapSettings.CustomMethod;
import io.vigil.config.PostgresSettings;
import io.vigil.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Custom bootstrap methods and the post_bootstrap script against real PostgreSQL 15, over the unix socket. */
class PostgresBootstrapIT {
  private Vertx vertx;
  private Path base;
  private PostgresController pg;

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    base = PgFixtures.postgresOwnedTempDir("vigil-pg-boot-");
  }

  @AfterEach
  void tearDown() throws Exception {
    if (pg != null) {
      await(pg.stop(StopMode.IMMEDIATE));
      await(pg.close());
    }
    await(vertx.close());
    PgFixtures.deleteTree(base);
  }

  private Path script(String name, String body) throws Exception {
    Path p = base.resolve(name);
    Files.writeString(p, "#!/bin/sh\n" + body);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    return p;
  }

  private PostgresController controller(CustomMethod method, String postBootstrap) throws Exception {
    Path sock = PgFixtures.postgresOwnedSubdir(base, "sock");
    PostgresSettings local = PgFixtures.postgresSettings("pg-c", base.resolve("data"), PgFixtures.freePort(),
        PgFixtures.parameters(sock));
    // local connections over the unix socket, as Patroni does with use_unix_socket
    PostgresSettings viaSocket = new PostgresSettings(local.listen(), local.listenAddresses(),
        local.connectAddress(), null, local.dataDir(), null, null, Map.of(), null, local.superuser(),
        local.replication(), local.rewind(), "postgres", true, true, local.parameters(), null, List.of(), List.of(),
        null, 60, Map.of(), List.of("basebackup"), Map.of(), List.of(), true, List.of(), false, false, null, null);
    BootstrapSettings bootstrap = new BootstrapSettings(Map.of(), method.name(), List.of(),
        Map.of(method.name(), method), List.of(), List.of(), postBootstrap);
    Settings s = PgFixtures.settings("pg-c", viaSocket, bootstrap);
    return await(PostgresController.create(vertx, s, new AsyncExecutor(vertx)));
  }

  @Test
  void runsACustomBootstrapScriptThenPostBootstrapWithTheConnectionUrl() throws Exception {
    Path init = script("init.sh", "for a in \"$@\"; do case \"$a\" in --datadir=*) d=\"${a#--datadir=}\";; "
        + "--scope=*) s=\"${a#--scope=}\";; esac; done\n"
        + "[ \"$s\" = batman ] || exit 9\n"
        + "exec /usr/lib/postgresql/15/bin/initdb -D \"$d\" -U postgres --auth-local=trust --auth-host=md5\n");
    Path marker = base.resolve("post_bootstrap.out");
    Path post = script("post.sh", "echo \"$1 $PGPASSFILE $PGOPTIONS\" > " + marker + "\n"
        + "/usr/lib/postgresql/15/bin/psql \"$1\" -Atc 'CREATE TABLE made_by_post_bootstrap()' || exit 5\n");
    pg = controller(new CustomMethod("by_script", init.toString(), false, false, false, false, null,
        Map.of("extra", "x")), post.toString());
    await(pg.bootstrap());
    PostgresState s = await(pg.state());
    assertTrue(s.isPrimary());
    String out = Files.readString(marker);
    assertTrue(out.startsWith("postgres://postgres@"), out);
    assertTrue(out.contains("-c synchronous_commit=local"), out);
    assertEquals(1, await(pg.pool().query("SELECT 1 FROM pg_class WHERE relname = 'made_by_post_bootstrap'")
        .execute()).size());
    assertEquals(1, await(pg.pool().query("SELECT 1 FROM pg_roles WHERE rolname = 'rewind_user'").execute()).size());
  }

  @Test
  void aFailingCustomBootstrapLeavesCustomBootstrapFailedAndMovesTheDataAside() throws Exception {
    Path init = script("init.sh", "for a in \"$@\"; do case \"$a\" in --datadir=*) d=\"${a#--datadir=}\";; esac; "
        + "done\nmkdir -p \"$d\" && echo half > \"$d/half-done\"\nexit 3\n");
    pg = controller(new CustomMethod("by_script", init.toString(), false, false, false, false, null, Map.of()), null);
    try {
      await(pg.bootstrap());
      throw new AssertionError("bootstrap must fail");
    } catch (ExecutionException e) {
      assertTrue(e.getCause().getMessage().contains("exit 3"), e.getCause().getMessage());
    }
    assertEquals("custom bootstrap failed", pg.stateName());
    assertFalse(Files.exists(base.resolve("data")));
    try (Stream<Path> s = Files.list(base)) {
      Path moved = s.filter(p -> p.getFileName().toString().startsWith("data_")).findFirst().orElseThrow();
      assertTrue(Files.exists(moved.resolve("half-done")));
    }
  }

  @Test
  void aFailedRewindRemovesTheDataDirectoryWhenConfiguredSo() throws Exception {
    Path sock = PgFixtures.postgresOwnedSubdir(base, "sock");
    PostgresSettings d = PgFixtures.postgresSettings("pg-r", base.resolve("data"), PgFixtures.freePort(),
        PgFixtures.parameters(sock));
    PostgresSettings removeOnFailure = new PostgresSettings(d.listen(), d.listenAddresses(), d.connectAddress(), null,
        d.dataDir(), null, null, Map.of(), null, d.superuser(), d.replication(), d.rewind(), "postgres", false, false,
        d.parameters(), null, List.of(), List.of(), null, 60, Map.of(), List.of("basebackup"), Map.of(), List.of(),
        true, List.of(), true, false, null, null);
    pg = await(PostgresController.create(vertx, PgFixtures.settings("pg-r", removeOnFailure,
        PgFixtures.bootstrap(List.of())), new AsyncExecutor(vertx)));
    await(pg.bootstrap());
    // nothing listens on the source's port: pg_rewind cannot connect
    ReplicationSource gone = new ReplicationSource("pg-gone", "127.0.0.1", PgFixtures.freePort());
    try {
      await(pg.rewind(gone));
      throw new AssertionError("rewind must fail");
    } catch (ExecutionException e) {
      assertTrue(e.getCause().getMessage().contains("pg_rewind failed"), e.getCause().getMessage());
    }
    assertFalse(pg.isRunning());
    assertTrue(pg.isDataDirEmpty(), "removed, so that the node re-clones");
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
  }
}
