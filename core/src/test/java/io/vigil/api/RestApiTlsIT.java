package io.vigil.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vigil.config.HostPort;
import io.vigil.config.RestApiSettings;
import io.vigil.config.Secret;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** HTTPS with certificates made by openssl for the test: server TLS, encrypted key, client certificates. */
class RestApiTlsIT {
  static TestCertificates certs;
  static Vertx clientVertx;

  @BeforeAll
  static void setUp() throws Exception {
    certs = new TestCertificates();
    clientVertx = Vertx.vertx();
  }

  @AfterAll
  static void tearDown() {
    clientVertx.close().await();
  }

  static RestApiSettings tls(String keyfile, Secret password, String verifyClient) {
    int port = ApiServer.freePort();
    return new RestApiSettings(new HostPort("127.0.0.1", port), new HostPort("127.0.0.1", port), null,
        certs.serverCert, keyfile, password, certs.ca, null, verifyClient, List.of(), false,
        Map.of("X-Extra", "plain"), Map.of("X-Tls", "yes"), "ProductOnly", 5);
  }

  static HttpClient client(boolean withClientCert) {
    return client(certs, withClientCert);
  }

  static HttpClient client(TestCertificates certs, boolean withClientCert) {
    HttpClientOptions o = new HttpClientOptions().setSsl(true).setKeepAlive(false).setConnectTimeout(5000)
        .setTrustOptions(new PemTrustOptions().addCertPath(certs.ca));
    if (withClientCert) {
      o.setKeyCertOptions(new PemKeyCertOptions().setCertPath(certs.clientCert).setKeyPath(certs.clientKey));
    }
    return clientVertx.createHttpClient(o);
  }

  record Answer(int code, String body, HttpClientResponse response) {}

  static Answer call(HttpClient client, int port, HttpMethod method, String path) {
    // the body must be asked for on the event loop together with the response, or it may be gone already
    return client.request(new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port).setURI(path)
        .setTimeout(io.vigil.testing.Timing.scaledMillis(10_000L)))
        .compose(req -> req.send().compose(r -> r.body().map(b -> new Answer(r.statusCode(), b.toString(), r))))
        .await();
  }

  @Test
  void servesHttpsWithTlsExtraHeaders() throws Exception {
    try (ApiServer server = new ApiServer(tls(certs.serverKey, null, "none"))) {
      server.vertx.eventBus().publish(io.vigil.bus.Addresses.HA_CYCLE, Fixtures.leader());
      HttpClient client = client(false);
      Answer a = call(client, server.port, HttpMethod.GET, "/patroni");
      assertEquals(200, a.code());
      assertEquals("yes", a.response().getHeader("X-Tls"));
      assertEquals("plain", a.response().getHeader("X-Extra"));
      assertEquals("Patroni", a.response().getHeader("Server"));
      assertEquals(202, call(client, server.port, HttpMethod.POST, "/reload").code());
    }
  }

  static java.math.BigInteger serial(HttpClient client, int port) {
    return client.request(new RequestOptions().setHost("127.0.0.1").setPort(port).setURI("/patroni")
        .setTimeout(io.vigil.testing.Timing.scaledMillis(10_000L)))
        .compose(req -> req.send().compose(r -> r.body().map(b -> {
          try {
            return ((java.security.cert.X509Certificate) req.connection().peerCertificates().get(0))
                .getSerialNumber();
          } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            throw new IllegalStateException(e);
          }
        })))
        .await();
  }

  @Test
  void reloadTakesACertificateWithANewSerial() throws Exception {
    TestCertificates own = new TestCertificates();
    int port = ApiServer.freePort();
    RestApiSettings settings = new RestApiSettings(new HostPort("127.0.0.1", port), new HostPort("127.0.0.1", port),
        null, own.serverCert, own.serverKey, null, null, null, null, List.of(), false, Map.of(), Map.of(), null, 5);
    try (ApiServer server = new ApiServer(settings)) {
      HttpClient client = client(own, false);
      java.math.BigInteger before = serial(client, server.port);
      assertEquals(202, call(client, server.port, HttpMethod.POST, "/reload").code());
      assertEquals(before, serial(client, server.port), "same file, same serial: nothing reloaded");
      own.reissueServer();
      assertEquals(202, call(client, server.port, HttpMethod.POST, "/reload").code());
      java.math.BigInteger[] after = {before};
      try {
        io.vigil.testing.Timing.await("a new certificate", java.time.Duration.ofSeconds(5),
            java.time.Duration.ofMillis(10), () -> {
              after[0] = serial(client, server.port);
              return after[0].equals(before) ? null : after[0];
            }, () -> String.valueOf(after[0]));
      } catch (AssertionError timedOut) {
        // reported below, as before
      }
      org.junit.jupiter.api.Assertions.assertNotEquals(before, after[0], "new connections get the new certificate");
    }
  }

  @Test
  void readsAPasswordProtectedKey() throws Exception {
    try (ApiServer server = new ApiServer(tls(certs.serverKeyEncrypted, Secret.of(TestCertificates.KEY_PASSWORD),
        "none"))) {
      assertEquals(503, call(client(false), server.port, HttpMethod.GET, "/primary").code(),
          "served over TLS; no status published yet");
    }
  }

  @Test
  void requiredClientCertificatesAreCheckedInTheHandshake() throws Exception {
    try (ApiServer server = new ApiServer(tls(certs.serverKey, null, "required"))) {
      assertThrows(Exception.class, () -> call(client(false), server.port, HttpMethod.GET, "/patroni"));
      assertEquals(200, call(client(true), server.port, HttpMethod.GET, "/patroni").code());
    }
  }

  @Test
  void optionalClientCertificatesAreRequiredForUnsafeEndpoints() throws Exception {
    try (ApiServer server = new ApiServer(tls(certs.serverKey, null, "optional"))) {
      assertEquals(200, call(client(false), server.port, HttpMethod.GET, "/patroni").code());
      Answer denied = call(client(false), server.port, HttpMethod.POST, "/reload");
      assertEquals(403, denied.code());
      assertEquals("client certificate required", denied.body());
      assertEquals(202, call(client(true), server.port, HttpMethod.POST, "/reload").code());
    }
  }
}
