package io.vigil.bus;

import java.util.Map;

/**
 * The HA loop's answer to a {@link HaRequest}: the HTTP status code and the plain-text body the REST API sends
 * unchanged, plus extra response headers (only {@code lsn} for a failsafe heartbeat).
 */
public record HaReply(int code, String text, Map<String, String> headers) {
  public HaReply {
    headers = headers == null ? Map.of() : Map.copyOf(headers);
  }

  public HaReply(int code, String text) {
    this(code, text, Map.of());
  }
}
