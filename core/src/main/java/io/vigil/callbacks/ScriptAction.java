package io.vigil.callbacks;

/**
 * The asynchronous script callbacks of {@code postgresql.callbacks}, with the action name Patroni passes as the
 * script's first argument (patroni/postgresql/callback_executor.py, {@code CallbackAction}).
 */
public enum ScriptAction {
  ON_START("on_start"),
  ON_STOP("on_stop"),
  ON_RESTART("on_restart"),
  ON_RELOAD("on_reload"),
  ON_ROLE_CHANGE("on_role_change");

  private final String patroniName;

  ScriptAction(String patroniName) {
    this.patroniName = patroniName;
  }

  /** The configuration key and the script's first argument, e.g. {@code on_role_change}. */
  public String patroniName() {
    return patroniName;
  }
}
