package io.vigil.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RestartRequestTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @SuppressWarnings("unchecked")
  static RestartRequest.Parsed parse(String body, boolean paused) throws Exception {
    return RestartRequest.parse(JSON.readValue(body, Map.class), paused, Fixtures.NOW);
  }

  static Stream<Arguments> refusals() {
    Object[][] rows = {
      {"{\"schedule\": \"2026-11-21T06:00:00+00:00\"}", true, 500, "Can't schedule restart in the paused state"},
      {"{\"schedule\": \"2026-11-21T06:00:00\"}", false, 400, "Timezone information is mandatory for the scheduled restart"},
      {"{\"schedule\": \"2026-11-21T04:00:00+00:00\"}", false, 422, "Cannot schedule restart in the past"},
      {"{\"schedule\": 12}", false, 422, "Unable to parse scheduled timestamp. It should be in an unambiguous format, e.g. ISO 8601"},
      {"{\"role\": \"leader\"}", false, 400, "PostgreSQL role should be either primary, standby_leader, or replica"},
      {"{\"postgres_version\": \"a.b.c\"}", false, 400, "Invalid PostgreSQL version: a.b.c"},
      {"{\"postgres_version\": \"9.6\"}", false, 400, "Invalid PostgreSQL version format: X.Y or X.Y.Z is accepted: 9.6"},
      {"{\"postgres_version\": \"15\"}", false, 400, "Invalid PostgreSQL version format: X.Y or X.Y.Z is accepted: 15"},
      {"{\"timeout\": 0}", false, 400, "Timeout should be a positive number of seconds"},
      {"{\"timeout\": \"soon\"}", false, 400, "Timeout should be a positive number of seconds"},
      {"{\"force\": true}", false, 400, "Unknown filter for the scheduled restart: force"},
      {"{\"role\": \"replica\", \"bogus\": 1, \"timeout\": -1}", false, 400, "Unknown filter for the scheduled restart: bogus"},
      {"{\"timeout\": -1, \"bogus\": 1}", false, 400, "Timeout should be a positive number of seconds"},
    };
    return Stream.of(rows).map(r -> Arguments.of(r[0], r[1], r[2], r[3]));
  }

  @ParameterizedTest(name = "{0} paused={1} -> {2} {3}")
  @MethodSource("refusals")
  void refusesWithPatronisAnswer(String body, boolean paused, int code, String text) throws Exception {
    assertEquals(new ApiAnswer(code, text), parse(body, paused).error());
  }

  @Test
  void acceptsEveryFilter() throws Exception {
    var p = parse("{\"schedule\": \"2026-11-21T06:00:00+00:00\", \"role\": \"master\", \"postgres_version\": "
        + "\"16.1\", \"timeout\": \"5min\", \"restart_pending\": false}", false);
    assertNull(p.error());
    assertEquals(OffsetDateTime.parse("2026-11-21T06:00:00+00:00"), p.schedule());
    assertEquals("primary", p.role());
    assertEquals("16.1", p.postgresVersion());
    assertEquals(300, p.timeout());
    assertEquals(true, p.restartPending(), "Patroni looks at the key's presence, not its value");
    assertNull(parse("{}", true).error(), "an immediate restart is allowed while paused");
  }

  @Test
  void restartFiltersMatchLikeRestartMatches() {
    assertNull(RestartRequest.mismatch(null, null, false, "replica", 150018, false));
    assertEquals("host role mismatch", RestartRequest.mismatch("primary", null, false, "replica", 150018, false));
    assertNull(RestartRequest.mismatch("replica", "15.19", false, "replica", 150018, false));
    assertEquals("postgres version mismatch",
        RestartRequest.mismatch(null, "15.18", false, "replica", 150018, false));
    assertEquals("pending restart flag is not set",
        RestartRequest.mismatch(null, null, true, "replica", 150018, false));
    assertNull(RestartRequest.mismatch(null, null, true, "replica", 150018, true));
  }
}
