package io.vigil.dcs.consul;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vigil.dcs.DcsDeadline;
import io.vigil.dcs.DcsUnavailableException;
import java.util.function.Supplier;

/**
 * Runs each Dcs operation on the Dcs's context within retry_timeout and turns every failure into a
 * {@link DcsUnavailableException} that names the operation, the Consul key and the agent's address. A 403 names
 * the token setting, because a wrong or missing ACL token is an operator's fix, not an outage to wait out.
 */
final class ConsulCalls {
  private final Vertx vertx;
  private final Context context;
  private final String address;
  private volatile int retryTimeoutSeconds;
  private volatile boolean closed;

  ConsulCalls(Vertx vertx, Context context, String address, int retryTimeoutSeconds) {
    this.vertx = vertx;
    this.context = context;
    this.address = address;
    this.retryTimeoutSeconds = retryTimeoutSeconds;
  }

  Context context() {
    return context;
  }

  void retryTimeout(int seconds) {
    this.retryTimeoutSeconds = seconds;
  }

  long retryTimeoutMillis() {
    return Math.max(1, retryTimeoutSeconds) * 1000L;
  }

  void close() {
    closed = true;
  }

  /** Tried once: Consul's PUT answers only true or false, so a replayed CAS could not tell who won. */
  <T> Future<T> operation(String what, String key, Supplier<Future<T>> body) {
    return DcsDeadline.bounded(vertx, context, this::retryTimeoutMillis, () -> retryTimeoutSeconds, () -> closed,
        cause -> unavailable(what, key, cause), deadline -> body.get());
  }

  DcsUnavailableException unavailable(String what, String key, Throwable cause) {
    return new DcsUnavailableException("could not " + what + " " + key + " in Consul at " + address + ": "
        + reason(cause), cause);
  }

  /** True for Consul's 403 answers ("Permission denied", "ACL not found"). */
  static boolean isForbidden(Throwable t) {
    String m = String.valueOf(t.getMessage());
    return m.contains("Forbidden") || m.contains("Permission denied") || m.contains("ACL not found")
        || m.contains("status 403");
  }

  static boolean isInvalidSession(Throwable t) {
    String m = String.valueOf(t.getMessage());
    return m.contains("invalid session") || m.contains("Invalid session");
  }

  private static String reason(Throwable t) {
    if (isForbidden(t)) {
      return "the ACL token was refused (set consul.token or PATRONI_CONSUL_TOKEN to a token with key and session"
          + " write rights): " + t.getMessage();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage().trim();
  }
}
