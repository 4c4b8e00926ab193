package io.vigil.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.PemTrustOptions;
import io.vigil.bus.Addresses;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Idle, slow and half-open clients cost a socket each, never a thread: health checks from other clients keep
 * answering at once, and the stuck connections are closed by the idle and TLS handshake timeouts.
 */
class SlowClientsIT {
  static TestCertificates certs;
  static Vertx clientVertx;

  @BeforeAll
  static void setUp() throws Exception {
    certs = new TestCertificates();
    RestApiTlsIT.certs = certs;
    clientVertx = Vertx.vertx();
  }

  @AfterAll
  static void tearDown() {
    clientVertx.close().await();
  }

  /** A TLS record header announcing a 200-byte ClientHello, followed by 2 bytes of it: a stalled handshake. */
  static final byte[] PARTIAL_CLIENT_HELLO = {0x16, 0x03, 0x01, 0x00, (byte) 0xc8, 0x01, 0x00};

  @Test
  void healthChecksAnswerWithin100msWhileOthersHoldIdleAndHalfHandshakenConnections() throws Exception {
    List<Socket> held = new ArrayList<>();
    try (ApiServer server = new ApiServer(RestApiTlsIT.tls(certs.serverKey, null, "none"))) {
      server.vertx.eventBus().publish(Addresses.HA_CYCLE, Fixtures.leader());
      HttpClient client = clientVertx.createHttpClient(new HttpClientOptions().setSsl(true).setKeepAlive(false)
          .setConnectTimeout(5000).setTrustOptions(new PemTrustOptions().addCertPath(certs.ca)));
      io.vigil.testing.Timing.until("leader status published", java.time.Duration.ofSeconds(5),
          java.time.Duration.ofMillis(10),
          () -> RestApiTlsIT.call(client, server.port, HttpMethod.GET, "/primary").code() == 200);
      for (int i = 0; i < 20; i++) {
        RestApiTlsIT.call(client, server.port, HttpMethod.GET, "/primary");
      }
      for (int i = 0; i < 200; i++) {
        held.add(new Socket("127.0.0.1", server.port));
      }
      for (int i = 0; i < 50; i++) {
        Socket s = new Socket("127.0.0.1", server.port);
        s.getOutputStream().write(PARTIAL_CLIENT_HELLO);
        s.getOutputStream().flush();
        held.add(s);
      }
      List<Long> millis = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        long start = System.nanoTime();
        assertEquals(200, RestApiTlsIT.call(client, server.port, HttpMethod.GET, "/primary").code());
        millis.add((System.nanoTime() - start) / 1_000_000);
      }
      long fast = millis.stream().filter(ms -> ms < 100 * ApiServer.TIMING).count();
      // each sample is a new TCP connection plus a full TLS handshake on a shared 2-core machine
      assertTrue(fast >= 9, "GET /primary over a new TLS connection took " + millis + " ms");
      for (Socket s : held) {
        assertTrue(!s.isClosed() && s.isConnected(), "the slow clients are still connected");
      }
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }
  }

  static void assertClosedByServer(Socket s, long withinMillis) throws IOException {
    s.setSoTimeout((int) withinMillis);
    InputStream in = s.getInputStream();
    try {
      int b;
      do {
        b = in.read();
      } while (b >= 0);
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the server kept a stuck connection open for more than " + withinMillis + " ms");
    } catch (IOException reset) {
      // a reset is a close too
    }
  }

  @Test
  void stalledHandshakesAndIdleConnectionsAreClosed() throws Exception {
    try (ApiServer tls = new ApiServer(RestApiTlsIT.tls(certs.serverKey, null, "none"), 1, 1);
        Socket half = new Socket("127.0.0.1", tls.port);
        Socket silent = new Socket("127.0.0.1", tls.port)) {
      half.getOutputStream().write(PARTIAL_CLIENT_HELLO);
      assertClosedByServer(half, io.vigil.testing.Timing.scaledMillis(5000));
      assertClosedByServer(silent, io.vigil.testing.Timing.scaledMillis(5000));
    }
    try (ApiServer plain = new ApiServer(ApiServer.settings(ApiServer.freePort(), null, List.of(), false), 1, 1);
        Socket slow = new Socket("127.0.0.1", plain.port)) {
      slow.getOutputStream().write("GET /pri".getBytes(StandardCharsets.US_ASCII));
      assertClosedByServer(slow, io.vigil.testing.Timing.scaledMillis(5000));
    }
  }
}
