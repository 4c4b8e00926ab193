package io.vigil.watchdog;

import java.util.ArrayList;
import java.util.List;

/**
 * The test double of a watchdog device: records what the agent did to it ({@code open}, {@code timeout=N},
 * {@code keepalive}, {@code magic-close}) and can be told to fail as real devices do.
 */
final class RecordingWatchdogDevice implements WatchdogDevice {
  final List<String> calls = new ArrayList<>();
  boolean openFails;
  boolean healthy = true;
  boolean settable = true;
  boolean magicClose = true;
  /** The timeout a device without WDIOF_SETTIMEOUT runs with. */
  int fixedTimeout = 60;
  private int timeout = fixedTimeout;
  private boolean open;

  @Override
  public synchronized boolean isRunning() {
    return open;
  }

  @Override
  public boolean isHealthy() {
    return healthy;
  }

  @Override
  public boolean canBeDisabled() {
    return magicClose;
  }

  @Override
  public synchronized void open() throws WatchdogException {
    if (openFails) {
      throw new WatchdogException("Can't open watchdog device: [Errno 2] No such file or directory");
    }
    calls.add("open");
    open = true;
    timeout = fixedTimeout;
  }

  @Override
  public synchronized void close() {
    if (open) {
      calls.add(magicClose ? "magic-close" : "close");
      open = false;
    }
  }

  @Override
  public synchronized void keepalive() throws WatchdogException {
    if (!open) {
      throw new WatchdogException("Watchdog device is closed");
    }
    calls.add("keepalive");
  }

  @Override
  public synchronized int timeout() {
    return timeout;
  }

  @Override
  public boolean hasSetTimeout() {
    return settable;
  }

  @Override
  public synchronized void setTimeout(int seconds) {
    calls.add("timeout=" + seconds);
    timeout = seconds;
  }

  synchronized List<String> calls() {
    return List.copyOf(calls);
  }

  synchronized long keepalives() {
    return calls.stream().filter("keepalive"::equals).count();
  }

  @Override
  public String describe() {
    return "recording watchdog";
  }
}
