package io.vigil.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vigil.postgres.PostgresRole;
import io.vigil.postgres.PostgresState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** docs/standby-cluster.md §4: the standby leader's log says once that streaming stopped, once that it is back. */
class RemoteStreamingReportTest {
  private static final String REMOTE = "remote primary 10.0.0.1,10.0.0.2:5432,5433";

  private static PostgresState standbyLeader(String state, String replicationState, boolean queryFailed) {
    return new PostgresState(state, PostgresRole.STANDBY_LEADER, false, true, true, "7", 1, 100L, 100L, 100L, null,
        null, false, replicationState, List.of(), null, 150004, null, false, Map.of(), 0, queryFailed);
  }

  private static final PostgresState STREAMING = standbyLeader("running", "streaming", false);
  private static final PostgresState CUT = standbyLeader("running", null, false);
  private static final PostgresState ARCHIVE = standbyLeader("running", "in archive recovery", false);
  private static final PostgresState UNKNOWN = standbyLeader("running", null, true);
  private static final PostgresState STARTING = standbyLeader("starting", null, false);

  /**
   * The lines logged over a sequence of cycles following {@link #REMOTE}, as "WARN text" / "INFO text"; the first
   * cycle is the one in which the node became the standby leader.
   */
  private static List<String> said(RemoteStreamingReport report, PostgresState... cycles) {
    List<String> lines = new ArrayList<>();
    for (PostgresState s : cycles) {
      say(lines, report.observe(s, REMOTE));
    }
    return lines;
  }

  private static void say(List<String> lines, RemoteStreamingReport.Line line) {
    if (line != null) {
      lines.add((line.warning() ? "WARN " : "INFO ") + line.text());
    }
  }

  @Test
  void streamingSaysNothing() {
    assertEquals(List.of(), said(new RemoteStreamingReport(), CUT, STREAMING, STREAMING, STREAMING));
  }

  @Test
  void aLastingCutIsSaidOnceAndTheRecoveryOnce() {
    assertEquals(List.of(
        "WARN standby leader is not streaming from " + REMOTE + " (replication state: none); PostgreSQL keeps retrying",
        "INFO standby leader streams from " + REMOTE + " again"),
        said(new RemoteStreamingReport(), STREAMING, STREAMING, CUT, CUT, CUT, CUT, STREAMING, STREAMING));
  }

  @Test
  void theArchiveStateIsNamed() {
    assertEquals(List.of("WARN standby leader is not streaming from " + REMOTE
        + " (replication state: in archive recovery); PostgreSQL keeps retrying"),
        said(new RemoteStreamingReport(), STREAMING, ARCHIVE, CUT, ARCHIVE));
  }

  @Test
  void unknownObservationsChangeNothing() {
    assertEquals(List.of(), said(new RemoteStreamingReport(), STREAMING, STREAMING, UNKNOWN, STARTING, null, STREAMING));
    assertEquals(List.of("WARN standby leader is not streaming from " + REMOTE
        + " (replication state: none); PostgreSQL keeps retrying"),
        said(new RemoteStreamingReport(), STREAMING, CUT, UNKNOWN, STARTING, CUT));
  }

  @Test
  void theFirstCycleOfAStandbyLeaderSaysNothing() {
    // its PostgreSQL still follows the member that was the standby leader before
    assertEquals(List.of(), said(new RemoteStreamingReport(), CUT));
  }

  @Test
  void aNewTermStartsWithNothingSaid() {
    RemoteStreamingReport report = new RemoteStreamingReport();
    said(report, STREAMING, CUT);
    report.forget();
    assertEquals(List.of(), said(report, CUT, STREAMING));
  }

  @Test
  void anObservationIsReportedAgainstTheRemoteItWasMadeWith() {
    String other = "remote primary 127.0.0.1:1";
    RemoteStreamingReport report = new RemoteStreamingReport();
    List<String> lines = new ArrayList<>(said(report, STREAMING, CUT));
    // standby_cluster now names another remote; this cycle's observation is still about REMOTE, which came back
    say(lines, report.observe(STREAMING, other));
    say(lines, report.observe(CUT, other));
    say(lines, report.observe(CUT, other));
    // back to REMOTE: the cycle that switches still observed the other remote
    say(lines, report.observe(CUT, REMOTE));
    say(lines, report.observe(STREAMING, REMOTE));
    assertEquals(List.of(
        "WARN standby leader is not streaming from " + REMOTE + " (replication state: none); PostgreSQL keeps retrying",
        "INFO standby leader streams from " + REMOTE + " again",
        "WARN standby leader is not streaming from " + other + " (replication state: none); PostgreSQL keeps retrying",
        "INFO standby leader streams from " + REMOTE + " again"), lines);
  }
}
