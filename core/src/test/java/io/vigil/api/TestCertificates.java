package io.vigil.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A throw-away CA, a server certificate for 127.0.0.1 and a client certificate, made with the openssl CLI. */
final class TestCertificates {
  final Path dir;
  final String ca;
  final String serverCert;
  final String serverKey;
  final String serverKeyEncrypted;
  final String clientCert;
  final String clientKey;
  static final String KEY_PASSWORD = "keypass-42";

  TestCertificates() throws Exception {
    dir = Files.createTempDirectory("vigil-api-tls");
    ca = dir.resolve("ca.crt").toString();
    serverCert = dir.resolve("server.crt").toString();
    serverKey = dir.resolve("server.key").toString();
    serverKeyEncrypted = dir.resolve("server-enc.key").toString();
    clientCert = dir.resolve("client.crt").toString();
    clientKey = dir.resolve("client.key").toString();
    Files.writeString(dir.resolve("san.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n", StandardCharsets.US_ASCII);
    Files.writeString(dir.resolve("client.ext"), "extendedKeyUsage=clientAuth\n", StandardCharsets.US_ASCII);
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2",
        "-subj", "/CN=vigil-test-ca");
    signed("server", "/CN=127.0.0.1", "san.ext");
    signed("client", "/CN=vigil-client", "client.ext");
    openssl("pkcs8", "-topk8", "-in", "server.key", "-out", "server-enc.key", "-passout", "pass:" + KEY_PASSWORD,
        "-v2", "aes-256-cbc");
  }

  /** Signs the server's request again: same key and CA, a new serial number, written over server.crt. */
  void reissueServer() throws Exception {
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out",
        "server.crt", "-days", "2", "-extfile", "san.ext");
  }

  private void signed(String name, String subject, String ext) throws Exception {
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".csr", "-subj",
        subject);
    openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out",
        name + ".crt", "-days", "2", "-extfile", ext);
  }

  private void openssl(String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add("openssl");
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("openssl " + String.join(" ", args) + " failed: " + out);
    }
  }
}
