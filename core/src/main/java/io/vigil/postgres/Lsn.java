package io.vigil.postgres;

/** PostgreSQL LSNs ({@code 0/17414F8}) as the unsigned 64-bit numbers Patroni publishes. */
public final class Lsn {
  private Lsn() {}

  /** @throws IllegalArgumentException for text that is not {@code X/Y} in hex */
  public static long parse(String text) {
    int slash = text.indexOf('/');
    if (slash <= 0) {
      throw new IllegalArgumentException("not an LSN: '" + text + "'");
    }
    try {
      return (Long.parseLong(text.substring(0, slash), 16) << 32) | Long.parseLong(text.substring(slash + 1), 16);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not an LSN: '" + text + "'");
    }
  }

  public static String format(long lsn) {
    return Long.toHexString(lsn >>> 32).toUpperCase() + "/" + Long.toHexString(lsn & 0xFFFFFFFFL).toUpperCase();
  }
}
