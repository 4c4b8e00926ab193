package io.vigil.patroni;

import io.vigil.cluster.Member;
import java.util.Locale;
import java.util.Map;

/**
 * Patroni's {@code Member.conn_kwargs()} (dcs/__init__.py): where a member's PostgreSQL listens. From the legacy
 * {@code conn_kwargs} map when the member key has a non-empty one (a missing port stays null), otherwise from
 * {@code conn_url} as Python's {@code urlparse} reads it: host lower-cased and without IPv6 brackets, port 5432
 * when absent, database from the path.
 *
 * @param host null when the member published no address
 * @param port null when unknown (a {@code conn_kwargs} map without port, an unreadable port)
 * @param dbname null when not given
 */
public record ConnKwargs(String host, Integer port, String dbname) {
  private static final ConnKwargs NONE = new ConnKwargs(null, null, null);

  public static ConnKwargs of(Member member) {
    if (member.data().get("conn_kwargs") instanceof Map<?, ?> m && !m.isEmpty()) {
      Object host = m.get("host");
      Object db = m.get("dbname");
      return new ConnKwargs(host == null ? null : String.valueOf(host), port(m.get("port")),
          db == null ? null : String.valueOf(db));
    }
    return parse(member.connUrl());
  }

  private static Integer port(Object v) {
    if (v instanceof Number n) {
      return n.intValue();
    }
    try {
      return v == null ? null : Integer.valueOf(String.valueOf(v).strip());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** {@code urlparse(conn_url)}: {@code hostname}, {@code port or 5432}, {@code path[1:]}. */
  public static ConnKwargs parse(String connUrl) {
    if (connUrl == null || connUrl.isEmpty()) {
      return NONE;
    }
    int scheme = connUrl.indexOf("://");
    if (scheme < 0) {
      return NONE;
    }
    String rest = connUrl.substring(scheme + 3);
    int end = rest.length();
    for (char c : new char[] {'/', '?', '#'}) {
      int i = rest.indexOf(c);
      if (i >= 0 && i < end) {
        end = i;
      }
    }
    String netloc = rest.substring(0, end);
    String path = rest.substring(end);
    int q = path.indexOf('?');
    path = q >= 0 ? path.substring(0, q) : path;
    int h = path.indexOf('#');
    path = h >= 0 ? path.substring(0, h) : path;
    String hostPort = netloc.substring(netloc.lastIndexOf('@') + 1);
    String host;
    String portText;
    if (hostPort.startsWith("[") && hostPort.indexOf(']') > 0) {
      int close = hostPort.indexOf(']');
      host = hostPort.substring(1, close);
      String after = hostPort.substring(close + 1);
      portText = after.startsWith(":") ? after.substring(1) : "";
    } else {
      int colon = hostPort.indexOf(':');
      host = colon >= 0 ? hostPort.substring(0, colon) : hostPort;
      portText = colon >= 0 ? hostPort.substring(colon + 1) : "";
    }
    Integer port = 5432;
    if (!portText.isEmpty()) {
      Integer p = portText.chars().allMatch(Character::isDigit) && portText.length() <= 5
          ? Integer.valueOf(portText) : null;
      port = p == null || p > 65535 ? null : p == 0 ? 5432 : p;
    }
    return new ConnKwargs(host.isEmpty() ? null : host.toLowerCase(Locale.ROOT), port,
        path.length() <= 1 ? null : path.substring(1));
  }
}
