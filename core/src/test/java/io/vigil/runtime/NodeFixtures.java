package io.vigil.runtime;

import io.vigil.config.BootstrapSettings;
import io.vigil.config.HostPort;
import io.vigil.config.PostgresSettings;
import io.vigil.config.PostgresSettings.PgUser;
import io.vigil.config.RestApiSettings;
import io.vigil.config.Secret;
import io.vigil.config.Settings;
import io.vigil.config.Tags;
import io.vigil.postgres.PgFixtures;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Settings of one agent running a real PostgreSQL 15 in a temporary directory (no YAML needed). */
final class NodeFixtures {
  static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");

  private NodeFixtures() {}

  /**
   * @param dcs the {@code bootstrap.dcs} section: the dynamic configuration written at bootstrap
   */
  static Settings settings(String name, Path base, int pgPort, int apiPort, Map<String, Object> dcs)
      throws IOException {
    Path sockets = PgFixtures.postgresOwnedSubdir(base, "sock");
    Map<String, Object> parameters = new LinkedHashMap<>();
    parameters.put("unix_socket_directories", sockets.toString());
    parameters.put("shared_buffers", "16MB");
    parameters.put("fsync", "off");
    parameters.put("max_connections", "20");
    HostPort listen = new HostPort("127.0.0.1", pgPort);
    PostgresSettings pg = new PostgresSettings(listen, "127.0.0.1", listen, null, base.resolve("data"), null, BIN,
        Map.of(), null, new PgUser("postgres", Secret.of("zalando"), Map.of()),
        new PgUser("replicator", Secret.of("rep-pass"), Map.of()), null, "postgres", true, true, parameters, null,
        List.of(), List.of(), null, 30, Map.of(), List.of("basebackup"), Map.of(), List.of(), false, List.of(),
        false, false, null, null);
    BootstrapSettings bootstrap = new BootstrapSettings(dcs, "initdb", List.of(), Map.of(),
        List.of("local all all trust", "host all all 127.0.0.1/32 md5"), List.of(), null);
    HostPort api = new HostPort("127.0.0.1", apiPort);
    RestApiSettings restapi = new RestApiSettings(api, api, null, null, null, null, null, null, null, List.of(),
        false, Map.of(), Map.of(), "Original", 5);
    return new Settings(null, "batman", "/service", name, restapi, null, null, null, bootstrap, pg, null,
        Tags.none());
  }
}
