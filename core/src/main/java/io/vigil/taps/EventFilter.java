package io.vigil.taps;

import io.vigil.events.EventType;
import io.vigil.events.VigilEvent;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Set;

/**
 * Which event types a tap wants ({@code ?types=a,b}, {@code vigilctl events --types}); empty means all.
 *
 * @param types the wanted types; empty for every type
 */
public record EventFilter(Set<EventType> types) {
  public static final EventFilter ALL = new EventFilter(Set.of());

  public EventFilter {
    types = types.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(types));
  }

  /** A bad filter: names the first wire name that is no event type. */
  public static final class UnknownTypeException extends IllegalArgumentException {
    private final String unknown;

    UnknownTypeException(String unknown) {
      super("unknown event type '" + unknown + "'");
      this.unknown = unknown;
    }

    public String unknown() {
      return unknown;
    }
  }

  /**
   * Parses comma-separated wire names (blank entries are ignored); every value of a repeated parameter counts.
   *
   * @throws UnknownTypeException naming the first name that is not an {@link EventType} wire name
   */
  public static EventFilter parse(Collection<String> values) {
    if (values == null || values.isEmpty()) {
      return ALL;
    }
    Set<EventType> wanted = EnumSet.noneOf(EventType.class);
    for (String value : values) {
      for (String name : value.split(",")) {
        String trimmed = name.trim();
        if (trimmed.isEmpty()) {
          continue;
        }
        wanted.add(EventType.fromWireName(trimmed).orElseThrow(() -> new UnknownTypeException(trimmed)));
      }
    }
    return new EventFilter(wanted);
  }

  public boolean matches(VigilEvent event) {
    return types.isEmpty() || types.contains(event.type());
  }
}
