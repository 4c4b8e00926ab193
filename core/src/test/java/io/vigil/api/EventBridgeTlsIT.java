package io.vigil.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.eventbus.bridge.tcp.impl.protocol.FrameHelper;
import io.vertx.ext.eventbus.bridge.tcp.impl.protocol.FrameParser;
import io.vigil.config.EventBridgeSettings;
import io.vigil.config.HostPort;
import io.vigil.events.EventEmitter;
import io.vigil.events.EventType;
import io.vigil.taps.EventBridgeVerticle;
import io.vigil.taps.EventJournal;
import io.vigil.testing.Timing;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The event bridge with TLS and required client certificates, read by a client built only of the Vert.x bridge
 * library's own frame helper and parser: Vigil's bridge speaks the library's protocol.
 */
class EventBridgeTlsIT {
  TestCertificates certs;
  Vertx vertx;
  Vertx clients;
  EventJournal journal;
  int port;
  /**
   * Held for the whole test: Vert.x closes a client nobody references when the garbage collector finds it, which
   * cut the connection at random moments.
   */
  NetClient client;

  @BeforeEach
  void setUp() throws Exception {
    certs = new TestCertificates();
    vertx = Vertx.vertx();
    clients = Vertx.vertx();
    journal = new EventJournal();
    journal.attach(vertx).await();
    port = ApiServer.freePort();
    vertx.deployVerticle(new EventBridgeVerticle(new EventBridgeSettings(new HostPort("127.0.0.1", port),
        certs.serverCert, certs.serverKey, certs.ca, "required", List.of(EventBridgeSettings.ALL_EVENTS_ADDRESS),
        false), journal)).await();
  }

  @AfterEach
  void tearDown() {
    clients.close().await();
    vertx.close().await();
  }

  NetClientOptions tls(boolean clientCert) {
    NetClientOptions o = new NetClientOptions().setSsl(true).setHostnameVerificationAlgorithm("")
        .setTrustOptions(new PemTrustOptions().addCertPath(certs.ca)).setConnectTimeout(5000);
    if (clientCert) {
      o.setKeyCertOptions(new PemKeyCertOptions().setCertPath(certs.clientCert).setKeyPath(certs.clientKey));
    }
    return o;
  }

  @Test
  void aClientWithACertificateReadsEventsWithTheLibrarysParser() {
    List<JsonObject> frames = new CopyOnWriteArrayList<>();
    // as any Vert.x client does: set up the socket on its event loop, in the connect callback
    client = clients.createNetClient(tls(true));
    client.connect(port, "127.0.0.1").onSuccess(socket -> {
      socket.handler(new FrameParser(ar -> frames.add(ar.result())));
      FrameHelper.sendFrame("register", EventBridgeSettings.ALL_EVENTS_ADDRESS, null, socket);
    });
    Timing.until("registered", Duration.ofSeconds(20), Duration.ofMillis(10),
        () -> journal.stats().connectedCount("bridge") == 1);
    new EventEmitter(vertx, "anchor", "pg3").emit(EventType.ROLE_CHANGED, Map.of("old", "replica", "new", "primary"));
    Timing.until("the event", Duration.ofSeconds(20), Duration.ofMillis(10), () -> frames.size() == 1);
    JsonObject frame = frames.get(0);
    assertEquals("message", frame.getString("type"));
    assertEquals(EventBridgeSettings.ALL_EVENTS_ADDRESS, frame.getString("address"));
    assertEquals("role_changed", frame.getJsonObject("body").getString("type"));
    assertEquals("primary", frame.getJsonObject("body").getJsonObject("data").getString("new"));
  }

  @Test
  void aClientWithoutACertificateIsRefused() {
    Promise<Void> outcome = Promise.promise();
    client = clients.createNetClient(tls(false));
    client.connect(port, "127.0.0.1").onComplete(ar -> {
      if (ar.failed()) {
        outcome.tryComplete();
        return;
      }
      NetSocket s = ar.result();
      s.closeHandler(v -> outcome.tryComplete());
      FrameHelper.sendFrame("register", EventBridgeSettings.ALL_EVENTS_ADDRESS, null, s);
    });
    try {
      outcome.future().await(30, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("the connection without a client certificate is still open after 30 s", e);
    }
    assertTrue(journal.stats().connectedCount("bridge") == 0, "no tap without a client certificate");
  }
}
