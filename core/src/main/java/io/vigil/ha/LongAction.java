package io.vigil.ha;

/**
 * The one long-running action of the async executor (docs/ha-rules.md §2.1 step 7): its name as Patroni logs it
 * ({@code "bootstrap"}, {@code "restarting after failure"}, {@code "promote"}, ...), what kind of work it is,
 * and when it started on the monotonic clock.
 */
public record LongAction(String name, Kind kind, long startedMillis) {

  /** What the action does, for the rules that treat some kinds specially. */
  public enum Kind {
    BOOTSTRAP, POST_BOOTSTRAP, CLONE, PROMOTE, START, RESTART, REWIND, CRASH_RECOVERY, REINITIALIZE, DEMOTE, OTHER;

    /** Actions that build a brand-new data directory: losing the lock does not stop them. */
    public boolean creatingDataDirectory() {
      return this == BOOTSTRAP || this == POST_BOOTSTRAP || this == CLONE || this == REINITIALIZE;
    }
  }

  /** The outcome of a long action that finished since the previous cycle; reported once. */
  public record Completed(LongAction action, boolean succeeded) {}
}
