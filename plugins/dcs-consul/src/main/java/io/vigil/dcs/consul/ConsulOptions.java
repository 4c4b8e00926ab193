package io.vigil.dcs.consul;

import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.consul.ConsulClientOptions;
import io.vertx.ext.web.client.WebClientOptions;
import io.vigil.config.DcsSettings;
import io.vigil.config.HostPort;
import io.vigil.config.Secret;
import io.vigil.dcs.DcsOptionReader;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The {@code consul:} section as Patroni's dcs/consul.py reads it: {@code host} (host:port, default
 * 127.0.0.1:8500) or {@code url}, {@code port}, {@code scheme} (http), {@code token}, {@code verify},
 * {@code cacert}, {@code cert}, {@code key}, {@code dc}, {@code consistency} (default / consistent / stale),
 * {@code checks} (session health checks, default none), {@code register_service}, {@code service_tags},
 * {@code service_check_interval} (5s) and {@code service_check_tls_server_name}. Every problem is one line naming
 * the key.
 */
record ConsulOptions(
    String scheme,
    HostPort endpoint,
    Secret token,
    boolean verify,
    String cacert,
    String cert,
    String key,
    String dc,
    String consistency,
    List<String> checks,
    boolean registerService,
    List<String> serviceTags,
    String serviceCheckInterval,
    String serviceCheckTlsServerName) {

  static final String SECTION = "consul";
  static final int DEFAULT_PORT = 8500;
  /** Every key of the section, as Patroni's consul: section has them. */
  static final Set<String> KEYS = Set.of("host", "url", "port", "scheme", "token", "verify", "cacert", "cert", "key",
      "dc", "consistency", "checks", "register_service", "service_tags", "service_check_interval",
      "service_check_tls_server_name");
  private static final Set<String> CONSISTENCIES = Set.of("default", "consistent", "stale");

  ConsulOptions {
    checks = List.copyOf(checks);
    serviceTags = List.copyOf(serviceTags);
  }

  /** {@code http://127.0.0.1:8500}, for messages. */
  String address() {
    return scheme + "://" + endpoint;
  }

  static ConsulOptions parse(DcsSettings settings) {
    return DcsOptionReader.parseOrThrow(settings, ConsulOptions::parse);
  }

  static List<String> validate(DcsSettings settings) {
    return DcsOptionReader.problems(settings, ConsulOptions::parse);
  }

  private static ConsulOptions parse(Map<String, Object> o, List<String> problems) {
    DcsOptionReader read = new DcsOptionReader(SECTION, o, problems);
    String scheme = read.text("scheme");
    HostPort endpoint = new HostPort("127.0.0.1", DEFAULT_PORT);
    String url = read.text("url");
    if (url != null) {
      try {
        URI uri = URI.create(url);
        if (uri.getHost() == null) {
          throw new IllegalArgumentException("no host");
        }
        scheme = uri.getScheme() == null ? scheme : uri.getScheme();
        endpoint = new HostPort(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : DEFAULT_PORT);
      } catch (IllegalArgumentException e) {
        problems.add(SECTION + ".url: expected http(s)://host:port, got '" + url + "'");
      }
    } else {
      String host = read.text("host");
      if (host != null) {
        try {
          endpoint = HostPort.parse(host, DEFAULT_PORT);
        } catch (IllegalArgumentException e) {
          problems.add(SECTION + ".host: " + e.getMessage());
        }
      }
      Object port = o.get("port");
      if (port != null) {
        try {
          endpoint = new HostPort(endpoint.host(), Integer.parseInt(String.valueOf(port).trim()));
        } catch (IllegalArgumentException e) {
          problems.add(SECTION + ".port: expected a port number, got '" + port + "'");
        }
      }
    }
    scheme = scheme == null ? "http" : scheme.toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      problems.add(SECTION + ".scheme: expected http or https, got '" + scheme + "'");
    }
    String cert = read.text("cert");
    String key = read.text("key");
    if (key != null && cert == null) {
      problems.add(SECTION + ".key: needs " + SECTION + ".cert");
    }
    String consistency = read.text("consistency");
    consistency = consistency == null ? "default" : consistency.toLowerCase(Locale.ROOT);
    if (!CONSISTENCIES.contains(consistency)) {
      problems.add(SECTION + ".consistency: expected default, consistent or stale, got '" + consistency + "'");
    }
    String interval = read.text("service_check_interval");
    if (read.text("service_check_tls_server_name") != null) {
      problems.add(SECTION + ".service_check_tls_server_name: not supported by Vigil yet (the Vert.x Consul client"
          + " cannot send a check's TLSServerName); remove it, or check the REST API over plain HTTP");
    }
    return new ConsulOptions(scheme, endpoint, secret(o.get("token")), read.bool("verify", true),
        read.text("cacert"), cert, key, read.text("dc"), consistency, read.list("checks"),
        read.bool("register_service", false), read.list("service_tags"),
        interval == null ? "5s" : interval, read.text("service_check_tls_server_name"));
  }

  /** What the Vert.x Consul client is created with; {@code timeoutMs} bounds each request. */
  ConsulClientOptions clientOptions(long timeoutMs) {
    ConsulClientOptions c = new ConsulClientOptions().setHost(endpoint.host()).setPort(endpoint.port())
        .setTimeout(timeoutMs);
    c.setConnectTimeout((int) Math.max(500, Math.min(timeoutMs, 2000)));
    if (token != null) {
      c.setAclToken(token.reveal());
    }
    if (dc != null) {
      c.setDc(dc);
    }
    tls(c);
    return c;
  }

  /** The same endpoint and TLS for the plain web client that makes the calls the Consul client cannot. */
  WebClientOptions webOptions(long connectTimeoutMs) {
    WebClientOptions w = new WebClientOptions().setDefaultHost(endpoint.host()).setDefaultPort(endpoint.port())
        .setConnectTimeout((int) Math.max(500, Math.min(connectTimeoutMs, 2000)));
    tls(w);
    return w;
  }

  private void tls(WebClientOptions w) {
    if (!scheme.equals("https")) {
      return;
    }
    w.setSsl(true).setVerifyHost(verify).setTrustAll(!verify);
    if (cacert != null) {
      w.setTrustOptions(new PemTrustOptions().addCertPath(cacert));
    }
    if (cert != null) {
      // Patroni accepts a cert file that holds the key too
      w.setKeyCertOptions(new PemKeyCertOptions().setCertPath(cert).setKeyPath(key == null ? cert : key));
    }
  }

  private static Secret secret(Object v) {
    if (v == null || String.valueOf(v).isEmpty()) {
      return null;
    }
    return v instanceof Secret s ? s : Secret.of(String.valueOf(v));
  }

  @Override
  public String toString() {
    return "ConsulOptions[" + address() + ", token=" + (token == null ? "none" : "******") + ", dc=" + dc
        + ", consistency=" + consistency + ", checks=" + checks + ", register_service=" + registerService + "]";
  }
}
