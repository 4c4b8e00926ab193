package io.vigil.api;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** An address block of {@code restapi.allowlist}: an IP (full prefix) or a CIDR such as {@code 10.0.0.0/8}. */
record IpNetwork(byte[] address, int prefix) {

  /**
   * Parses an IP literal or a CIDR; host bits are cleared as Python's {@code ip_network(v, strict=False)} does.
   * Never resolves names (callers resolve host names off the event loop).
   *
   * @throws IllegalArgumentException when the text is neither
   */
  static IpNetwork parse(String text) {
    String s = text.trim();
    int slash = s.indexOf('/');
    String host = slash < 0 ? s : s.substring(0, slash);
    byte[] addr = literal(host);
    if (addr == null) {
      throw new IllegalArgumentException("'" + text + "' is not an IP address or network");
    }
    int prefix = addr.length * 8;
    if (slash >= 0) {
      try {
        prefix = Integer.parseInt(s.substring(slash + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("'" + text + "' has an invalid prefix length");
      }
      if (prefix < 0 || prefix > addr.length * 8) {
        throw new IllegalArgumentException("'" + text + "' has an invalid prefix length");
      }
    }
    return new IpNetwork(mask(addr, prefix), prefix);
  }

  static IpNetwork of(InetAddress address) {
    byte[] a = address.getAddress();
    return new IpNetwork(a, a.length * 8);
  }

  /** The bytes of an IPv4/IPv6 literal, null when the text is not one (no DNS lookup). */
  static byte[] literal(String host) {
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    boolean v4 = h.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    boolean v6 = h.contains(":") && h.matches("[0-9A-Fa-f:.%a-zA-Z0-9]+");
    if (!v4 && !v6) {
      return null;
    }
    try {
      return InetAddress.getByName(h).getAddress();
    } catch (UnknownHostException e) {
      return null;
    }
  }

  boolean contains(byte[] ip) {
    byte[] candidate = ip;
    if (candidate.length != address.length) {
      candidate = convert(candidate, address.length);
      if (candidate == null) {
        return false;
      }
    }
    byte[] masked = mask(candidate, prefix);
    return java.util.Arrays.equals(masked, address);
  }

  /** IPv4-mapped IPv6 (::ffff:a.b.c.d) and IPv4 compare as the same host. */
  private static byte[] convert(byte[] ip, int length) {
    if (ip.length == 16 && length == 4) {
      for (int i = 0; i < 10; i++) {
        if (ip[i] != 0) {
          return null;
        }
      }
      if (ip[10] != (byte) 0xff || ip[11] != (byte) 0xff) {
        return null;
      }
      return java.util.Arrays.copyOfRange(ip, 12, 16);
    }
    if (ip.length == 4 && length == 16) {
      byte[] mapped = new byte[16];
      mapped[10] = (byte) 0xff;
      mapped[11] = (byte) 0xff;
      System.arraycopy(ip, 0, mapped, 12, 4);
      return mapped;
    }
    return null;
  }

  private static byte[] mask(byte[] addr, int prefix) {
    byte[] out = addr.clone();
    for (int i = 0; i < out.length; i++) {
      int bits = Math.max(0, Math.min(8, prefix - i * 8));
      out[i] &= (byte) (bits == 0 ? 0 : 0xff << (8 - bits));
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IpNetwork n && n.prefix == prefix && java.util.Arrays.equals(n.address, address);
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(address) * 31 + prefix;
  }

  @Override
  public String toString() {
    try {
      return InetAddress.getByAddress(address).getHostAddress() + "/" + prefix;
    } catch (UnknownHostException e) {
      return "?/" + prefix;
    }
  }
}
