package io.vigil.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PfxOptions;
import io.vigil.cluster.Cluster;
import io.vigil.cluster.ClusterConfig;
import io.vigil.cluster.Leader;
import io.vigil.cluster.Member;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** REST calls over HTTPS: trusted through ctl.cacert, accepted blindly with -k, refused otherwise. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsRestTest {
  private FakePatroniApi api;
  private Path caPem;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    Path p12 = dir.resolve("server.p12");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    run(keytool, "-genkeypair", "-alias", "vigil", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
        "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", p12.toString(),
        "-storepass", "changeit", "-keypass", "changeit");
    caPem = dir.resolve("ca.pem");
    run(keytool, "-exportcert", "-rfc", "-alias", "vigil", "-keystore", p12.toString(), "-storepass", "changeit",
        "-file", caPem.toString());
    api = new FakePatroniApi(new HttpServerOptions().setSsl(true)
        .setKeyCertOptions(new PfxOptions().setPath(p12.toString()).setPassword("changeit")), "pg1");
    api.answer("pg1", "PATCH", "/config", 200, "{}");
  }

  @AfterAll
  void stop() {
    if (api != null) {
      api.close();
    }
  }

  private static void run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", cmd) + ": " + out);
    }
  }

  private InMemoryDcs cluster() {
    Member pg1 = new Member("pg1", 1, null, Map.of("conn_url", "postgres://127.0.0.1:5432/postgres",
        "api_url", "https://127.0.0.1:" + api.port("pg1") + "/patroni", "state", "running", "role", "primary"));
    return new InMemoryDcs(new Cluster("1", new ClusterConfig(1, Map.of()), new Leader(1, null, pg1), null,
        List.of(pg1), null, null, null, null));
  }

  @Test
  void trustsTheConfiguredCaCertificate() {
    CtlRun r = CtlRun.run(cluster(), null, Map.of("PATRONI_CTL_CACERT", caPem.toString()), "pause", "tls");
    assertEquals(0, r.code(), r.err());
    assertEquals("Success: cluster management is paused\n", r.out());
  }

  @Test
  void insecureAcceptsAnUnknownCertificate() {
    CtlRun r = CtlRun.run(cluster(), null, Map.of(), "-k", "pause", "tls");
    assertEquals(0, r.code(), r.err());
    assertEquals("Success: cluster management is paused\n", r.out());
  }

  @Test
  void anUntrustedCertificateMakesTheMemberUnreachable() {
    CtlRun r = CtlRun.run(cluster(), null, Map.of(), "pause", "tls");
    assertEquals(1, r.code());
    assertTrue(r.err().contains("Member pg1 is not accessible"), r.err());
    assertTrue(r.err().endsWith("Error: Can not find accessible cluster member\n"), r.err());
  }
}
