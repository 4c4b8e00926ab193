package io.vigil.ctl;

import io.vigil.cluster.PatroniJson;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** {@code --scheduled} values: ISO 8601 (local time when no offset is given) or {@code now}. */
public final class ScheduledTime {
  private ScheduledTime() {}

  /**
   * patronictl's {@code parse_scheduled}.
   *
   * @return null for null, empty or {@code now}
   * @throws CtlException when the text is not a timestamp
   */
  public static OffsetDateTime parse(String scheduled, ZoneId local) {
    if (scheduled == null || scheduled.isEmpty() || scheduled.equals("now")) {
      return null;
    }
    String t = scheduled.strip().replaceFirst("^(\\d{4}-\\d{2}-\\d{2}) ", "$1T");
    // dateutil accepts "+0200" and "-3" as offsets: bring them to ISO form
    t = t.replaceFirst("([+-])(\\d{2})(\\d{2})$", "$1$2:$3").replaceFirst("([+-])(\\d)$", "$10$2:00")
        .replaceFirst("([T:.]\\d+)([+-])(\\d{2})$", "$1$2$3:00");
    try {
      return OffsetDateTime.parse(t);
    } catch (DateTimeParseException e) {
      // no offset: local time
    }
    try {
      LocalDateTime ldt = LocalDateTime.parse(t);
      return ldt.atZone(local).toOffsetDateTime();
    } catch (DateTimeParseException e) {
      // fall through
    }
    try {
      return LocalDate.parse(t).atStartOfDay(local).toOffsetDateTime();
    } catch (DateTimeParseException e) {
      throw new CtlException("Unable to parse scheduled timestamp (" + scheduled
          + "). It should be in an unambiguous format (e.g. ISO 8601)");
    }
  }

  /** The example shown in the prompt: now + 1 hour as {@code %Y-%m-%dT%H:%M}. */
  public static String nextHour() {
    return DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm").format(LocalDateTime.now().plusHours(1));
  }

  /** Python's {@code str(datetime)}: isoformat with a space between date and time. */
  public static String str(OffsetDateTime t) {
    return PatroniJson.isoformat(t).replaceFirst("T", " ");
  }
}
