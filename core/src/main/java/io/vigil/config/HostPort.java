package io.vigil.config;

/** A {@code host:port} pair as Patroni writes it in {@code listen} and {@code connect_address}. */
public record HostPort(String host, int port) {
  public HostPort {
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException("host is empty");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is not in 1..65535");
    }
  }

  /**
   * Parses {@code host:port}, {@code [v6]:port} or, when {@code defaultPort} is positive, a bare host.
   * Patroni's {@code listen} may hold several comma-separated hosts ({@code 0.0.0.0,::}); the first is used
   * for addressing and the rest are kept by the caller.
   *
   * @throws IllegalArgumentException with a reason fit for a validation message
   */
  public static HostPort parse(String text, int defaultPort) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("expected host:port, got an empty value");
    }
    String s = text.trim();
    String host;
    String port;
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException("expected [ipv6]:port, got '" + s + "'");
      }
      host = s.substring(1, close);
      port = close + 1 < s.length() && s.charAt(close + 1) == ':' ? s.substring(close + 2) : null;
    } else {
      int colon = s.lastIndexOf(':');
      host = colon < 0 ? s : s.substring(0, colon);
      port = colon < 0 ? null : s.substring(colon + 1);
    }
    if (host.contains(",")) {
      host = host.substring(0, host.indexOf(','));
    }
    if (port == null) {
      if (defaultPort <= 0) {
        throw new IllegalArgumentException("expected host:port, got '" + s + "' without a port");
      }
      return new HostPort(host, defaultPort);
    }
    try {
      return new HostPort(host, Integer.parseInt(port));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected host:port, got '" + s + "': port '" + port + "' is not a number");
    }
  }

  @Override
  public String toString() {
    return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
  }
}
