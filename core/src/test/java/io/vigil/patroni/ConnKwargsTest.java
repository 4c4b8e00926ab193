package io.vigil.patroni;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vigil.cluster.Member;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConnKwargsTest {

  /** conn_url → Patroni's conn_kwargs() (urlparse: hostname, port or 5432, path[1:]). */
  static Stream<Arguments> urls() {
    return Stream.of(
        Arguments.of("postgres://127.0.0.1:5433/postgres", new ConnKwargs("127.0.0.1", 5433, "postgres")),
        Arguments.of("postgres://db1/postgres", new ConnKwargs("db1", 5432, "postgres")),
        Arguments.of("postgres://h", new ConnKwargs("h", 5432, null)),
        // java.net.URI has no host for names with '_': both copies left host and port out
        Arguments.of("postgres://PG_1:5434/postgres", new ConnKwargs("pg_1", 5434, "postgres")),
        Arguments.of("postgres://[::1]:5435/postgres", new ConnKwargs("::1", 5435, "postgres")),
        Arguments.of("postgres://u:p@h:5436/db?sslmode=require", new ConnKwargs("h", 5436, "db")),
        Arguments.of("postgres://h:0/db", new ConnKwargs("h", 5432, "db")),
        Arguments.of("postgres://h:x/db", new ConnKwargs("h", null, "db")),
        Arguments.of("", new ConnKwargs(null, null, null)),
        Arguments.of("not a url", new ConnKwargs(null, null, null)));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("urls")
  void readsConnUrlAsUrlparse(String url, ConnKwargs expected) {
    assertEquals(expected, ConnKwargs.of(new Member("m", 1, null, Map.of("conn_url", url))));
  }

  static Stream<Arguments> legacy() {
    return Stream.of(
        Arguments.of(Map.of("host", "h", "port", 5437, "dbname", "postgres"), new ConnKwargs("h", 5437, "postgres")),
        Arguments.of(Map.of("host", "h", "port", "5438"), new ConnKwargs("h", 5438, null)),
        Arguments.of(Map.of("host", "h"), new ConnKwargs("h", null, null))); // vigilctl assumed 5432
  }

  @ParameterizedTest(name = "conn_kwargs {0} -> {1}")
  @MethodSource("legacy")
  void prefersLegacyConnKwargs(Map<String, Object> kwargs, ConnKwargs expected) {
    assertEquals(expected, ConnKwargs.of(new Member("m", 1, null,
        Map.of("conn_kwargs", kwargs, "conn_url", "postgres://other:1/x"))));
  }
}
