package io.vigil.async;

/** The long action stopped because {@link AsyncExecutor#cancel()} was called (reinitialize with force). */
public final class ActionCancelledException extends RuntimeException {
  public ActionCancelledException(String action) {
    super("action '" + action + "' was cancelled");
  }
}
