package io.vigil.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.vigil.cluster.Cluster;
import io.vigil.cluster.Member;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** SPEC §2.0: the start-up refusal when a live agent already runs under this node's name. */
class UniqueNameTest {
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
    assertTrue(UniqueName.takenByALiveNode(c, "pg1"));
    assertEquals("Can't start; there is already a node named 'pg1' running", UniqueName.refusal("pg1"));
  }

  @Test
  void theKeyOfACrashedPredecessorDoesNot() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    assertFalse(UniqueName.takenByALiveNode(cluster(member("pg1", "http://127.0.0.1:" + closed + "/patroni")),
        "pg1"));
  }

  @Test
  void aLiveMemberWithAnotherNameDoesNot() throws Exception {
    assertFalse(UniqueName.takenByALiveNode(cluster(member("pg2", "http://127.0.0.1:" + port + "/patroni")),
        "pg1"));
    assertFalse(UniqueName.takenByALiveNode(cluster(), "pg1"));
    assertFalse(UniqueName.takenByALiveNode(null, "pg1"));
  }
}
