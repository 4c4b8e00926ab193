package io.vigil.dcs;

/**
 * Patroni's key layout (docs/dcs-layout.md §1.1): {@code /<namespace>/<scope>/<relative>} with repeated slashes collapsed.
 * Backends without a leading slash (Consul) strip it themselves.
 */
public record DcsKeys(String namespace, String scope) {
  public static final String INITIALIZE = "initialize";
  public static final String CONFIG = "config";
  public static final String LEADER = "leader";
  public static final String STATUS = "status";
  public static final String OPTIME_LEADER = "optime/leader";
  public static final String MEMBERS = "members/";
  public static final String FAILOVER = "failover";
  public static final String SYNC = "sync";
  public static final String HISTORY = "history";
  public static final String FAILSAFE = "failsafe";

  /** The cluster prefix with a trailing slash, e.g. {@code /service/batman/}. */
  public String base() {
    String joined = "/" + (namespace == null ? "service" : namespace) + "/" + scope + "/";
    return joined.replaceAll("/+", "/");
  }

  public String key(String relative) {
    return base() + relative;
  }

  public String member(String name) {
    return base() + MEMBERS + name;
  }

  /** The key relative to {@link #base()}, or null when the key is outside this cluster. */
  public String relative(String fullKey) {
    return fullKey.startsWith(base()) ? fullKey.substring(base().length()) : null;
  }

  /** The member name if {@code relative} is {@code members/<name>} with exactly one slash, else null. */
  public static String memberName(String relative) {
    if (!relative.startsWith(MEMBERS)) {
      return null;
    }
    String name = relative.substring(MEMBERS.length());
    return name.isEmpty() || name.contains("/") ? null : name;
  }
}
