package io.vigil.dcs.consul;

import io.vertx.core.Future;
import io.vertx.ext.consul.CheckOptions;
import io.vertx.ext.consul.ConsulClient;
import io.vertx.ext.consul.ServiceOptions;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Consul service of {@code register_service: true}, as Patroni's dcs/consul.py registers it from the member
 * data: service {@code <scope>} with ID {@code <scope>/<name>}, the address and port of conn_url, the configured
 * tags plus the role ({@code primary}, {@code replica}, {@code standby-leader}, and {@code master} beside
 * {@code primary} for old dashboards), and an HTTP check on the REST API's role endpoint every
 * service_check_interval. Registered again only when any of that changes; deregistered when PostgreSQL is
 * stopped and on shutdown. Used on the Dcs's context only.
 */
final class ConsulService {
  private static final Logger LOG = LoggerFactory.getLogger(ConsulService.class);
  private static final List<String> ROLES = List.of("primary", "replica", "standby-leader");

  /** What was registered last, to skip identical registrations. */
  private record Registration(String address, int port, List<String> tags, String checkUrl) {}

  private final ConsulClient client;
  private final ConsulOptions options;
  private final String serviceName;
  private final String serviceId;
  private Registration registered;

  ConsulService(ConsulClient client, ConsulOptions options, String scope, String member) {
    this.client = client;
    this.options = options;
    // Patroni's service_name_from_scope_name: Consul service names are DNS labels
    this.serviceName = scope.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
    this.serviceId = scope + "/" + member;
  }

  /** Follows the member data written by touchMember; failures are logged and retried on the next touch. */
  Future<Void> update(Map<String, Object> member) {
    String role = String.valueOf(member.get("role")).replace('_', '-');
    if (role.equals("master")) {
      role = "primary";
    }
    String state = String.valueOf(member.get("state"));
    if (state.equals("stopped")) {
      return deregister();
    }
    if (!ROLES.contains(role) || !state.equals("running") || member.get("api_url") == null
        || member.get("conn_url") == null) {
      return Future.succeededFuture();
    }
    URI api = URI.create(String.valueOf(member.get("api_url")));
    URI conn = URI.create(String.valueOf(member.get("conn_url")));
    String checkUrl = api.getScheme() + "://" + api.getRawAuthority() + "/" + role;
    List<String> tags = new ArrayList<>(options.serviceTags());
    tags.add(role);
    if (role.equals("primary")) {
      tags.add("master");
    }
    Registration wanted = new Registration(conn.getHost(), conn.getPort() > 0 ? conn.getPort() : 5432, tags, checkUrl);
    if (wanted.equals(registered)) {
      return Future.succeededFuture();
    }
    CheckOptions check = new CheckOptions().setHttp(checkUrl).setInterval(options.serviceCheckInterval())
        .setDeregisterAfter("300s");
    ServiceOptions service = new ServiceOptions().setName(serviceName).setId(serviceId)
        .setAddress(wanted.address()).setPort(wanted.port()).setTags(tags).setCheckOptions(check);
    return client.registerService(service).map(v -> {
      registered = wanted;
      LOG.info("registered Consul service {} ({}) with tags {}", serviceName, serviceId, tags);
      return (Void) null;
    }).recover(t -> {
      LOG.warn("could not register Consul service {}: {}", serviceId, t.getMessage());
      return Future.succeededFuture();
    });
  }

  Future<Void> deregister() {
    if (registered == null) {
      return Future.succeededFuture();
    }
    return client.deregisterService(serviceId).map(v -> {
      registered = null;
      LOG.info("deregistered Consul service {}", serviceId);
      return (Void) null;
    }).recover(t -> {
      LOG.warn("could not deregister Consul service {}: {}", serviceId, t.getMessage());
      return Future.succeededFuture();
    });
  }
}
