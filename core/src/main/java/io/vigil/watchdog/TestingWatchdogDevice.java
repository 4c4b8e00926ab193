package io.vigil.watchdog;

import java.nio.charset.StandardCharsets;

/**
 * Patroni's {@code driver: testing} (TestingWatchdogDevice in patroni/watchdog/linux.py): a Linux device whose
 * timeout ioctls become plain writes, so that a test harness reading a named pipe (FIFO) at {@code device} sees
 * everything: {@code Ctimeout=N\n} when the timeout is set, {@code 1} for each keepalive, {@code V} for the magic
 * close. For tests only: it stops nothing by itself; the harness plays the hardware. Unlike Patroni's, it opens
 * the pipe non-blocking, so that a missing reader fails the activation instead of hanging the HA loop.
 */
public final class TestingWatchdogDevice extends LinuxWatchdogDevice {
  private int timeout = 60;

  public TestingWatchdogDevice(String device) {
    super(device);
  }

  @Override
  protected int openFlags() {
    return O_WRONLY | O_NONBLOCK;
  }

  @Override
  Support support() {
    return new Support(WDIOF_MAGICCLOSE | WDIOF_SETTIMEOUT, 0, "Watchdog test harness");
  }

  @Override
  public void setTimeout(int seconds) throws WatchdogException {
    try {
      write(("Ctimeout=" + seconds + "\n").getBytes(StandardCharsets.UTF_8));
    } catch (com.sun.jna.LastErrorException e) {
      throw new WatchdogException("Could not set timeout on watchdog device: " + e.getMessage(), e);
    }
    timeout = seconds;
  }

  @Override
  public int timeout() {
    return timeout;
  }
}
