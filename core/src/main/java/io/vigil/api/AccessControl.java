package io.vigil.api;

import io.vigil.config.Credentials;
import io.vigil.config.RestApiSettings;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checks in front of every unsafe endpoint (docs/rest-api.md §3.7), in Patroni's order: allowlist (403
 * {@code Access is denied}), client certificate (403 {@code client certificate required}), Basic auth (401
 * {@code no auth header received} / {@code not authenticated}). Host names are resolved by the caller off the
 * event loop ({@link #resolve}); {@link #check} itself never blocks.
 */
final class AccessControl {
  private static final Logger LOG = LoggerFactory.getLogger(AccessControl.class);
  static final String REALM_HEADER = "Basic realm=\"Patroni\"";

  private final List<IpNetwork> allowlist;
  private final boolean includeMembers;
  private final boolean requireClientCert;
  private final byte[] authKey;

  /** A refusal: code, Patroni's text, and whether to add {@code WWW-Authenticate}. */
  record Denied(int code, String text, boolean challenge) {}

  AccessControl(List<IpNetwork> allowlist, boolean includeMembers, boolean requireClientCert, Credentials auth) {
    this.allowlist = List.copyOf(allowlist);
    this.includeMembers = includeMembers;
    this.requireClientCert = requireClientCert;
    this.authKey = auth == null || auth.username() == null ? null
        : Base64.getEncoder().encode((auth.username() + ":" + (auth.password() == null ? ""
            : auth.password().reveal())).getBytes(StandardCharsets.UTF_8));
  }

  /** Builds the policy of {@code settings}, resolving allowlist host names (blocking: call on a worker). */
  static AccessControl fromSettings(RestApiSettings settings) {
    List<IpNetwork> nets = new ArrayList<>();
    if (settings.allowlist() != null) {
      for (String entry : settings.allowlist()) {
        if (entry.contains("/")) {
          try {
            nets.add(IpNetwork.parse(entry));
          } catch (IllegalArgumentException e) {
            LOG.error("Invalid value \"{}\" in the allowlist: {}", entry, e.getMessage());
          }
        } else {
          nets.addAll(resolve(entry));
        }
      }
    }
    String verify = settings.verifyClient() == null ? "none" : settings.verifyClient().toLowerCase(Locale.ROOT);
    boolean requireCert = settings.tls() && ("required".equals(verify) || "optional".equals(verify));
    return new AccessControl(nets, settings.allowlistIncludeMembers(), requireCert, settings.authentication());
  }

  boolean includeMembers() {
    return includeMembers;
  }

  /** The addresses of a host name or literal; empty (and logged) when it cannot be resolved. Blocking. */
  static List<IpNetwork> resolve(String host) {
    List<IpNetwork> out = new ArrayList<>();
    byte[] literal = IpNetwork.literal(host);
    if (literal != null) {
      out.add(new IpNetwork(literal, literal.length * 8));
      return out;
    }
    try {
      for (InetAddress a : InetAddress.getAllByName(host)) {
        out.add(IpNetwork.of(a));
      }
    } catch (UnknownHostException e) {
      LOG.error("Failed to resolve {}: {}", host, e.getMessage());
    }
    return out;
  }

  /** The host of each member's api_url (resolve them with {@link #resolve}). */
  static List<String> memberHosts(Collection<io.vigil.cluster.Member> members) {
    List<String> hosts = new ArrayList<>();
    for (io.vigil.cluster.Member m : members) {
      if (m.apiUrl() == null) {
        continue;
      }
      try {
        String host = URI.create(m.apiUrl()).getHost();
        if (host != null && !host.isEmpty()) {
          hosts.add(host);
        }
      } catch (IllegalArgumentException e) {
        LOG.debug("Failed to parse url {}: {}", m.apiUrl(), e.getMessage());
      }
    }
    return hosts;
  }

  /**
   * Null when access is granted.
   *
   * @param remoteIp the client's address bytes
   * @param memberNetworks the members' resolved api_url hosts, used only when {@code checkMembers}
   * @param checkMembers false for {@code POST /failsafe}, where Patroni skips the member allowlist
   */
  Denied check(byte[] remoteIp, List<IpNetwork> memberNetworks, boolean checkMembers, boolean hasClientCert,
      String authorization) {
    boolean members = checkMembers && includeMembers;
    if (!allowlist.isEmpty() || members) {
      boolean allowed = false;
      for (IpNetwork n : allowlist) {
        allowed |= remoteIp != null && n.contains(remoteIp);
      }
      if (members) {
        for (IpNetwork n : memberNetworks) {
          allowed |= remoteIp != null && n.contains(remoteIp);
        }
      }
      if (!allowed) {
        return new Denied(403, "Access is denied", false);
      }
    }
    if (requireClientCert && !hasClientCert) {
      return new Denied(403, "client certificate required", false);
    }
    if (authKey != null) {
      if (authorization == null) {
        return new Denied(401, "no auth header received", true);
      }
      if (!authorization.startsWith("Basic ")
          || !MessageDigest.isEqual(authKey, authorization.substring(6).getBytes(StandardCharsets.UTF_8))) {
        return new Denied(401, "not authenticated", true);
      }
    }
    return null;
  }
}
