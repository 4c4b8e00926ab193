package io.vigil.watchdog;

/** A watchdog device could not be opened, configured, fed or closed (Patroni's {@code WatchdogError}). */
public final class WatchdogException extends Exception {
  public WatchdogException(String message) {
    super(message);
  }

  public WatchdogException(String message, Throwable cause) {
    super(message, cause);
  }
}
