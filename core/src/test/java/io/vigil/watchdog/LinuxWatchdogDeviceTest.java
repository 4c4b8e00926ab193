package io.vigil.watchdog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real device code through JNA, without a kernel watchdog: request numbers as linux/watchdog.h defines them,
 * open(2) and ioctl(2) errors on paths that are not watchdogs, and Patroni's testing driver on a real FIFO.
 */
class LinuxWatchdogDeviceTest {
  @TempDir
  Path dir;

  @Test
  void ioctlRequestNumbersMatchLinuxWatchdogH() {
    String arch = System.getProperty("os.arch");
    if (arch.startsWith("ppc") || arch.startsWith("mips") || arch.startsWith("sparc")) {
      return; // other layout; the values below are the asm-generic ones
    }
    assertEquals(0x80285700L, LinuxWatchdogDevice.WDIOC_GETSUPPORT);
    assertEquals(0xC0045706L, LinuxWatchdogDevice.WDIOC_SETTIMEOUT);
    assertEquals(0x80045707L, LinuxWatchdogDevice.WDIOC_GETTIMEOUT);
  }

  @Test
  void aMissingDeviceCannotBeOpened() {
    LinuxWatchdogDevice d = new LinuxWatchdogDevice(dir.resolve("watchdog").toString());
    assertFalse(d.isHealthy());
    WatchdogException e = assertThrows(WatchdogException.class, d::open);
    assertTrue(e.getMessage().startsWith("Can't open watchdog device: [Errno 2]"), e.getMessage());
    assertFalse(d.isRunning());
  }

  @Test
  void aFileThatIsNoWatchdogFailsTheIoctlAndRequiredModeRefusesIt() throws Exception {
    Path file = Files.createFile(dir.resolve("not-a-watchdog"));
    LinuxWatchdogDevice d = new LinuxWatchdogDevice(file.toString());
    assertTrue(d.isHealthy(), "exists and is writable, as Patroni checks");
    Watchdog w = new Watchdog(new WatchdogConfig(WatchdogMode.REQUIRED, file.toString(), 5, "default", 30, 10),
        c -> d);
    assertFalse(w.activate(), "WDIOC_GETSUPPORT fails with ENOTTY on a regular file");
    assertFalse(d.isRunning());
    assertEquals("V", Files.readString(file), "the opened file was closed with the magic character");
  }

  @Test
  void testingDriverWritesPatronisProtocolToAFifo() throws Exception {
    Path fifo = dir.resolve("watchdog.fifo");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
    try (RandomAccessFile harness = new RandomAccessFile(fifo.toFile(), "rw")) {
      Watchdog w = new Watchdog(new WatchdogConfig(WatchdogMode.REQUIRED, fifo.toString(), 5, "testing", 30, 10),
          c -> c.device(true));
      assertTrue(w.activate());
      assertTrue(w.isRunning());
      assertEquals(25, w.state().timeout());
      w.keepalive();
      w.keepalive();
      w.disable();
      byte[] seen = new byte[15];
      harness.readFully(seen);
      assertEquals("Ctimeout=25\n11V", new String(seen, StandardCharsets.UTF_8));
      assertFalse(w.isRunning());
    }
  }

  @Test
  void testingDriverWithoutAHarnessFailsInsteadOfHanging() throws Exception {
    Path fifo = dir.resolve("watchdog.fifo");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
    Watchdog w = new Watchdog(new WatchdogConfig(WatchdogMode.REQUIRED, fifo.toString(), 5, "testing", 30, 10),
        c -> c.device(true));
    assertFalse(w.activate(), "open(O_WRONLY|O_NONBLOCK) of a FIFO without a reader: ENXIO");
  }
}
