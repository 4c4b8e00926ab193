package io.vigil.ctl;

import io.vigil.cluster.PatroniJson;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class CtlTextTest {

  @Test
  void flowYamlForTagsInTsv() {
    assertEquals("{nofailover: true, replicatefrom: pg3}",
        CtlText.yaml(CtlFixtures.map("replicatefrom", "pg3", "nofailover", true), true).strip());
  }

  @Test
  void timestampsCutAsPatronictlDoes() {
    LocalDateTime t = LocalDateTime.of(2026, 11, 21, 5, 6, 7, 123456000);
    assertEquals("2026-11-21 05:06:07", CtlText.timestamp(0, t));
    assertEquals("2026-11-21 05:06:07.12345", CtlText.timestamp(6, t));
  }

  @Test
  void isoformatAsPythonDatetime() {
    assertEquals("2026-11-21T07:00:00+00:00", PatroniJson.isoformat(OffsetDateTime.parse("2026-11-21T07:00Z")));
    assertEquals("2026-11-21T07:00:00.500000-03:00", PatroniJson.isoformat(OffsetDateTime.parse("2026-11-21T07:00:00.5-03:00")));
  }

  @Test
  void scheduledTimesInIsoOrLocal() {
    ZoneId utc = ZoneId.of("UTC");
    assertEquals(null, ScheduledTime.parse("now", utc));
    assertEquals(OffsetDateTime.parse("2023-05-29T04:32:31Z"), ScheduledTime.parse("2023-05-29T04:32:31", utc));
    assertEquals(OffsetDateTime.parse("2023-05-29T04:32:31-03:00"), ScheduledTime.parse("2023-05-29T04:32:31-3", utc));
    assertEquals(OffsetDateTime.parse("2023-05-29T04:32:00+02:00"), ScheduledTime.parse("2023-05-29 04:32+0200", utc));
    assertEquals("Unable to parse scheduled timestamp (tomorrow). It should be in an unambiguous format (e.g. ISO 8601)",
        org.junit.jupiter.api.Assertions.assertThrows(CtlException.class,
            () -> ScheduledTime.parse("tomorrow", utc)).getMessage());
  }
}
