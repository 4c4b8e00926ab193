package io.vigil.api;

import io.vigil.patroni.PyText;
import java.time.Instant;
import java.time.OffsetDateTime;

/** Patroni's {@code parse_schedule}: a scheduled time must carry a zone and lie in the future. */
final class Schedule {
  private Schedule() {}

  /** The parsed time, or the error answer (400 without zone, 422 in the past or unparsable). */
  record Parsed(OffsetDateTime time, ApiAnswer error) {}

  static Parsed parse(Object value, String action, Instant now) {
    PyText.ParsedTime t = PyText.parseTime(value);
    if (t instanceof PyText.Zoned z) {
      if (z.time().toInstant().isBefore(now)) {
        return new Parsed(null, new ApiAnswer(422, "Cannot schedule " + action + " in the past"));
      }
      return new Parsed(z.time(), null);
    }
    if (t instanceof PyText.Naive) {
      return new Parsed(null, new ApiAnswer(400, "Timezone information is mandatory for the scheduled " + action));
    }
    return new Parsed(null, new ApiAnswer(422,
        "Unable to parse scheduled timestamp. It should be in an unambiguous format, e.g. ISO 8601"));
  }
}
