package io.vigil.ha;

/**
 * Where this node stands on timeline divergence (Patroni's {@code REWIND_STATUS}, docs/ha-rules.md §2.7). Kept in
 * {@link HaMemory}; the diverged-LSN check itself needs a connection to the leader, so the loop runs it when
 * the state is {@link #CHECK} and hands the verdict in as {@link LocalState#divergence()}.
 */
public enum RewindState {
  INITIAL, CHECK, NEED, NOT_NEED, SUCCESS, FAILED;

  /** A rewind or reinitialize may still be required before this node can follow anyone. */
  public boolean pending() {
    return this == CHECK || this == NEED || this == FAILED;
  }
}
