package io.vigil.dcs.etcd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.cluster.Cluster;
import io.vigil.dcs.ClusterReader;
import io.vigil.dcs.DcsContext;
import io.vigil.dcs.DcsFactory;
import io.vigil.dcs.DcsKeys;
import io.vigil.dcs.DcsUnavailableException;
import io.vigil.dcs.StoredValue;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * vigilctl's one read of a cluster over etcd's JSON gateway ({@code POST /v3/kv/range}, the API Patroni's etcd3
 * client uses), with the JDK's HTTP client: no gRPC channel, Netty event loop or jetcd classes for a command that
 * reads once and exits (README, "vigilctl speed"). The range is linearizable, as {@link EtcdDcs#readCluster()}'s.
 *
 * <p>Only for plain {@code http} endpoints without authentication: TLS client certificates and etcd's token
 * authentication stay with jetcd (the caller then uses {@link EtcdDcs}).
 */
final class EtcdGatewayRead implements DcsFactory.OneShotRead {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Encoder B64 = Base64.getEncoder();
  private static final Base64.Decoder B64D = Base64.getDecoder();
  /** etcd 3.4+ serves /v3; 3.3 only /v3beta. */
  private static final String[] API_PREFIXES = {"/v3", "/v3beta"};

  private final EtcdOptions options;
  private final DcsKeys keys;
  private final int timeoutMillis;

  private EtcdGatewayRead(EtcdOptions options, DcsKeys keys, int retryTimeoutSeconds) {
    this.options = options;
    this.keys = keys;
    this.timeoutMillis = Math.max(1, retryTimeoutSeconds) * 1000;
  }

  /** The gateway read for these settings, or empty when they need TLS or authentication. */
  static Optional<DcsFactory.OneShotRead> forContext(DcsContext context) {
    EtcdOptions options = EtcdOptions.parse(context.settings());
    if (options.tls() || options.username() != null || options.cert() != null || options.cacert() != null) {
      return Optional.empty();
    }
    return Optional.of(new EtcdGatewayRead(options, context.keys(), context.timing().retryTimeout()));
  }

  @Override
  public Cluster read() {
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
    Exception last = null;
    for (URI endpoint : options.endpoints()) {
      int left = (int) ((deadline - System.nanoTime()) / 1_000_000);
      if (left <= 0) {
        break;
      }
      try {
        return new ClusterReader(keys).read(range(endpoint, left));
      } catch (IOException | RuntimeException e) {
        last = e;
      }
    }
    throw new DcsUnavailableException("could not read cluster " + keys.base() + " in etcd at "
        + options.endpointList() + ": " + (last == null ? "no answer within " + timeoutMillis + " ms" : last.getMessage()),
        last);
  }

  /** Every key under the cluster's prefix, relative to it. */
  private Map<String, StoredValue> range(URI endpoint, int timeoutMillis) throws IOException {
    byte[] prefix = keys.base().getBytes(StandardCharsets.UTF_8);
    String body = JSON.createObjectNode()
        .put("key", B64.encodeToString(prefix))
        .put("range_end", B64.encodeToString(prefixEnd(prefix)))
        .toString();
    for (String api : API_PREFIXES) {
      HttpURLConnection c = (HttpURLConnection) endpoint.resolve(api + "/kv/range").toURL().openConnection();
      c.setConnectTimeout(timeoutMillis);
      c.setReadTimeout(timeoutMillis);
      c.setRequestMethod("POST");
      c.setDoOutput(true);
      c.setRequestProperty("Content-Type", "application/json");
      try {
        try (OutputStream out = c.getOutputStream()) {
          out.write(body.getBytes(StandardCharsets.UTF_8));
        }
        int status = c.getResponseCode();
        if (status == 404) {
          continue;
        }
        if (status != 200) {
          throw new IOException("HTTP " + status + " from " + endpoint);
        }
        try (InputStream in = c.getInputStream()) {
          return nodes(JSON.readTree(in));
        }
      } finally {
        c.disconnect();
      }
    }
    throw new IOException(endpoint + " serves neither /v3 nor /v3beta (etcd 3.3 or later is needed)");
  }

  private Map<String, StoredValue> nodes(JsonNode answer) {
    Map<String, StoredValue> nodes = new HashMap<>();
    for (JsonNode kv : answer.path("kvs")) {
      String key = new String(B64D.decode(kv.path("key").asText()), StandardCharsets.UTF_8);
      String rel = keys.relative(key);
      if (rel == null) {
        continue;
      }
      // the gateway leaves out fields holding their default: an empty value, lease 0
      String value = new String(B64D.decode(kv.path("value").asText("")), StandardCharsets.UTF_8);
      long lease = kv.path("lease").asLong(0);
      nodes.put(rel, new StoredValue(value, kv.path("mod_revision").asLong(), lease == 0 ? null : Long.toString(lease)));
    }
    return nodes;
  }

  /** etcd's range end of a prefix: the prefix with its last byte below 0xff incremented. */
  static byte[] prefixEnd(byte[] prefix) {
    byte[] end = prefix.clone();
    for (int i = end.length - 1; i >= 0; i--) {
      if (end[i] != (byte) 0xff) {
        end[i]++;
        return java.util.Arrays.copyOf(end, i + 1);
      }
    }
    return new byte[] {0};
  }
}
