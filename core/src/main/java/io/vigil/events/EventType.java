package io.vigil.events;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every kind of event a tap can see, with the name it has on the wire ({@code type} in the JSON, the SSE
 * {@code event:} field, the {@code ?types=} filter). The list and each type's {@code data} fields are documented
 * in docs/events.md; adding a type is compatible, renaming or removing one needs a new
 * {@link VigilEvent#SCHEMA_VERSION}.
 */
public enum EventType {
  /** An HA cycle finished: {@code message}, {@code role}, {@code timeline}. */
  HA_CYCLE,
  /** This node's role changed: {@code old}, {@code new}, {@code timeline}, {@code reason}. */
  ROLE_CHANGED,
  /** The cluster's leader changed: {@code old}, {@code new} (null when the key is gone). */
  LEADER_CHANGED,
  /** A member key appeared: {@code name}, {@code role}, {@code state}. */
  MEMBER_JOINED,
  /** A member key disappeared: {@code name}. */
  MEMBER_LEFT,
  /** A member's role or state changed: {@code name}, {@code role}, {@code state}, {@code old_role}, {@code old_state}. */
  MEMBER_CHANGED,
  SWITCHOVER_SCHEDULED,
  SWITCHOVER_STARTED,
  SWITCHOVER_FINISHED,
  SWITCHOVER_FAILED,
  FAILOVER_SCHEDULED,
  FAILOVER_STARTED,
  FAILOVER_FINISHED,
  FAILOVER_FAILED,
  POSTGRES_STARTED,
  POSTGRES_STOPPED,
  POSTGRES_CRASHED,
  POSTGRES_PROMOTED,
  POSTGRES_DEMOTED,
  /** A long action started: {@code action} (bootstrap, clone, rewind, restart, ...). */
  ACTION_STARTED,
  /** A long action reported progress: {@code action}, {@code phase}, {@code percent} (-1 when unknown). */
  ACTION_PROGRESS,
  /** A long action ended: {@code action}, {@code ok}, {@code error} (the failure's message, null when ok). */
  ACTION_FINISHED,
  DCS_REACHABLE,
  DCS_UNREACHABLE,
  FAILSAFE_ENTERED,
  FAILSAFE_LEFT,
  /** The dynamic configuration changed: {@code version}. */
  CONFIG_CHANGED,
  PAUSED,
  RESUMED,
  /** A script or plugin callback started: {@code callback}, {@code action}, {@code command}. */
  CALLBACK_STARTED,
  /** A callback ended: {@code callback}, {@code action}, {@code exit_code}, {@code duration_ms}, {@code killed}. */
  CALLBACK_FINISHED,
  /** The watchdog changed state: {@code state} (active, disabled, failed), {@code timeout}, {@code reason}. */
  WATCHDOG_CHANGED,
  /** The {@code sync} key changed: {@code leader}, {@code sync_standbys}, {@code quorum} (all null when deleted). */
  SYNC_CHANGED,
  /** The {@code failsafe} key's members changed: {@code members} (names, empty when the key is gone). */
  FAILSAFE_CHANGED;

  private static final Map<String, EventType> BY_WIRE_NAME = Arrays.stream(values())
      .collect(Collectors.toUnmodifiableMap(EventType::wireName, Function.identity()));

  /** The lower-case name used in JSON, SSE and filters, for example {@code role_changed}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The type with this wire name, empty when there is none (a filter naming it is a bad request). */
  public static Optional<EventType> fromWireName(String wireName) {
    return Optional.ofNullable(BY_WIRE_NAME.get(wireName));
  }
}
