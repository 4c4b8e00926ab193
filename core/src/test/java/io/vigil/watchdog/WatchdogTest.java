package io.vigil.watchdog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The facade's rules, as patroni/watchdog/base.py has them, on the recording device. */
class WatchdogTest {
  private final RecordingWatchdogDevice device = new RecordingWatchdogDevice();
  private final List<WatchdogState> changes = new ArrayList<>();

  private Watchdog watchdog(WatchdogMode mode, int ttl, int loopWait, int safetyMargin) {
    Watchdog w = new Watchdog(new WatchdogConfig(mode, "/dev/watchdog", safetyMargin, "default", ttl, loopWait),
        c -> device);
    w.onChange(changes::add);
    return w;
  }

  @Test
  void armsTheDeviceWithTtlMinusSafetyMargin() {
    Watchdog w = watchdog(WatchdogMode.REQUIRED, 30, 10, 5);
    assertTrue(w.activate());
    assertEquals(List.of("open", "timeout=25"), device.calls());
    assertTrue(w.isRunning());
    assertTrue(w.isHealthy());
    assertEquals(new WatchdogState("active", 25, "recording watchdog", "activated"), changes.get(0));
  }

  @Test
  void safetyMarginMinusOneMeansHalfTheTtl() {
    assertTrue(watchdog(WatchdogMode.AUTOMATIC, 30, 10, -1).activate());
    assertEquals(List.of("open", "timeout=15"), device.calls());
  }

  @Test
  void keepaliveFeedsOnlyWhileActiveAndDisableIsTheMagicClose() {
    Watchdog w = watchdog(WatchdogMode.AUTOMATIC, 30, 10, 5);
    w.keepalive();
    assertEquals(List.of(), device.calls(), "not activated: nothing to feed");
    w.activate();
    w.keepalive();
    w.keepalive();
    w.disable();
    w.keepalive();
    assertEquals(List.of("open", "timeout=25", "keepalive", "keepalive", "magic-close"), device.calls());
    assertFalse(w.isRunning());
    assertEquals("disabled", changes.get(changes.size() - 1).state());
  }

  @Test
  void aDeviceThatCannotBeDisabledGetsOneLastKeepalive() {
    device.magicClose = false;
    Watchdog w = watchdog(WatchdogMode.AUTOMATIC, 30, 10, 5);
    w.activate();
    w.disable();
    assertEquals(List.of("open", "timeout=25", "keepalive", "close"), device.calls());
  }

  @Test
  void requiredModeRefusesWhenTheDeviceCannotBeOpened() {
    device.openFails = true;
    device.healthy = false;
    Watchdog w = watchdog(WatchdogMode.REQUIRED, 30, 10, 5);
    assertFalse(w.isHealthy(), "GET /patroni shows watchdog_failed, the node does not race");
    assertFalse(w.activate());
    assertFalse(w.isRunning());
    assertEquals("failed", w.state().state());
    assertFalse(w.activate(), "the null device left after a failure is refused as well");
  }

  @Test
  void automaticModeRunsWithoutADevice() {
    device.openFails = true;
    Watchdog w = watchdog(WatchdogMode.AUTOMATIC, 30, 10, 5);
    assertTrue(w.isHealthy());
    assertTrue(w.activate());
    assertFalse(w.isRunning());
    assertEquals("disabled", w.state().state());
  }

  @Test
  void negativeTimingSlackDisablesTheWatchdog() {
    // ttl 20 - safety_margin 15 = 5 s, shorter than loop_wait 10: the device would fire between two cycles
    Watchdog required = watchdog(WatchdogMode.REQUIRED, 20, 10, 15);
    assertFalse(required.isHealthy());
    assertFalse(required.activate());
    assertEquals(List.of(), device.calls(), "the device is never opened");
    Watchdog automatic = watchdog(WatchdogMode.AUTOMATIC, 20, 10, 15);
    assertTrue(automatic.isHealthy());
    assertTrue(automatic.activate());
    assertFalse(automatic.isRunning());
  }

  @Test
  void aFixedTimeoutLongerThanTheSafeOneIsRefusedInRequiredModeAndClosed() {
    device.settable = false;
    device.fixedTimeout = 60;
    Watchdog w = watchdog(WatchdogMode.REQUIRED, 30, 10, 5);
    assertFalse(w.activate());
    assertEquals(List.of("open", "magic-close"), device.calls());
    assertFalse(w.isRunning());
  }

  @Test
  void aFixedTimeoutLongerThanTheSafeOneIsUsedInAutomaticMode() {
    device.settable = false;
    device.fixedTimeout = 60;
    Watchdog w = watchdog(WatchdogMode.AUTOMATIC, 30, 10, 5);
    assertTrue(w.activate());
    assertTrue(w.isRunning());
    assertEquals(60, w.state().timeout());
  }

  @Test
  void aFixedTimeoutShorterThanLoopWaitIsClosed() {
    device.settable = false;
    device.fixedTimeout = 5;
    Watchdog w = watchdog(WatchdogMode.REQUIRED, 30, 10, 5);
    assertFalse(w.activate());
    assertEquals(List.of("open", "magic-close"), device.calls());
  }

  @Test
  void aNewTtlIsAppliedWithTheNextKeepalive() {
    Watchdog w = watchdog(WatchdogMode.REQUIRED, 30, 10, 5);
    w.activate();
    w.reloadConfig(new WatchdogConfig(WatchdogMode.REQUIRED, "/dev/watchdog", 5, "default", 40, 10));
    assertEquals(List.of("open", "timeout=25"), device.calls(), "not before a leader-key write");
    w.keepalive();
    w.keepalive();
    assertEquals(List.of("open", "timeout=25", "keepalive", "timeout=35", "keepalive"), device.calls());
    assertEquals(35, w.state().timeout());
  }

  @Test
  void modeOffNeverTouchesTheDeviceAndTurningItOffDisarms() {
    Watchdog off = watchdog(WatchdogMode.OFF, 30, 10, 5);
    assertTrue(off.activate());
    off.keepalive();
    assertEquals(List.of(), device.calls());

    Watchdog w = watchdog(WatchdogMode.AUTOMATIC, 30, 10, 5);
    w.activate();
    w.reloadConfig(new WatchdogConfig(WatchdogMode.OFF, "/dev/watchdog", 5, "default", 30, 10));
    assertEquals(List.of("open", "timeout=25", "magic-close"), device.calls());
    assertFalse(w.isRunning());
  }

  @Test
  void requiredModeWithoutAPlatformDriverRefusesToStart() {
    Watchdog w = new Watchdog(new WatchdogConfig(WatchdogMode.REQUIRED, "/dev/watchdog", 5, "default", 30, 10),
        c -> WatchdogDevice.NULL);
    assertNotNull(w.startupRefusal());
    assertNull(watchdog(WatchdogMode.REQUIRED, 30, 10, 5).startupRefusal());
    assertNull(new Watchdog(new WatchdogConfig(WatchdogMode.AUTOMATIC, "/dev/watchdog", 5, "default", 30, 10),
        c -> WatchdogDevice.NULL).startupRefusal());
  }

  @Test
  void configTimeoutAndSlack() {
    WatchdogConfig c = new WatchdogConfig(WatchdogMode.AUTOMATIC, "/dev/watchdog", 5, "default", 30, 10);
    assertEquals(25, c.timeout());
    assertEquals(15, c.timingSlack());
    assertEquals(15, new WatchdogConfig(WatchdogMode.AUTOMATIC, "/dev/watchdog", -1, "default", 30, 10).timeout());
    assertTrue(c.device(true) instanceof LinuxWatchdogDevice);
    assertTrue(c.device(false).isNull());
    assertTrue(new WatchdogConfig(WatchdogMode.AUTOMATIC, "/x", 5, "testing", 30, 10).device(false)
        instanceof TestingWatchdogDevice);
  }
}
