package io.vigil.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.cluster.Cluster;
import io.vigil.cluster.Leader;
import io.vigil.cluster.Member;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code vigilctl query} against a real PostgreSQL 15 (initdb + pg_ctl as the postgres user when run as root,
 * on a free port, no Unix socket); the members come from an in-memory cluster whose conn_urls point at it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueryCommandIT {
  private static final Path BIN = Path.of(System.getProperty("vigil.pg.bin", "/usr/lib/postgresql/15/bin"));
  private Path dir;
  private int port;
  private InMemoryDcs dcs;

  @BeforeAll
  void startPostgres() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      port = s.getLocalPort();
    }
    dir = Files.createTempDirectory("vigilctl-pg-");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    chownToPostgres(dir);
    Path data = dir.resolve("data");
    run(BIN.resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres", "-A", "trust", "--no-sync");
    run(BIN.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", dir.resolve("log").toString(), "-w", "-t", "30",
        "-o", "-c listen_addresses=127.0.0.1 -p " + port + " -c unix_socket_directories='' -c fsync=off", "start");
    Member leader = CtlFixtures.member("pg1", port, CtlFixtures.closedPort(), "role", "primary");
    Member replica = CtlFixtures.member("pg2", port, CtlFixtures.closedPort(), "replication_state", "streaming");
    dcs = new InMemoryDcs(new Cluster("1", null, new Leader(1, null, leader), null, List.of(leader, replica), null,
        null, null, null));
  }

  @AfterAll
  void stopPostgres() throws Exception {
    try {
      run(BIN.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "stop");
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static boolean root() throws IOException {
    return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
  }

  private static void chownToPostgres(Path p) throws IOException {
    if (root()) {
      var lookup = p.getFileSystem().getUserPrincipalLookupService();
      Files.setOwner(p, lookup.lookupPrincipalByName("postgres"));
    }
  }

  private static void run(String... cmd) throws Exception {
    List<String> full = new ArrayList<>();
    if (root()) {
      full.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    full.addAll(List.of(cmd));
    Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", full) + " failed: " + output);
    }
  }

  private CtlRun query(String... args) {
    List<String> all = new ArrayList<>(List.of("query", "anchor", "-U", "postgres"));
    all.addAll(List.of(args));
    return CtlRun.run(dcs, null, Map.of(), all.toArray(new String[0]));
  }

  @Test
  void printsTheRowsOfTheLastStatementAsTsvWithAHeader() {
    CtlRun r = query("-c", "SELECT 0; SELECT 1 AS a, 'x' AS b, true AS c, NULL AS d");
    assertEquals(0, r.code(), r.err());
    assertEquals("a\tb\tc\td\n1\tx\tTrue\tNone\n", r.out());
  }

  @Test
  void printsJsonWithTheColumnNames() {
    CtlRun r = query("-c", "SELECT 2 AS n, 'y' AS s", "--format", "json");
    assertEquals(0, r.code(), r.err());
    assertEquals("[{\"n\": 2, \"s\": \"y\"}]\n", r.out());
  }

  @Test
  void aFailingStatementIsARowWithItsSqlstate() {
    CtlRun r = query("-c", "SELECT * FROM no_such_table");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\tERROR, SQLSTATE: 42P01\n"), r.out());
  }

  @Test
  void aReplicaRoleOnAServerNotInRecoveryHasNoConnection() {
    CtlRun r = query("-c", "SELECT 1", "-r", "replica");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().endsWith("\tNo connection to role replica is available\n"), r.out());
  }

  @Test
  void theSqlMayComeFromAFile() throws Exception {
    Path sql = dir.resolve("q.sql");
    Files.writeString(sql, "SELECT current_database() AS db");
    CtlRun r = query("-f", sql.toString(), "-m", "pg2", "-d", "template1");
    assertEquals(0, r.code(), r.err());
    assertEquals("db\ntemplate1\n", r.out());
    assertEquals("Error: --file and --command are mutually exclusive options\n",
        query("-f", sql.toString(), "-c", "SELECT 1").err());
    assertEquals("Error: You need to specify either --command or --file\n", query().err());
  }
}
