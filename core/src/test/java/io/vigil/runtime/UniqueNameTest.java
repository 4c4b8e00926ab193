package io.vigil.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.vertx.core.Vertx;
import io.vigil.cluster.Cluster;
import io.vigil.cluster.Member;
import io.vigil.config.DcsSettings;
import io.vigil.config.HostPort;
import io.vigil.config.PostgresSettings;
import io.vigil.config.PostgresSettings.PgUser;
import io.vigil.config.RestApiSettings;
import io.vigil.config.Secret;
import io.vigil.config.Settings;
import io.vigil.config.Tags;
import io.vigil.dcs.Dcs;
import io.vigil.dcs.DcsContext;
import io.vigil.dcs.DcsFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docs/ha-rules.md §2.0: the start-up refusal when a live agent already runs under this node's name, and the agent's use of it. */
class UniqueNameTest {
  /** This agent's own api_url in the tests where another URL is probed. */
  private static final String OWN = "http://127.0.0.1:8008/patroni";
  private HttpServer api;
  private int port;

  @BeforeEach
  void startApi() throws Exception {
    api = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    api.createContext("/liveness", exchange -> {
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    api.start();
    port = api.getAddress().getPort();
  }

  @AfterEach
  void stopApi() {
    api.stop(0);
  }

  private static Member member(String name, String apiUrl) {
    return new Member(name, 1, null, Map.of("api_url", apiUrl, "state", "running"));
  }

  private static Cluster cluster(Member... members) {
    return new Cluster("7000000000000000001", null, null, null, List.of(members), null, null, null, null);
  }

  @Test
  void aLiveMemberWithMyNameRefusesTheStart() throws Exception {
    Cluster c = cluster(member("pg1", "http://127.0.0.1:" + port + "/patroni"));
    assertTrue(UniqueName.takenByALiveNode(c, "pg1", OWN));
    assertEquals("Can't start; there is already a node named 'pg1' running", UniqueName.refusal("pg1"));
  }

  @Test
  void theAgentExitsWith1BeforeDeployingTheHaLoopWhenItsNameIsTaken(@TempDir Path base) throws Exception {
    // a PostgreSQL that cannot even be located: were the check skipped, deploying the HA loop would fail instead
    HostPort listen = new HostPort("127.0.0.1", 1);
    PostgresSettings pg = new PostgresSettings(listen, "127.0.0.1", listen, null, base.resolve("data"), null,
        base.resolve("no-bin"), Map.of(), null, new PgUser("postgres", Secret.of("zalando"), Map.of()),
        new PgUser("replicator", Secret.of("rep-pass"), Map.of()), null, "postgres", true, true, Map.of(), null,
        List.of(), List.of(), null, 30, Map.of(), List.of("basebackup"), Map.of(), List.of(), false, List.of(),
        false, false, null, null);
    // the REST API listens before the check; its own api_url is not the live pg1's
    HostPort api = new HostPort("127.0.0.1", freePort());
    RestApiSettings restapi = new RestApiSettings(api, api, null, null, null, null, null, null, null, List.of(),
        false, Map.of(), Map.of(), "Original", 5);
    Settings settings = new Settings(null, "batman", "/service", "pg1", restapi, null, null,
        new DcsSettings("in-memory", Map.of()), null, pg, null, Tags.none());
    DcsFactory plugin = new DcsFactory() {
      @Override
      public String name() {
        return "in-memory";
      }

      @Override
      public Set<String> configKeys() {
        return Set.of();
      }

      @Override
      public List<String> validate(DcsSettings s) {
        return List.of();
      }

      @Override
      public Dcs create(Vertx vertx, DcsContext context) {
        // the key of the live pg1 whose API answers
        FaultyDcs dcs = new FaultyDcs(vertx, "pg1");
        dcs.touchMember(Map.of("api_url", "http://127.0.0.1:" + port + "/patroni", "state", "running"));
        return dcs;
      }
    };
    assertEquals(1, assertTimeoutPreemptively(Duration.ofSeconds(60), () -> AgentRuntime.run(settings, plugin)));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void theKeyOfACrashedPredecessorDoesNot() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    assertFalse(UniqueName.takenByALiveNode(cluster(member("pg1", "http://127.0.0.1:" + closed + "/patroni")),
        "pg1", OWN));
  }

  @Test
  void aLiveMemberWithAnotherNameDoesNot() throws Exception {
    assertFalse(UniqueName.takenByALiveNode(cluster(member("pg2", "http://127.0.0.1:" + port + "/patroni")),
        "pg1", OWN));
    assertFalse(UniqueName.takenByALiveNode(cluster(), "pg1", OWN));
    assertFalse(UniqueName.takenByALiveNode(null, "pg1", OWN));
  }

  @Test
  void theKeyOfMyOwnApiUrlIsMyPredecessorsBecauseMyApiAlreadyListensThere() throws Exception {
    String mine = "http://127.0.0.1:" + port + "/patroni";
    assertFalse(UniqueName.takenByALiveNode(cluster(member("pg1", mine)), "pg1", mine));
  }
}
