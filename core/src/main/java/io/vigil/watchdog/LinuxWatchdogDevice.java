package io.vigil.watchdog;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A Linux watchdog character device ({@code /dev/watchdog}, softdog or hardware) driven as Patroni's
 * {@code LinuxWatchdogDevice} (patroni/watchdog/linux.py) drives it: opened write-only (which arms it), fed by
 * writing '1', given its timeout with the {@code WDIOC_SETTIMEOUT} ioctl and read back with
 * {@code WDIOC_GETTIMEOUT}, asked what it supports with {@code WDIOC_GETSUPPORT}, disarmed by writing the magic
 * character 'V' before closing. The C library is reached through JNA.
 */
public class LinuxWatchdogDevice implements WatchdogDevice {
  public static final String DEFAULT_DEVICE = "/dev/watchdog";

  // linux/watchdog.h: struct watchdog_info { __u32 options; __u32 firmware_version; __u8 identity[32]; }
  static final int WATCHDOG_INFO_SIZE = 40;
  static final int WDIOF_SETTIMEOUT = 0x0080;
  static final int WDIOF_MAGICCLOSE = 0x0100;

  static final long WDIOC_GETSUPPORT = Ioctl.ior('W', 0, WATCHDOG_INFO_SIZE);
  static final long WDIOC_SETTIMEOUT = Ioctl.iowr('W', 6, Integer.BYTES);
  static final long WDIOC_GETTIMEOUT = Ioctl.ior('W', 7, Integer.BYTES);

  static final int O_WRONLY = 1;
  static final int O_NONBLOCK = 04000;

  /** The part of the C library used here; errno becomes a {@link LastErrorException}. */
  interface LibC extends Library {
    int open(String path, int flags) throws LastErrorException;

    int write(int fd, byte[] buffer, NativeLong count) throws LastErrorException;

    int close(int fd) throws LastErrorException;

    int ioctl(int fd, NativeLong request, Pointer argument) throws LastErrorException;
  }

  /** Loaded on first use: a node with {@code watchdog.mode: off} never needs the native library. */
  private static final class LibCHolder {
    static final LibC C = com.sun.jna.Native.load("c", LibC.class);
  }

  protected final String device;
  private int fd = -1;
  private Support support;

  /** What {@code WDIOC_GETSUPPORT} answered. */
  record Support(int options, int firmwareVersion, String identity) {
    boolean setTimeout() {
      return (options & WDIOF_SETTIMEOUT) != 0;
    }

    boolean magicClose() {
      return (options & WDIOF_MAGICCLOSE) != 0;
    }
  }

  public LinuxWatchdogDevice(String device) {
    this.device = device == null ? DEFAULT_DEVICE : device;
  }

  @Override
  public boolean isRunning() {
    return fd >= 0;
  }

  @Override
  public boolean isHealthy() {
    Path p = Path.of(device);
    return Files.exists(p) && Files.isWritable(p);
  }

  /** open(2) flags; the test harness adds O_NONBLOCK so that a FIFO without a reader fails instead of hanging. */
  protected int openFlags() {
    return O_WRONLY;
  }

  @Override
  public void open() throws WatchdogException {
    try {
      fd = LibCHolder.C.open(device, openFlags());
    } catch (LastErrorException | UnsatisfiedLinkError e) {
      throw new WatchdogException("Can't open watchdog device: " + errorText(e) + ": '" + device + "'", e);
    }
  }

  @Override
  public void close() throws WatchdogException {
    if (!isRunning()) {
      return;
    }
    try {
      write(new byte[] {'V'});
      LibCHolder.C.close(fd);
      fd = -1;
    } catch (LastErrorException e) {
      throw new WatchdogException("Error while closing " + describe() + ": " + errorText(e), e);
    }
  }

  @Override
  public boolean canBeDisabled() throws WatchdogException {
    return support().magicClose();
  }

  @Override
  public void keepalive() throws WatchdogException {
    try {
      write(new byte[] {'1'});
    } catch (LastErrorException e) {
      throw new WatchdogException("Could not send watchdog keepalive: " + errorText(e), e);
    }
  }

  @Override
  public boolean hasSetTimeout() throws WatchdogException {
    return support().setTimeout();
  }

  @Override
  public void setTimeout(int seconds) throws WatchdogException {
    checkTimeout(seconds);
    try (Memory arg = new Memory(Integer.BYTES)) {
      arg.setInt(0, seconds);
      ioctl(WDIOC_SETTIMEOUT, arg);
    } catch (LastErrorException e) {
      throw new WatchdogException("Could not set timeout on watchdog device: " + errorText(e), e);
    }
  }

  @Override
  public int timeout() throws WatchdogException {
    try (Memory arg = new Memory(Integer.BYTES)) {
      arg.setInt(0, 0);
      ioctl(WDIOC_GETTIMEOUT, arg);
      return arg.getInt(0);
    } catch (LastErrorException e) {
      throw new WatchdogException("Could not get timeout on watchdog device: " + errorText(e), e);
    }
  }

  /** {@code WDIOC_GETSUPPORT}, asked once per device. */
  Support support() throws WatchdogException {
    if (support == null) {
      try (Memory info = new Memory(WATCHDOG_INFO_SIZE)) {
        info.clear();
        ioctl(WDIOC_GETSUPPORT, info);
        byte[] identity = info.getByteArray(8, 32);
        int end = 0;
        while (end < identity.length && identity[end] != 0) {
          end++;
        }
        support = new Support(info.getInt(0), info.getInt(4), new String(identity, 0, end, StandardCharsets.US_ASCII));
      } catch (LastErrorException e) {
        throw new WatchdogException("Could not get information about watchdog device: " + errorText(e), e);
      }
    }
    return support;
  }

  @Override
  public String describe() {
    String at = DEFAULT_DEVICE.equals(device) ? "" : " at " + device;
    String identity = "Linux watchdog device";
    String version = "";
    if (isRunning()) {
      try {
        Support s = support();
        identity = s.identity();
        version = s.firmwareVersion() != 0 ? " (firmware " + s.firmwareVersion() + ")" : "";
      } catch (WatchdogException e) {
        // keep the generic name
      }
    }
    return identity + version + at;
  }

  static void checkTimeout(int seconds) throws WatchdogException {
    if (seconds <= 0 || seconds >= 0xFFFF) {
      throw new WatchdogException("Invalid timeout " + seconds + ". Supported values are between 1 and 65535");
    }
  }

  protected final void write(byte[] bytes) throws WatchdogException {
    if (!isRunning()) {
      throw new WatchdogException("Watchdog device is closed");
    }
    int done = 0;
    while (done < bytes.length) {
      byte[] rest = done == 0 ? bytes : java.util.Arrays.copyOfRange(bytes, done, bytes.length);
      done += LibCHolder.C.write(fd, rest, new NativeLong(rest.length));
    }
  }

  private void ioctl(long request, Pointer arg) throws WatchdogException {
    if (!isRunning()) {
      throw new WatchdogException("Watchdog device is closed");
    }
    LibCHolder.C.ioctl(fd, new NativeLong(request), arg);
  }

  private static String errorText(Throwable e) {
    if (e instanceof LastErrorException le) {
      String text = String.valueOf(le.getMessage()).replaceFirst("^\\[\\d+\\]\\s*", "");
      return "[Errno " + le.getErrorCode() + "] " + text;
    }
    return e.getMessage();
  }

  /** linux/ioctl.h's request numbers (asm-generic layout; powerpc, mips and sparc use their own, as in Patroni). */
  static final class Ioctl {
    private static final String ARCH = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    private static final boolean OTHER_LAYOUT = ARCH.startsWith("ppc") || ARCH.startsWith("mips")
        || ARCH.startsWith("sparc");
    static final int SIZE_BITS = OTHER_LAYOUT ? 13 : 14;
    static final int WRITE = OTHER_LAYOUT ? 2 : 1;
    static final int READ = OTHER_LAYOUT ? 4 : 2;

    private Ioctl() {}

    static long ior(char type, int nr, int size) {
      return ioc(READ, type, nr, size);
    }

    static long iowr(char type, int nr, int size) {
      return ioc(READ | WRITE, type, nr, size);
    }

    static long ioc(int dir, char type, int nr, int size) {
      int dirShift = 8 + 8 + SIZE_BITS;
      return ((long) dir << dirShift) | ((long) type << 8) | nr | ((long) size << 16);
    }
  }
}
