package io.vigil.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vigil.events.NewEvent;
import io.vigil.postgres.PostgresRole;
import io.vigil.postgres.PostgresState;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What a PostgreSQL observation means, given the one before it and the last running one. */
class PostgresChangesTest {

  private static PostgresState pg(String state, PostgresRole role, boolean running, boolean inRecovery, Integer tl) {
    return new PostgresState(state, role, false, running, inRecovery, "7", tl, null, null, null, null, null, false,
        null, List.of(), null, 150004, null, false, null, 0);
  }

  private static final PostgresState PRIMARY = pg("running", PostgresRole.PRIMARY, true, false, 2);
  private static final PostgresState REPLICA = pg("running", PostgresRole.REPLICA, true, true, 2);
  private static final PostgresState PROMOTED = pg("running", PostgresRole.PRIMARY, true, false, 3);
  private static final PostgresState STOPPED = pg("stopped", null, false, false, null);
  private static final PostgresState CRASHED = pg("crashed", null, false, false, null);

  static Stream<Arguments> rows() {
    return Stream.of(
        Arguments.of("first observation: a baseline", null, null, PRIMARY, List.of()),
        Arguments.of("started as a replica", STOPPED, null, REPLICA, List.of("postgres_started role=replica timeline=2")),
        Arguments.of("stopped on request", REPLICA, REPLICA, STOPPED, List.of("postgres_stopped state=stopped")),
        Arguments.of("postmaster died", PRIMARY, PRIMARY, CRASHED, List.of("postgres_crashed state=crashed")),
        Arguments.of("recovery ended: promoted", REPLICA, REPLICA, PROMOTED, List.of("postgres_promoted timeline=3")),
        Arguments.of("a primary started again as a replica: demoted", STOPPED, PRIMARY, REPLICA,
            List.of("postgres_started role=replica timeline=2", "postgres_demoted timeline=2")),
        Arguments.of("a replica restarted as a replica", STOPPED, REPLICA, REPLICA,
            List.of("postgres_started role=replica timeline=2")),
        Arguments.of("a primary restarted as a primary", STOPPED, PRIMARY, PRIMARY,
            List.of("postgres_started role=primary timeline=2")),
        Arguments.of("still running, same role", REPLICA, REPLICA, REPLICA, List.of()),
        Arguments.of("still stopped", STOPPED, PRIMARY, CRASHED, List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void reportsWhatHappened(String row, PostgresState before, PostgresState lastRunning, PostgresState after,
      List<String> expected) {
    assertEquals(expected, render(PostgresChanges.between(before, lastRunning, after)), row);
  }

  static List<String> render(List<NewEvent> events) {
    return events.stream().map(e -> {
      StringBuilder b = new StringBuilder(e.type().wireName());
      e.data().forEach((k, v) -> b.append(' ').append(k).append('=').append(v));
      return b.toString();
    }).toList();
  }
}
