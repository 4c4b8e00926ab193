package io.vigil.watchdog;

import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Patroni's {@code Watchdog} facade (patroni/watchdog/base.py): arms the device with the timeout ttl −
 * safety_margin when the node leads, feeds it, disarms it with the magic close, and applies configuration changes
 * (a new timeout waits for the next keepalive, so that it matches a leader-key write). When activation fails the
 * device is replaced by the null device, and activation is only tried again after a configuration change, as in
 * Patroni. Thread-safe: the HA loop arms and disarms it, the {@link WatchdogVerticle} feeds it.
 *
 * <p>Two places close the device where Patroni leaves it open (an armed device that nobody feeds resets the
 * machine): when setting or reading the timeout fails after the open, and when mode {@code required} refuses a
 * device whose timeout cannot be made safe.
 */
public final class Watchdog {
  private static final Logger LOG = LoggerFactory.getLogger(Watchdog.class);

  private final Function<WatchdogConfig, WatchdogDevice> devices;
  private WatchdogConfig config;
  private WatchdogConfig activeConfig;
  private WatchdogDevice impl;
  /** Patroni's {@code active}: asked to run (between activate and disable), whether or not a device runs. */
  private boolean active;
  private boolean lastActivationFailed;
  private Integer actualTimeout;
  private Consumer<WatchdogState> listener = s -> { };
  private WatchdogState lastState;

  /**
   * @param devices makes the device for a configuration (tests give a recording double)
   */
  public Watchdog(WatchdogConfig config, Function<WatchdogConfig, WatchdogDevice> devices) {
    this.devices = devices;
    this.config = config;
    this.activeConfig = config;
    this.impl = config.mode() == WatchdogMode.OFF ? WatchdogDevice.NULL : devices.apply(config);
    this.lastState = state("start");
  }

  /** The watchdog of a running agent: the Linux device, Patroni's testing harness, or none. */
  public static Watchdog create(WatchdogConfig config) {
    boolean linux = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux");
    return new Watchdog(config, c -> c.device(linux));
  }

  /** A watchdog with mode off: never touches a device (tests, embedders without one). */
  public static Watchdog off() {
    return new Watchdog(new WatchdogConfig(WatchdogMode.OFF, LinuxWatchdogDevice.DEFAULT_DEVICE, 5, "default", 30,
        10), c -> WatchdogDevice.NULL);
  }

  /** Receives every change of {@link #state}; replaces the previous listener. */
  public synchronized void onChange(Consumer<WatchdogState> listener) {
    this.listener = Objects.requireNonNull(listener);
  }

  /**
   * Why the agent may not start, as Patroni exits: mode required on a platform without a watchdog driver; null
   * when it may.
   */
  public synchronized String startupRefusal() {
    if (config.mode() == WatchdogMode.REQUIRED && impl.isNull()) {
      return "Configuration requires a watchdog, but watchdog is not supported on this platform.";
    }
    return null;
  }

  /** A new local section or new ttl / loop_wait. */
  public synchronized void reloadConfig(WatchdogConfig fresh) {
    config = fresh;
    if (config.mode() == WatchdogMode.OFF) {
      // turning the watchdog off can always be done at once
      if (active) {
        closeDevice();
      }
      activeConfig = config;
      impl = WatchdogDevice.NULL;
    }
    // while inactive, apply now to show warnings early; while active, wait for the next keepalive so that the
    // timeout changes together with a leader-key write
    if (!active) {
      if (!config.sameDevice(activeConfig)) {
        impl = devices.apply(config);
      }
      activeConfig = config;
    }
    changed("configuration changed");
  }

  /**
   * Arms the device with a safe timeout; while active it must be fed at least every loop_wait.
   *
   * @return false when mode is required and no safe watchdog could be armed
   */
  public synchronized boolean activate() {
    active = true;
    boolean ok = doActivate();
    lastActivationFailed = !ok;
    changed(ok ? (impl.isRunning() ? "activated" : "no watchdog device") : "could not be activated");
    return ok;
  }

  private boolean doActivate() {
    activeConfig = config;
    if (config.timingSlack() < 0) {
      LOG.warn("Watchdog not supported because leader TTL {} is less than 2x loop_wait {}", config.ttl(),
          config.loopWait());
      impl = WatchdogDevice.NULL;
    }
    Integer actual = null;
    try {
      impl.open();
      actual = setTimeout();
    } catch (WatchdogException e) {
      LOG.warn("Could not activate {}: {}", impl.describe(), e.getMessage());
      closeQuietly();
      impl = WatchdogDevice.NULL;
    }
    actualTimeout = impl.isRunning() ? actual : null;
    if (impl.isRunning() && !canBeDisabled()) {
      LOG.warn("Watchdog implementation can't be disabled. Watchdog will trigger after Patroni loses leader key.");
    }
    if (!impl.isRunning() || actual == null || actual > config.timeout()) {
      if (config.mode() == WatchdogMode.REQUIRED) {
        if (impl.isNull()) {
          LOG.error("Configuration requires watchdog, but watchdog could not be configured.");
        } else {
          LOG.error("Configuration requires watchdog, but a safe watchdog timeout {} could not be configured. "
              + "Watchdog timeout is {}.", config.timeout(), actual);
          closeDevice();
        }
        actualTimeout = null;
        return false;
      } else if (!impl.isNull()) {
        LOG.warn("Watchdog timeout {} seconds does not ensure safe termination within {} seconds", actual,
            config.timeout());
      }
    }
    if (impl.isRunning()) {
      LOG.info("{} activated with {} second timeout, timing slack {} seconds", impl.describe(), actual,
          config.timingSlack());
    } else if (config.mode() == WatchdogMode.REQUIRED) {
      LOG.error("Configuration requires watchdog, but watchdog could not be activated");
      return false;
    }
    return true;
  }

  /** Sets the timeout when the device can, reads back the one in effect; null when it was closed as unsafe. */
  private Integer setTimeout() throws WatchdogException {
    if (impl.hasSetTimeout()) {
      impl.setTimeout(config.timeout());
    }
    // devices without a settable timeout: check what they run with
    int actual = impl.timeout();
    if (impl.isRunning() && actual < config.loopWait()) {
      LOG.error("loop_wait of {} seconds is too long for watchdog {} second timeout", config.loopWait(), actual);
      if (impl.canBeDisabled()) {
        LOG.info("Disabling watchdog due to unsafe timeout.");
        impl.close();
        impl = WatchdogDevice.NULL;
        return null;
      }
    }
    return actual;
  }

  /** Disarms the device (magic close); a device that cannot be disarmed gets one last keepalive. */
  public synchronized void disable() {
    boolean wasRunning = impl.isRunning();
    closeDevice();
    active = false;
    if (wasRunning) {
      changed("disabled");
    }
  }

  private void closeDevice() {
    try {
      if (impl.isRunning() && !impl.canBeDisabled()) {
        // give the administrator some extra time to clean up
        impl.keepalive();
        LOG.warn("Watchdog implementation can't be disabled. System will reboot after {} seconds when watchdog "
            + "times out.", impl.timeout());
      }
      impl.close();
    } catch (WatchdogException e) {
      LOG.error("Error while disabling watchdog: {}", e.getMessage());
    }
    actualTimeout = null;
  }

  private void closeQuietly() {
    try {
      impl.close();
    } catch (WatchdogException e) {
      LOG.error("Error while disabling watchdog: {}", e.getMessage());
    }
  }

  private boolean canBeDisabled() {
    try {
      return impl.canBeDisabled();
    } catch (WatchdogException e) {
      return false;
    }
  }

  /**
   * Feeds the device (only while active) and applies a pending configuration change. Called only after an HA
   * cycle that confirmed the leader key.
   */
  public synchronized void keepalive() {
    try {
      if (active) {
        impl.keepalive();
      }
      if (active && !config.equals(activeConfig)) {
        if (config.mode() != WatchdogMode.OFF && activeConfig.mode() == WatchdogMode.OFF) {
          impl = devices.apply(config);
          doActivate();
        }
        if (!config.sameDevice(activeConfig)) {
          closeDevice();
          impl = devices.apply(config);
          doActivate();
        }
        if (config.timeout() != activeConfig.timeout() && impl.isRunning()) {
          impl.setTimeout(config.timeout());
          actualTimeout = impl.timeout();
        }
        activeConfig = config;
        changed("configuration applied");
      }
    } catch (WatchdogException e) {
      LOG.error("Error while sending keepalive: {}", e.getMessage());
    }
  }

  /** A device is armed. */
  public synchronized boolean isRunning() {
    return impl.isRunning();
  }

  /**
   * Patroni's {@code is_healthy}: false only in mode required when the timing cannot work or the device cannot be
   * opened; {@code GET /patroni} then shows {@code watchdog_failed} and the node does not race for the key.
   */
  public synchronized boolean isHealthy() {
    if (config.mode() != WatchdogMode.REQUIRED) {
      return true;
    }
    return config.timingSlack() >= 0 && impl.isHealthy();
  }

  public synchronized WatchdogConfig config() {
    return config;
  }

  /** The current state, as events show it. */
  public synchronized WatchdogState state() {
    return state(lastState == null ? "start" : lastState.reason());
  }

  private WatchdogState state(String reason) {
    String s = impl.isRunning() ? "active" : lastActivationFailed ? "failed" : "disabled";
    return new WatchdogState(s, impl.isRunning() ? actualTimeout : null, impl.describe(), reason);
  }

  private void changed(String reason) {
    WatchdogState now = state(reason);
    if (lastState == null || !now.state().equals(lastState.state())
        || !Objects.equals(now.timeout(), lastState.timeout())) {
      lastState = now;
      listener.accept(now);
    }
  }
}
