package io.vigil.runtime;

import io.vigil.events.EventType;
import io.vigil.events.NewEvent;
import io.vigil.postgres.PostgresState;
import java.util.ArrayList;
import java.util.List;

/**
 * What a new PostgreSQL observation means, as events: started, stopped, crashed (the postmaster died without
 * being asked to stop), promoted (recovery ended while running) and demoted (a server that last ran as a
 * primary runs again in recovery: Vigil demotes by stopping and starting as a replica). Pure: the
 * {@link PostgresSupervisorVerticle} emits what it returns.
 */
final class PostgresChanges {
  private PostgresChanges() {}

  /**
   * @param before the previous observation, null when there is none (the first one is a baseline)
   * @param lastRunning the last observation in which PostgreSQL was running, null when none
   */
  static List<NewEvent> between(PostgresState before, PostgresState lastRunning, PostgresState after) {
    List<NewEvent> events = new ArrayList<>();
    if (before == null || after == null) {
      return events;
    }
    if (before.running() && !after.running()) {
      boolean crashed = "crashed".equals(after.state());
      events.add(NewEvent.of(crashed ? EventType.POSTGRES_CRASHED : EventType.POSTGRES_STOPPED,
          "state", after.state()));
      return events;
    }
    if (!before.running() && after.running()) {
      events.add(NewEvent.of(EventType.POSTGRES_STARTED, "role", role(after), "timeline", after.timeline()));
      if (lastRunning != null && lastRunning.isPrimary() && after.inRecovery()) {
        events.add(NewEvent.of(EventType.POSTGRES_DEMOTED, "timeline", after.timeline()));
      }
      return events;
    }
    if (before.running() && after.running()) {
      if (before.inRecovery() && !after.inRecovery()) {
        events.add(NewEvent.of(EventType.POSTGRES_PROMOTED, "timeline", after.timeline()));
      } else if (!before.inRecovery() && after.inRecovery()) {
        events.add(NewEvent.of(EventType.POSTGRES_DEMOTED, "timeline", after.timeline()));
      }
    }
    return events;
  }

  private static String role(PostgresState s) {
    if (s.role() != null) {
      return s.role().patroniName();
    }
    return s.inRecovery() ? "replica" : "primary";
  }
}
