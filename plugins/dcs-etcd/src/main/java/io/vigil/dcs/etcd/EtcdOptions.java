package io.vigil.dcs.etcd;

import io.vigil.config.DcsSettings;
import io.vigil.config.HostPort;
import io.vigil.config.Secret;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code etcd3:} section, parsed as Patroni reads it: endpoints from {@code proxy}, else {@code url}, else
 * {@code hosts} (list or comma string) / {@code host}; {@code protocol}; {@code username}/{@code password};
 * {@code cacert}/{@code cert}/{@code key}. Endpoints never carry credentials, so they are safe to show in
 * messages.
 */
record EtcdOptions(List<URI> endpoints, String username, Secret password, Path cacert, Path cert, Path key) {
  static final String DEFAULT_HOST = "127.0.0.1:2379";
  private static final int DEFAULT_PORT = 2379;

  /** {@code http://127.0.0.1:2379,http://...}: for messages. */
  String endpointList() {
    return String.join(",", endpoints.stream().map(URI::toString).toList());
  }

  boolean tls() {
    return endpoints.stream().anyMatch(u -> "https".equals(u.getScheme()));
  }

  /** Problems with the section, one line each naming the key; empty when it is valid. */
  static List<String> validate(DcsSettings settings) {
    List<String> problems = new ArrayList<>();
    parse(settings, problems);
    return problems;
  }

  /** @throws IllegalArgumentException listing every problem */
  static EtcdOptions parse(DcsSettings settings) {
    List<String> problems = new ArrayList<>();
    EtcdOptions options = parse(settings, problems);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    return options;
  }

  private static EtcdOptions parse(DcsSettings settings, List<String> problems) {
    String section = settings.kind() == null ? "etcd3" : settings.kind();
    String protocol = settings.string("protocol");
    if (protocol == null) {
      protocol = "http";
    }
    protocol = protocol.toLowerCase(Locale.ROOT);
    if (!protocol.equals("http") && !protocol.equals("https")) {
      problems.add(section + ".protocol: expected http or https, got '" + protocol + "'");
      protocol = "http";
    }
    List<URI> endpoints = new ArrayList<>();
    if (settings.options().get("srv") != null || settings.options().get("srv_suffix") != null) {
      problems.add(section + ".srv: DNS SRV discovery is not supported; list the endpoints in hosts");
    }
    if (settings.options().get("proxy") != null) {
      url(section + ".proxy", settings.string("proxy"), endpoints, problems);
    } else if (settings.options().get("url") != null) {
      url(section + ".url", settings.string("url"), endpoints, problems);
    } else {
      Object hosts = settings.options().get("hosts");
      String hostsKey = section + ".hosts";
      if (hosts == null) {
        hosts = settings.options().get("host");
        hostsKey = section + ".host";
      }
      if (hosts == null) {
        hosts = DEFAULT_HOST;
      }
      List<String> items = new ArrayList<>();
      if (hosts instanceof List<?> list) {
        list.forEach(o -> items.add(String.valueOf(o)));
      } else {
        for (String s : String.valueOf(hosts).split(",")) {
          items.add(s);
        }
      }
      for (String item : items) {
        String s = item.strip();
        if (s.isEmpty()) {
          continue;
        }
        try {
          HostPort hp = HostPort.parse(s, DEFAULT_PORT);
          endpoints.add(URI.create(protocol + "://" + hp));
        } catch (IllegalArgumentException e) {
          problems.add(hostsKey + ": " + e.getMessage());
        }
      }
      if (endpoints.isEmpty() && problems.isEmpty()) {
        problems.add(hostsKey + ": no endpoint given");
      }
    }
    String username = settings.string("username");
    Secret password = Secret.of(settings.string("password"));
    if (username != null && password == null) {
      problems.add(section + ".password: required with " + section + ".username");
    }
    if (username == null && password != null) {
      problems.add(section + ".username: required with " + section + ".password");
    }
    Path cacert = file(section + ".cacert", settings.string("cacert"), problems);
    Path cert = file(section + ".cert", settings.string("cert"), problems);
    Path key = file(section + ".key", settings.string("key"), problems);
    if (key != null && cert == null) {
      problems.add(section + ".cert: required with " + section + ".key");
    }
    return new EtcdOptions(List.copyOf(endpoints), username, password, cacert, cert, key);
  }

  private static void url(String key, String value, List<URI> endpoints, List<String> problems) {
    try {
      URI uri = URI.create(value.strip());
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        problems.add(key + ": expected an http:// or https:// URL, got scheme '" + scheme + "'");
        return;
      }
      if (uri.getHost() == null) {
        problems.add(key + ": no host in the URL");
        return;
      }
      if (uri.getRawUserInfo() != null) {
        // the URL itself is not echoed: it holds a password
        problems.add(key + ": credentials in the URL are not supported; use username and password");
        return;
      }
      int port = uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort();
      endpoints.add(URI.create(scheme + "://" + new HostPort(uri.getHost(), port)));
    } catch (IllegalArgumentException e) {
      problems.add(key + ": not a URL");
    }
  }

  private static Path file(String key, String value, List<String> problems) {
    if (value == null || value.isBlank()) {
      return null;
    }
    Path p = Path.of(value);
    if (!Files.isReadable(p)) {
      problems.add(key + ": file " + value + " is not readable");
    }
    return p;
  }
}
