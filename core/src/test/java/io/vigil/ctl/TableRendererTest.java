package io.vigil.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Expected tables are patronictl's (3.0.2 samples) or PrettyTable 3.6 output for the same rows. */
class TableRendererTest {
  private static final TableRenderer.Align R = TableRenderer.Align.RIGHT;
  private static final Map<String, TableRenderer.Align> MEMBER_ALIGN =
      Map.of("Receive LSN", R, "Replay LSN", R, "Lag", R, "TL", R);

  @Test
  void reproducesPatronictl302ListSample() {
    String expected = """
        + Cluster: anchor --------+---------+---------+----+-----------+
        | Member | Host           | Role    | State   | TL | Lag in MB |
        +--------+----------------+---------+---------+----+-----------+
        | pg1    | 127.0.0.1:5432 | Replica | running |  4 |         0 |
        | pg2    | 127.0.0.1:5433 | Replica | running |  4 |         0 |
        | pg3    | 127.0.0.1:5434 | Leader  | running |  4 |           |
        +--------+----------------+---------+---------+----+-----------+""";
    String actual = TableRenderer.render(" Cluster: anchor ", List.of("Member", "Host", "Role", "State", "TL", "Lag in MB"),
        List.of(List.of("pg1", "127.0.0.1:5432", "Replica", "running", "4", "0"),
            List.of("pg2", "127.0.0.1:5433", "Replica", "running", "4", "0"),
            List.of("pg3", "127.0.0.1:5434", "Leader", "running", "4", "")),
        Map.of("TL", R, "Lag in MB", R));
    assertEquals(expected, actual);
  }

  @Test
  void reproducesPatronictl302HistorySample() {
    String expected = """
        +----+----------+------------------------------+----------------------------------+------------+
        | TL |      LSN | Reason                       | Timestamp                        | New Leader |
        +----+----------+------------------------------+----------------------------------+------------+
        |  1 | 67299240 | no recovery target specified | 2026-11-21T05:06:43.465691+00:00 | pg3        |
        |  2 | 67317824 | no recovery target specified | 2026-11-21T05:07:01.545691+00:00 | pg1        |
        |  3 | 67346416 | no recovery target specified | 2026-11-21T05:07:19.569690+00:00 | pg3        |
        +----+----------+------------------------------+----------------------------------+------------+""";
    String actual = TableRenderer.render("", List.of("TL", "LSN", "Reason", "Timestamp", "New Leader"),
        List.of(List.of("1", "67299240", "no recovery target specified", "2026-11-21T05:06:43.465691+00:00", "pg3"),
            List.of("2", "67317824", "no recovery target specified", "2026-11-21T05:07:01.545691+00:00", "pg1"),
            List.of("3", "67346416", "no recovery target specified", "2026-11-21T05:07:19.569690+00:00", "pg3")),
        Map.of("TL", R, "LSN", R));
    assertEquals(expected, actual);
  }

  @Test
  void drawsAnEmptyTableWithHeaderOnly() {
    String expected = """
        + Cluster: batman (uninitialized) --+-------------+-----+------------+-----+
        | Member | Host | Role | State | TL | Receive LSN | Lag | Replay LSN | Lag |
        +--------+------+------+-------+----+-------------+-----+------------+-----+
        +--------+------+------+-------+----+-------------+-----+------------+-----+""";
    assertEquals(expected, TableRenderer.render(" Cluster: batman (uninitialized) ",
        List.of("Member", "Host", "Role", "State", "TL", "Receive LSN", "Lag", "Replay LSN", "Lag"), List.of(),
        MEMBER_ALIGN));
  }

  @Test
  void cutsATitleLongerThanTheTable() {
    String expected = """
        + Cluster: a-ver+
        | Member | Host |
        +--------+------+
        | x      | h    |
        +--------+------+""";
    assertEquals(expected, TableRenderer.render(
        " Cluster: a-very-long-cluster-name-that-does-not-fit-in-the-rule (7710484112634925804) ",
        List.of("Member", "Host"), List.of(List.of("x", "h")), Map.of()));
  }

  @Test
  void separatesEveryRowWhenACellSpansSeveralLines() {
    String expected = """
        + Cluster: batman (7710484112634925804) --+----+-------------+-----+------------+-----+-----------------+----------------------------+-------------------+
        | Member | Host     | Role    | State     | TL | Receive LSN | Lag | Replay LSN | Lag | Pending restart | Pending restart reason     | Tags              |
        +--------+----------+---------+-----------+----+-------------+-----+------------+-----+-----------------+----------------------------+-------------------+
        | m1     | 10.0.0.1 | Leader  | running   |  2 |             |     |            |     | *               | max_connections: 100->200  | nofailover: true  |
        |        |          |         |           |    |             |     |            |     |                 | shared_buffers: 128MB->1GB | replicatefrom: m2 |
        +--------+----------+---------+-----------+----+-------------+-----+------------+-----+-----------------+----------------------------+-------------------+
        | m2     | 10.0.0.2 | Replica | streaming |  2 |   0/3000060 |   0 |  0/3000060 |   0 |                 |                            |                   |
        +--------+----------+---------+-----------+----+-------------+-----+------------+-----+-----------------+----------------------------+-------------------+""";
    List<String> cols = List.of("Member", "Host", "Role", "State", "TL", "Receive LSN", "Lag", "Replay LSN", "Lag",
        "Pending restart", "Pending restart reason", "Tags");
    assertEquals(expected, TableRenderer.render(" Cluster: batman (7710484112634925804) ", cols,
        List.of(List.of("m1", "10.0.0.1", "Leader", "running", "2", "", "", "", "", "*",
                "max_connections: 100->200\nshared_buffers: 128MB->1GB", "nofailover: true\nreplicatefrom: m2"),
            List.of("m2", "10.0.0.2", "Replica", "streaming", "2", "0/3000060", "0", "0/3000060", "0", "", "", "")),
        MEMBER_ALIGN));
  }
}
