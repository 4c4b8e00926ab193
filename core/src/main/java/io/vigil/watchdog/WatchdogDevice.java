package io.vigil.watchdog;

/**
 * A watchdog device (Patroni's {@code WatchdogBase}): once opened it must be fed within its timeout, or it stops
 * the machine (a hardware or kernel watchdog) or, in tests, the postmaster. Not thread-safe: the {@link Watchdog}
 * facade serializes every call.
 */
public interface WatchdogDevice {
  /** The null device: nothing to open, never running. */
  default boolean isNull() {
    return false;
  }

  /** Opened and able to do its job. */
  boolean isRunning();

  /** False when opening it is known to fail (Patroni: the path exists and is writable). */
  boolean isHealthy();

  /** Closing with the magic character disarms it; some devices keep counting whatever happens. */
  default boolean canBeDisabled() throws WatchdogException {
    return true;
  }

  /** Opens (and so arms) the device. */
  void open() throws WatchdogException;

  /** Disarms the device with the magic close ('V' then close); nothing when not open. */
  void close() throws WatchdogException;

  /** Resets the device's timer. */
  void keepalive() throws WatchdogException;

  /** The timeout in effect, in seconds. */
  int timeout() throws WatchdogException;

  /** Whether {@link #setTimeout} is supported (WDIOF_SETTIMEOUT). */
  default boolean hasSetTimeout() throws WatchdogException {
    return false;
  }

  /** Sets the timeout, in seconds. */
  default void setTimeout(int seconds) throws WatchdogException {
    throw new WatchdogException("Setting timeout is not supported on " + describe());
  }

  /** Human-readable name for the log. */
  String describe();

  /** Patroni's {@code NullWatchdog}: used when the mode is off, the platform has none, or activation failed. */
  WatchdogDevice NULL = new WatchdogDevice() {
    @Override
    public boolean isNull() {
      return true;
    }

    @Override
    public boolean isRunning() {
      return false;
    }

    @Override
    public boolean isHealthy() {
      return false;
    }

    @Override
    public void open() {
    }

    @Override
    public void close() {
    }

    @Override
    public void keepalive() {
    }

    @Override
    public int timeout() {
      return 1_000_000_000; // big enough not to matter, as Patroni's
    }

    @Override
    public String describe() {
      return "NullWatchdog";
    }
  };
}
