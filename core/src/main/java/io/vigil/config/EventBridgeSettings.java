package io.vigil.config;

import java.util.List;

/**
 * {@code event_bridge:} (docs/configuration.md "event_bridge"), Vigil's own section: the TCP event-bus bridge tap,
 * off unless the section is present. {@code certfile} non-null turns on TLS.
 *
 * @param addresses the bridge addresses clients may register to ({@code vigil.tap.events}, or
 *     {@code vigil.tap.events.<type>} for one event type)
 * @param keepConnectionOnInbound false (default): a client that sends or publishes is refused and disconnected;
 *     true: it is refused with an error frame and may stay
 */
public record EventBridgeSettings(
    HostPort listen,
    String certfile,
    String keyfile,
    String cafile,
    /** none, optional or required */
    String verifyClient,
    List<String> addresses,
    boolean keepConnectionOnInbound) {

  /** Every event, as JSON. */
  public static final String ALL_EVENTS_ADDRESS = "vigil.tap.events";

  public boolean tls() {
    return certfile != null;
  }
}
