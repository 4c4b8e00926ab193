package io.vigil.api;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.ServerSSLOptions;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import io.vigil.bus.Addresses;
import io.vigil.bus.HaRequest;
import io.vigil.bus.NodeStatus;
import io.vigil.cluster.Cluster;
import io.vigil.config.CtlSettings;
import io.vigil.config.RestApiSettings;
import io.vigil.dcs.Dcs;
import io.vigil.taps.EventJournal;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Patroni's REST API (docs/rest-api.md) on {@code restapi.listen} (default port 8008). Health checks, {@code /patroni}
 * and {@code /metrics} answer from the last {@link NodeStatus} published on {@link Addresses#HA_CYCLE} and never
 * wait for PostgreSQL or the DCS; {@code /cluster}, {@code /config}, {@code /history} and switchover read or write
 * the DCS through futures; restart, reload, reinitialize and failsafe go to the HA loop on
 * {@link Addresses#HA_REQUEST}. Routing is Patroni's: {@code <METHOD> /<first segment>} picks the handler, any
 * other GET/HEAD/OPTIONS is a health check, any other method is 501.
 *
 * <p>Everything runs on this verticle's event loop; no handler blocks it. Host-name resolution (allowlist,
 * member api_url hosts) and key files are read on a worker thread.
 */
public final class RestApiVerticle extends AbstractVerticle {
  private static final Logger LOG = LoggerFactory.getLogger(RestApiVerticle.class);
  /** Keep-alive connections idle this long are closed; a slow or silent client costs one socket, no thread. */
  static final int DEFAULT_IDLE_TIMEOUT_SECONDS = 60;
  static final int DEFAULT_TLS_HANDSHAKE_TIMEOUT_SECONDS = 10;
  /** Patroni's request_queue_size defaults to 5; a burst of health checks should not meet dropped SYNs. */
  static final int MIN_ACCEPT_BACKLOG = 128;

  private final RestApiSettings settings;
  private final CtlSettings ctl;
  private final String scope;
  private final String name;
  private final Dcs dcs;
  private final ApiClock clock;
  private EventJournal journal;
  private boolean ownJournal;
  private long eventsHeartbeatMillis = EventsHandler.DEFAULT_HEARTBEAT_MILLIS;
  private long eventsStallMillis = EventsHandler.DEFAULT_STALL_MILLIS;
  private int idleTimeoutSeconds = DEFAULT_IDLE_TIMEOUT_SECONDS;
  private int tlsHandshakeTimeoutSeconds = DEFAULT_TLS_HANDSHAKE_TIMEOUT_SECONDS;
  private long switchoverPollMillis = 1000;

  private ApiState state;
  private AccessControl access;
  private ResponseHeaders headers;
  private HealthHandler health;
  private ClusterHandler clusterHandler;
  private SwitchoverHandler switchover;
  private HaRequestHandler haRequests;
  private EventsHandler events;
  private HttpServer server;
  private HttpClient peers;
  private List<String> resolvedMemberHosts = List.of();
  private volatile String certificateSerial;

  public RestApiVerticle(RestApiSettings settings, CtlSettings ctl, String scope, String name, Dcs dcs) {
    this(settings, ctl, scope, name, dcs, ApiClock.SYSTEM);
  }

  public RestApiVerticle(RestApiSettings settings, CtlSettings ctl, String scope, String name, Dcs dcs,
      ApiClock clock) {
    this.settings = settings;
    this.ctl = ctl;
    this.scope = scope;
    this.name = name;
    this.dcs = dcs;
    this.clock = clock;
  }

  /**
   * The journal {@code GET /events} reads (the agent's, shared with the TCP bridge); without one the verticle
   * keeps its own, fed from {@link Addresses#EVENTS}. Call before deployment.
   */
  public RestApiVerticle withEventJournal(EventJournal journal) {
    this.journal = journal;
    return this;
  }

  /** Shorter event-stream heartbeat and stall limit for tests; call before deployment. */
  RestApiVerticle withEventTimings(long heartbeatMillis, long stallMillis) {
    this.eventsHeartbeatMillis = heartbeatMillis;
    this.eventsStallMillis = stallMillis;
    return this;
  }

  /** The journal behind {@code GET /events}. */
  public EventJournal eventJournal() {
    return journal;
  }

  /** Shorter limits for tests of slow clients; call before deployment. */
  RestApiVerticle withTimeouts(int idleSeconds, int tlsHandshakeSeconds, long pollMillis) {
    this.idleTimeoutSeconds = idleSeconds;
    this.tlsHandshakeTimeoutSeconds = tlsHandshakeSeconds;
    this.switchoverPollMillis = pollMillis;
    return this;
  }

  /** The bound port (useful when {@code listen} asked for port 0). */
  public int actualPort() {
    return server == null ? -1 : server.actualPort();
  }

  @Override
  public void start(Promise<Void> startPromise) {
    io.vigil.bus.RecordCodec.register(vertx, NodeStatus.class);
    HaRequest.registerCodecs(vertx);
    Properties versions = versions();
    String patroniVersion = versions.getProperty("patroni.version", "4.0.4");
    String vigilVersion = versions.getProperty("vigil.version", "0");
    state = new ApiState(scope, name, patroniVersion, clock);
    headers = new ResponseHeaders(settings, patroniVersion, vigilVersion, clock);
    if (journal == null) {
      journal = new EventJournal();
      ownJournal = true;
      journal.attach(vertx);
    }
    health = new HealthHandler(state, journal.stats());
    events = new EventsHandler(vertx, journal, eventsHeartbeatMillis, eventsStallMillis);
    events.start();
    clusterHandler = new ClusterHandler(state, dcs, vertx.eventBus());
    // connections are not kept (keep-alive off), so the pool has nothing to clean: no cleaner waking up every second
    peers = vertx.createHttpClient(peerClientOptions(), new io.vertx.core.http.PoolOptions().setCleanerPeriod(0));
    switchover = new SwitchoverHandler(vertx, state, dcs, peers, switchoverPollMillis);
    haRequests = new HaRequestHandler(state, vertx.eventBus());
    vertx.eventBus().<NodeStatus>localConsumer(Addresses.HA_CYCLE, msg -> onStatus(msg.body()));

    vertx.executeBlocking(() -> {
      AccessControl ac = AccessControl.fromSettings(settings);
      return new Object[] {ac, serverOptions()};
    }).compose(prepared -> {
      access = (AccessControl) prepared[0];
      server = vertx.createHttpServer((HttpServerOptions) prepared[1]).requestHandler(this::dispatch);
      String host = settings.listen().host();
      if (host.equals("*") || host.isEmpty()) {
        host = "0.0.0.0";
      }
      return server.listen(settings.listen().port(), host);
    }).onSuccess(s -> {
      LOG.info("REST API listening on {}:{} ({})", settings.listen().host(), s.actualPort(),
          settings.tls() ? "https" : "http");
      startPromise.complete();
    }).onFailure(e -> {
      LOG.error("Couldn't start a service on '{}', please check your `restapi.listen` configuration: {}",
          settings.listen(), e.getMessage());
      startPromise.fail(e);
    });
  }

  @Override
  public void stop(Promise<Void> stopPromise) {
    if (events != null) {
      events.stop();
    }
    if (ownJournal) {
      journal.detach();
    }
    Future<Void> closeServer = server == null ? Future.succeededFuture() : server.close();
    Future<Void> closeClient = peers == null ? Future.succeededFuture() : peers.close();
    Future.join(closeServer, closeClient).onComplete(ar -> stopPromise.complete());
  }

  private void onStatus(NodeStatus status) {
    state.update(status);
    if (access != null && access.includeMembers()) {
      refreshMemberNetworks(status.cluster());
    }
  }

  /** Resolves member api_url hosts off the event loop, only when the set of hosts changed. */
  private void refreshMemberNetworks(Cluster cluster) {
    List<String> hosts = cluster == null ? List.of() : AccessControl.memberHosts(cluster.members());
    if (hosts.equals(resolvedMemberHosts)) {
      return;
    }
    resolvedMemberHosts = hosts;
    vertx.executeBlocking(() -> {
      List<IpNetwork> nets = new ArrayList<>();
      for (String h : hosts) {
        nets.addAll(AccessControl.resolve(h));
      }
      return nets;
    }).onSuccess(nets -> {
      if (hosts.equals(resolvedMemberHosts)) {
        state.memberNetworks(nets);
      }
    });
  }

  private void dispatch(HttpServerRequest req) {
    ApiExchange ex = new ApiExchange(req, headers);
    try {
      route(ex, req.method().name(), ex.segment());
    } catch (RuntimeException e) {
      LOG.warn("Exception happened during processing of request from {}: {}", req.remoteAddress(), e.toString());
      ex.sendError(500);
    }
  }

  private void route(ApiExchange ex, String method, String segment) {
    switch (method) {
      case "GET" -> {
        switch (segment) {
          case "liveness" -> health.liveness(ex);
          case "readiness" -> health.readiness(ex);
          case "patroni" -> health.patroni(ex);
          case "metrics" -> health.metrics(ex);
          case "cluster" -> clusterHandler.cluster(ex);
          case "history" -> clusterHandler.history(ex);
          case "config" -> clusterHandler.config(ex);
          case "failsafe" -> clusterHandler.failsafe(ex);
          // Vigil's own: as sensitive as the write endpoints, so behind the same checks
          case "events" -> guarded(ex, true, () -> events.events(ex));
          default -> health.health(ex);
        }
      }
      case "HEAD", "OPTIONS" -> health.statusOnly(ex);
      case "PATCH" -> {
        if (segment.equals("config")) {
          guarded(ex, true, () -> clusterHandler.patch(ex));
        } else {
          unsupported(ex, method);
        }
      }
      case "PUT" -> {
        if (segment.equals("config")) {
          guarded(ex, true, () -> clusterHandler.put(ex));
        } else {
          unsupported(ex, method);
        }
      }
      case "POST" -> {
        switch (segment) {
          case "reload" -> guarded(ex, true, () -> {
            reloadCertificates().onFailure(e -> LOG.error("could not reload the REST API certificate: {}",
                e.getMessage()));
            haRequests.reload(ex);
          });
          case "restart" -> guarded(ex, true, () -> haRequests.restart(ex));
          case "reinitialize" -> guarded(ex, true, () -> haRequests.reinitialize(ex));
          case "failsafe" -> guarded(ex, false, () -> haRequests.failsafe(ex));
          case "sigterm" -> guarded(ex, true, () -> haRequests.sigterm(ex));
          case "switchover" -> guarded(ex, true, () -> switchover.post(ex, "switchover"));
          case "failover" -> guarded(ex, true, () -> switchover.post(ex, "failover"));
          case "citus" -> guarded(ex, true, () -> haRequests.mpp(ex));
          case "mpp" -> haRequests.mpp(ex);
          default -> unsupported(ex, method);
        }
      }
      case "DELETE" -> {
        switch (segment) {
          case "restart" -> guarded(ex, true, () -> haRequests.cancelRestart(ex));
          case "switchover" -> guarded(ex, true, () -> switchover.delete(ex));
          default -> unsupported(ex, method);
        }
      }
      default -> unsupported(ex, method);
    }
  }

  /** BaseHTTPRequestHandler's answer when no {@code do_<METHOD>} exists. */
  private static void unsupported(ApiExchange ex, String method) {
    ex.sendError(501, "Unsupported method ('" + method + "')");
  }

  private void guarded(ApiExchange ex, boolean checkMembers, Runnable handler) {
    HttpServerRequest req = ex.request;
    String remote = req.remoteAddress() == null ? null : req.remoteAddress().hostAddress();
    byte[] ip = remote == null ? null : IpNetwork.literal(remote);
    AccessControl.Denied denied = access.check(ip, state.memberNetworks(), checkMembers, hasClientCert(req),
        req.getHeader("Authorization"));
    if (denied == null) {
      handler.run();
      return;
    }
    LOG.debug("denied {} {} from {}: {}", req.method(), ex.path, remote, denied.text());
    ex.text(denied.code(), denied.text(),
        denied.challenge() ? java.util.Map.of("WWW-Authenticate", AccessControl.REALM_HEADER) : java.util.Map.of());
  }

  private static boolean hasClientCert(HttpServerRequest req) {
    if (!req.isSSL()) {
      return false;
    }
    try {
      return !req.connection().peerCertificates().isEmpty();
    } catch (SSLPeerUnverifiedException e) {
      return false;
    }
  }

  private HttpServerOptions serverOptions() throws Exception {
    HttpServerOptions o = new HttpServerOptions()
        .setIdleTimeout(idleTimeoutSeconds)
        .setIdleTimeoutUnit(TimeUnit.SECONDS)
        .setAcceptBacklog(Math.max(settings.requestQueueSize(), MIN_ACCEPT_BACKLOG))
        .setTcpNoDelay(true)
        .setTcpKeepAlive(true)
        .setCompressionSupported(false)
        .setHttp2ClearTextEnabled(false);
    if (!settings.tls()) {
      return o;
    }
    ServerSSLOptions ssl = sslOptions();
    o.setSsl(true)
        .setSslHandshakeTimeout(tlsHandshakeTimeoutSeconds)
        .setSslHandshakeTimeoutUnit(TimeUnit.SECONDS)
        .setKeyCertOptions(ssl.getKeyCertOptions())
        .setTrustOptions(ssl.getTrustOptions())
        .setClientAuth(ssl.getClientAuth());
    for (String cipher : ssl.getEnabledCipherSuites()) {
      o.addEnabledCipherSuite(cipher);
    }
    certificateSerial = certificateSerial();
    return o;
  }

  /** Key, trust and client-auth settings from {@code restapi.*}. Reads key files: call on a worker. */
  private ServerSSLOptions sslOptions() throws Exception {
    ServerSSLOptions o = new ServerSSLOptions()
        .setSslHandshakeTimeout(tlsHandshakeTimeoutSeconds)
        .setSslHandshakeTimeoutUnit(TimeUnit.SECONDS);
    String keyfile = settings.keyfile() != null ? settings.keyfile() : settings.certfile();
    if (settings.keyfilePassword() != null) {
      char[] password = settings.keyfilePassword().reveal().toCharArray();
      o.setKeyCertOptions(KeyCertOptions.wrap(TlsFiles.keyManagerFactory(settings.certfile(), keyfile, password)));
    } else {
      // read now, so that a reload really takes the files as they are on disk at this moment
      o.setKeyCertOptions(new PemKeyCertOptions()
          .addCertValue(Buffer.buffer(Files.readAllBytes(Path.of(settings.certfile()))))
          .addKeyValue(Buffer.buffer(Files.readAllBytes(Path.of(keyfile)))));
    }
    if (settings.cafile() != null) {
      o.setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(Files.readAllBytes(Path.of(settings.cafile())))));
    }
    String verify = settings.verifyClient() == null ? "none" : settings.verifyClient().toLowerCase(Locale.ROOT);
    switch (verify) {
      case "required" -> o.setClientAuth(ClientAuth.REQUIRED);
      case "optional" -> o.setClientAuth(ClientAuth.REQUEST);
      case "none" -> o.setClientAuth(ClientAuth.NONE);
      default -> LOG.error("Bad value in the \"restapi.verify_client\": {}", settings.verifyClient());
    }
    if (settings.ciphers() != null) {
      for (String cipher : settings.ciphers().split("[:,\\s]+")) {
        if (cipher.startsWith("TLS_")) {
          o.addEnabledCipherSuite(cipher);
        } else if (!cipher.isEmpty()) {
          LOG.warn("restapi.ciphers: '{}' is an OpenSSL name; Vigil takes IANA/JSSE names (TLS_...)", cipher);
        }
      }
    }
    return o;
  }

  private String certificateSerial() {
    try (InputStream in = Files.newInputStream(Path.of(settings.certfile()))) {
      X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
      return cert.getSerialNumber().toString(16);
    } catch (Exception e) {
      LOG.error("Failed to get serial number from certificate {}: {}", settings.certfile(), e.getMessage());
      return null;
    }
  }

  /**
   * Patroni's {@code reload_local_certificate}: when the certificate file on disk has a new serial number, the
   * server takes the new key material for new connections (existing ones keep theirs). Completes with true when
   * it reloaded. Called on {@code POST /reload}; the agent calls it on SIGHUP.
   */
  public Future<Boolean> reloadCertificates() {
    if (!settings.tls() || server == null) {
      return Future.succeededFuture(false);
    }
    return vertx.executeBlocking(() -> {
      String serial = certificateSerial();
      return serial == null || serial.equals(certificateSerial) ? null : new Object[] {serial, sslOptions()};
    }).compose(found -> {
      if (found == null) {
        return Future.succeededFuture(false);
      }
      return server.updateSSLOptions((ServerSSLOptions) found[1], true).onSuccess(updated -> {
        certificateSerial = (String) found[0];
        LOG.info("REST API certificate reloaded (serial {})", certificateSerial);
      });
    });
  }

  /** Outgoing calls to other members' /patroni use ctl.* TLS settings, falling back to restapi's. */
  private HttpClientOptions peerClientOptions() {
    HttpClientOptions o = new HttpClientOptions().setConnectTimeout((int) SwitchoverHandler.PEER_TIMEOUT_MS)
        .setKeepAlive(false);
    boolean insecure = ctl != null && ctl.insecure();
    String cacert = ctl != null && ctl.cacert() != null ? ctl.cacert() : settings.cafile();
    String certfile = ctl != null && ctl.certfile() != null ? ctl.certfile() : null;
    String keyfile = ctl != null && ctl.keyfile() != null ? ctl.keyfile() : null;
    if (insecure) {
      o.setTrustAll(true).setVerifyHost(false);
    } else if (cacert != null) {
      o.setTrustOptions(new PemTrustOptions().addCertPath(cacert));
    }
    if (certfile != null && (ctl.keyfilePassword() == null)) {
      o.setKeyCertOptions(new PemKeyCertOptions().setCertPath(certfile).setKeyPath(keyfile != null ? keyfile
          : certfile));
    }
    return o;
  }

  private static Properties versions() {
    Properties p = new Properties();
    try (InputStream in = RestApiVerticle.class.getResourceAsStream("/io/vigil/version.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      LOG.debug("version.properties unreadable: {}", e.getMessage());
    }
    return p;
  }
}
