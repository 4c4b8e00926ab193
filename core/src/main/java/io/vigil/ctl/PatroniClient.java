package io.vigil.ctl;

import io.vigil.patroni.PyJson;
import io.vigil.cluster.Member;
import io.vigil.config.Credentials;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Calls a member's REST API as patronictl's PatroniRequest does: the member's {@code api_url} with its path
 * replaced by the endpoint, JSON bodies, Basic auth from {@code ctl.authentication} (else
 * {@code restapi.authentication}), TLS trusting {@code ctl.cacert} (or {@code restapi.cafile}), an optional
 * client certificate, and no verification with {@code -k/--insecure}. Blocking: vigilctl is a CLI.
 */
public final class PatroniClient {
  /** An answer: status code and body text. */
  public record Response(int status, String body) {}

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  private final HttpClient http;
  private final Credentials auth;
  private final Duration requestTimeout;

  public PatroniClient(CtlConfig config, Duration requestTimeout) {
    this.auth = config.authentication();
    this.requestTimeout = requestTimeout;
    if (config.insecure()) {
      // read once when the JDK's client classes initialize: set before any of them is touched
      System.setProperty("jdk.internal.httpclient.disableHostnameVerification", "true");
    }
    SSLContext ssl = config.insecure() || config.cacert() != null || config.certfile() != null ? sslContext(config) : null;
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
        .version(HttpClient.Version.HTTP_1_1);
    if (ssl != null) {
      builder.sslContext(ssl);
    }
    this.http = builder.build();
  }

  /** The URL of {@code endpoint} on the member: scheme and host:port of its api_url. */
  public static URI url(Member member, String endpoint) {
    String apiUrl = member.apiUrl();
    if (apiUrl == null || apiUrl.isEmpty()) {
      throw new CtlException("member " + member.name() + " has no api_url");
    }
    URI base = URI.create(apiUrl);
    return URI.create(base.getScheme() + "://" + base.getRawAuthority() + "/" + (endpoint == null ? "" : endpoint));
  }

  /**
   * @param body serialized as JSON; null sends no body
   * @throws IOException when the member cannot be reached or does not answer in time
   */
  public Response request(Member member, String method, String endpoint, Map<String, Object> body) throws IOException {
    HttpRequest.Builder req = HttpRequest.newBuilder(url(member, endpoint)).timeout(requestTimeout);
    HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(PyJson.dumps(body), StandardCharsets.UTF_8);
    if (body != null) {
      req.header("Content-Type", "application/json");
    }
    if (auth != null) {
      String pw = auth.password() == null ? "" : auth.password().reveal();
      String token = Base64.getEncoder().encodeToString((auth.username() + ":" + pw).getBytes(StandardCharsets.UTF_8));
      req.header("Authorization", "Basic " + token);
    }
    req.method(method.toUpperCase(java.util.Locale.ROOT), publisher);
    try {
      HttpResponse<String> r = http.send(req.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      return new Response(r.statusCode(), r.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /**
   * A {@code GET} whose body is read line by line as it arrives (Server-Sent Events): {@code lines} gets each line
   * of a 200 answer until the server ends it or the thread is interrupted. Only the wait for the answer's headers
   * is limited (by the request timeout); the stream itself may stay open for as long as the member serves it.
   *
   * @return the status code and, when it is not 200, the body
   * @throws IOException when the member cannot be reached or the stream breaks
   */
  public Response stream(Member member, String endpoint, Map<String, String> headers,
      java.util.function.Consumer<String> lines) throws IOException {
    HttpRequest.Builder req = HttpRequest.newBuilder(url(member, endpoint)).timeout(requestTimeout).GET()
        .header("Accept", "text/event-stream");
    headers.forEach(req::header);
    if (auth != null) {
      String pw = auth.password() == null ? "" : auth.password().reveal();
      String token = Base64.getEncoder().encodeToString((auth.username() + ":" + pw).getBytes(StandardCharsets.UTF_8));
      req.header("Authorization", "Basic " + token);
    }
    try {
      HttpResponse<java.util.stream.Stream<String>> r = http.send(req.build(), HttpResponse.BodyHandlers.ofLines());
      try (java.util.stream.Stream<String> body = r.body()) {
        if (r.statusCode() != 200) {
          return new Response(r.statusCode(), String.join("\n", body.toList()));
        }
        java.util.Iterator<String> it = body.iterator();
        while (it.hasNext()) {
          if (Thread.currentThread().isInterrupted()) {
            throw new IOException("interrupted");
          }
          lines.accept(it.next());
        }
      } catch (java.io.UncheckedIOException e) {
        throw e.getCause();
      }
      return new Response(200, "");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private static SSLContext sslContext(CtlConfig config) {
    try {
      TrustManager[] trust = null;
      if (config.insecure()) {
        trust = new TrustManager[] {new TrustAll()};
      } else if (config.cacert() != null) {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        int i = 0;
        for (Certificate c : readCertificates(Path.of(config.cacert()))) {
          ks.setCertificateEntry("ca" + i++, c);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        trust = tmf.getTrustManagers();
      }
      javax.net.ssl.KeyManager[] keys = null;
      if (config.certfile() != null) {
        Path keyPath = Path.of(config.keyfile() != null ? config.keyfile() : config.certfile());
        PrivateKey key = readPkcs8Key(keyPath);
        Collection<? extends Certificate> chain = readCertificates(Path.of(config.certfile()));
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        char[] pw = new char[0];
        ks.setKeyEntry("client", key, pw, chain.toArray(new Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, pw);
        keys = kmf.getKeyManagers();
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(keys, trust, null);
      return ctx;
    } catch (IOException | GeneralSecurityException e) {
      throw new CtlException("could not set up TLS for REST calls: " + e.getMessage());
    }
  }

  private static Collection<? extends Certificate> readCertificates(Path file) throws IOException, GeneralSecurityException {
    try (InputStream is = Files.newInputStream(file)) {
      return CertificateFactory.getInstance("X.509").generateCertificates(is);
    }
  }

  private static PrivateKey readPkcs8Key(Path file) throws IOException, GeneralSecurityException {
    String pem = Files.readString(file);
    int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
    int end = pem.indexOf("-----END PRIVATE KEY-----");
    if (begin < 0 || end < 0) {
      throw new GeneralSecurityException(file + " holds no unencrypted PKCS#8 private key (BEGIN PRIVATE KEY)");
    }
    byte[] der = Base64.getMimeDecoder().decode(pem.substring(begin + 27, end));
    for (String alg : new String[] {"RSA", "EC", "Ed25519"}) {
      try {
        return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // try the next algorithm
      }
    }
    throw new GeneralSecurityException("unsupported private key in " + file);
  }

  /** {@code -k}: accept any server certificate, as patronictl's {@code ctl.insecure}. */
  private static final class TrustAll implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
