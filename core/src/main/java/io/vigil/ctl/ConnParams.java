package io.vigil.ctl;

import io.vigil.cluster.Member;
import io.vigil.patroni.ConnKwargs;

/**
 * Where vigilctl connects to a member's PostgreSQL ({@code dsn}, {@code query}): Patroni's
 * {@code Member.conn_kwargs()} ({@link ConnKwargs}), with port 5432 where that leaves it unknown.
 *
 * @param host null when the member published no address
 */
public record ConnParams(String host, int port, String dbname) {

  public static ConnParams of(Member member) {
    ConnKwargs k = ConnKwargs.of(member);
    return new ConnParams(k.host(), k.port() == null ? 5432 : k.port(), k.dbname());
  }

  /** What {@code vigilctl dsn} prints. */
  public String dsn() {
    return "host=" + host + " port=" + port;
  }
}
