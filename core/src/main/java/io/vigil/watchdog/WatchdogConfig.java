package io.vigil.watchdog;

import io.vigil.config.WatchdogSettings;

/**
 * A snapshot of what the watchdog depends on (Patroni's {@code WatchdogConfig}): the local {@code watchdog}
 * section and the dynamic ttl and loop_wait.
 *
 * @param safetyMargin seconds between the device firing and the leader key expiring; -1 = half of ttl
 * @param driver {@code default} (the Linux device) or {@code testing} (Patroni's FIFO harness, tests only)
 */
public record WatchdogConfig(WatchdogMode mode, String device, int safetyMargin, String driver, int ttl,
    int loopWait) {

  public static WatchdogConfig of(WatchdogSettings settings, int ttl, int loopWait) {
    if (settings == null) {
      return new WatchdogConfig(WatchdogMode.AUTOMATIC, LinuxWatchdogDevice.DEFAULT_DEVICE, 5, "default", ttl,
          loopWait);
    }
    WatchdogMode mode = WatchdogMode.parse(settings.mode());
    return new WatchdogConfig(mode == null ? WatchdogMode.OFF : mode,
        settings.device() == null ? LinuxWatchdogDevice.DEFAULT_DEVICE : settings.device(),
        settings.safetyMargin(), settings.driver() == null ? "default" : settings.driver(), ttl, loopWait);
  }

  /** The device timeout to ask for: ttl − safety_margin, or ttl / 2 with a margin of -1 (base.py). */
  public int timeout() {
    return safetyMargin == -1 ? ttl / 2 : ttl - safetyMargin;
  }

  /** How much longer than loop_wait a cycle may take before the device fires; negative = unusable. */
  public int timingSlack() {
    return timeout() - loopWait;
  }

  /** The device the driver and platform call for (Patroni's {@code get_impl}). */
  public WatchdogDevice device(boolean linux) {
    if ("testing".equals(driver)) {
      return new TestingWatchdogDevice(device);
    }
    if (linux && "default".equals(driver)) {
      return new LinuxWatchdogDevice(device);
    }
    return WatchdogDevice.NULL;
  }

  /** Same driver and device, so the open device can stay. */
  boolean sameDevice(WatchdogConfig other) {
    return driver.equals(other.driver) && device.equals(other.device);
  }
}
