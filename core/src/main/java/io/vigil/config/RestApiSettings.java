package io.vigil.config;

import java.util.List;
import java.util.Map;

/** {@code restapi:} (docs/rest-api.md §3.7). {@code certfile} non-null turns on HTTPS. */
public record RestApiSettings(
    HostPort listen,
    HostPort connectAddress,
    Credentials authentication,
    String certfile,
    String keyfile,
    Secret keyfilePassword,
    String cafile,
    String ciphers,
    /** none, optional or required */
    String verifyClient,
    List<String> allowlist,
    boolean allowlistIncludeMembers,
    Map<String, String> httpExtraHeaders,
    Map<String, String> httpsExtraHeaders,
    /** Original, Minimal or ProductOnly */
    String serverTokens,
    int requestQueueSize) {

  public boolean tls() {
    return certfile != null;
  }

  /** The {@code api_url} written into the member key. */
  public String apiUrl() {
    return (tls() ? "https" : "http") + "://" + connectAddress + "/patroni";
  }
}
