package io.vigil.ctl.command;

import io.vigil.ctl.CtlText;
import io.vigil.cluster.PatroniJson;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vigil.cluster.Cluster;
import io.vigil.cluster.Member;
import io.vigil.ctl.ConnParams;
import io.vigil.ctl.CtlException;
import io.vigil.ctl.CtlSession;
import io.vigil.ctl.Members;
import io.vigil.ctl.TableOutput;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code query [CLUSTER] [-r ROLE | -m MEMBER] (-c SQL | -f FILE) [-U user] [--password] [-d db] [--format f]}:
 * runs SQL on a member with the Vert.x PostgreSQL client and prints the last statement's rows. Errors are printed
 * as a row {@code <timestamp> ERROR, SQLSTATE: <code>}, as patronictl does.
 */
@Command(name = "query", description = "Query a Patroni PostgreSQL member")
public final class QueryCommand extends CtlCommand {
  @Parameters(paramLabel = "CLUSTER_NAME", arity = "0..1")
  String clusterName;

  @Option(names = "--group", description = "Citus group (not supported)")
  Integer group;

  @Option(names = "--format", description = "Output format (pretty, tsv, json, yaml)")
  String fmt = "tsv";

  @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "Execute the SQL commands from this file")
  Path file;

  @Option(names = "--password", description = "force password prompt")
  boolean password;

  @Option(names = {"-U", "--username"}, description = "database user name")
  String username;

  @Option(names = "-W", description = "Auto update the screen every 2 seconds")
  boolean w;

  @Option(names = {"-w", "--watch"}, description = "Auto update the screen every X seconds")
  Double watch;

  @Option(names = {"-r", "--role"}, description = "The role of the query")
  String role;

  @Option(names = {"-m", "--member"}, description = "Query a specific member")
  String member;

  @Option(names = "--delimiter", description = "The column delimiter")
  String delimiter = "\t";

  @Option(names = {"-c", "--command"}, description = "The SQL commands to execute")
  String command;

  @Option(names = {"-d", "--dbname"}, description = "database name to connect to")
  String dbname;

  @Override
  protected int run(CtlSession s) throws Exception {
    checkNoGroup(group);
    String sql;
    if (file != null) {
      if (command != null) {
        throw new CtlException("--file and --command are mutually exclusive options");
      }
      sql = Files.readString(file, StandardCharsets.UTF_8);
    } else {
      if (command == null) {
        throw new CtlException("You need to specify either --command or --file");
      }
      sql = command;
    }
    Members.Role r = role == null ? null : Members.Role.parse(role);
    String user = username != null ? username : s.env.getOrDefault("PGUSER", System.getProperty("user.name"));
    String pw = password ? s.prompter.promptHidden("Password") : s.env.get("PGPASSWORD");
    String name = s.clusterName(clusterName);
    Cluster cluster = s.cluster(name);
    Vertx vertx = Vertx.vertx();
    try {
      watching(s, w, watch, false, () -> {
        Result result = query(vertx, cluster, r, member, sql, user, pw);
        s.out.println(TableOutput.format(result.columns, result.rows, null, fmt, "", delimiter));
      });
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
    return 0;
  }

  private record Result(List<String> columns, List<List<Object>> rows) {}

  private Result query(Vertx vertx, Cluster cluster, Members.Role r, String memberName, String sql, String user,
      String pw) {
    Optional<Member> m = Members.any(cluster, r, memberName);
    if (m.isEmpty()) {
      String message = memberName != null ? "No connection to member " + memberName + " is available"
          : r != null ? "No connection to role " + r + " is available" : "No connection is available";
      return errorRow(message);
    }
    ConnParams conn = ConnParams.of(m.get());
    PgConnectOptions options = new PgConnectOptions().setHost(conn.host()).setPort(conn.port()).setUser(user)
        .setDatabase(dbname != null ? dbname : user)
        .addProperty("application_name", "Patroni ctl");
    if (pw != null) {
      options.setPassword(pw);
    }
    SqlClient client = PgBuilder.client().connectingTo(options).using(vertx).build();
    try {
      if (r != null && r != Members.Role.ANY && r != Members.Role.LEADER) {
        boolean inRecovery = await(client.query("SELECT pg_catalog.pg_is_in_recovery()").execute())
            .iterator().next().getBoolean(0);
        boolean wanted = inRecovery ? r == Members.Role.REPLICA || r == Members.Role.STANDBY
            || r == Members.Role.STANDBY_LEADER : r == Members.Role.PRIMARY;
        if (!wanted) {
          return errorRow("No connection to role " + r + " is available");
        }
      }
      RowSet<Row> rs = await(client.query(sql).execute());
      RowSet<Row> last = rs;
      while (rs != null) {
        last = rs;
        rs = rs.next();
      }
      List<String> columns = last.columnsNames();
      List<List<Object>> rows = new ArrayList<>();
      for (Row row : last) {
        List<Object> values = new ArrayList<>();
        for (int i = 0; i < row.size(); i++) {
          values.add(pyValue(row.getValue(i)));
        }
        rows.add(values);
      }
      return new Result(columns == null || columns.isEmpty() ? null : columns, rows);
    } catch (CtlException e) {
      throw e;
    } catch (Exception e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      String message = cause instanceof PgException pg && pg.getSqlState() != null ? pg.getSqlState()
          : String.valueOf(cause.getMessage());
      return errorRow("ERROR, SQLSTATE: " + message.replace('\n', ' '));
    } finally {
      client.close();
    }
  }

  private static Result errorRow(String message) {
    List<List<Object>> rows = new ArrayList<>();
    rows.add(List.of(CtlText.timestamp(0), message));
    return new Result(null, rows);
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  /** Values as psycopg hands them to Python's str(): timestamps with a space, booleans True/False. */
  private static Object pyValue(Object v) {
    if (v instanceof OffsetDateTime t) {
      return PatroniJson.isoformat(t).replaceFirst("T", " ");
    }
    if (v instanceof LocalDateTime t) {
      return t.toString().replace('T', ' ');
    }
    if (v instanceof Integer || v instanceof Short) {
      return ((Number) v).longValue();
    }
    return v;
  }
}
