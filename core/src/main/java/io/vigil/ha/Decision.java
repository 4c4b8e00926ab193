package io.vigil.ha;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of one {@link HaEngine#decide} call.
 *
 * @param actions what to do, in order; the runner stops at the first failure (see {@link Action})
 * @param message the cycle's log line and REST state, worded as Patroni words it; the loop logs it at INFO,
 *     prefixed with {@code "PAUSE: "} while paused
 * @param memory the facts to pass to the next cycle
 * @param wakeInMillis run the next cycle after at most this long (race backoff, a switchover due soon); null
 *     = the usual loop_wait
 */
public record Decision(List<Action> actions, String message, HaMemory memory, Long wakeInMillis) {
  public Decision {
    actions = List.copyOf(actions);
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(memory, "memory");
  }

  public boolean contains(Class<? extends Action> kind) {
    return actions.stream().anyMatch(kind::isInstance);
  }

  public <A extends Action> java.util.Optional<A> first(Class<A> kind) {
    return actions.stream().filter(kind::isInstance).map(kind::cast).findFirst();
  }
}
