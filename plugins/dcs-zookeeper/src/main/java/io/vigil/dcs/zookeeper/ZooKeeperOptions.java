package io.vigil.dcs.zookeeper;

import io.vigil.config.DcsSettings;
import io.vigil.config.HostPort;
import io.vigil.config.Secret;
import io.vigil.dcs.DcsOptionReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.zookeeper.ZooDefs.Perms;

/**
 * The {@code zookeeper:} section as Patroni reads it: {@code hosts} (list or comma string of host:port),
 * {@code use_ssl}, {@code cacert}, {@code cert}, {@code key}, {@code key_password}, {@code verify},
 * {@code set_acls} ({@code {principal: [CREATE, READ, ...]}}, scheme x509) and {@code auth_data}
 * ({@code {scheme: credential}}). Every problem is collected as one line naming the key.
 */
record ZooKeeperOptions(
    List<HostPort> hosts,
    boolean useSsl,
    String cacert,
    String cert,
    String key,
    Secret keyPassword,
    boolean verify,
    Map<String, Integer> acls,
    Map<String, Secret> authData) {

  static final String SECTION = "zookeeper";

  ZooKeeperOptions {
    hosts = List.copyOf(hosts);
    acls = Map.copyOf(acls);
    authData = Map.copyOf(authData);
  }

  /** The ZooKeeper connect string, {@code h1:p1,h2:p2}. */
  String connectString() {
    return String.join(",", hosts.stream().map(HostPort::toString).toList());
  }

  /** Parses the section; throws with every problem (one per line) when any option is wrong. */
  static ZooKeeperOptions parse(DcsSettings settings) {
    return DcsOptionReader.parseOrThrow(settings, ZooKeeperOptions::parse);
  }

  static List<String> validate(DcsSettings settings) {
    return DcsOptionReader.problems(settings, ZooKeeperOptions::parse);
  }

  private static ZooKeeperOptions parse(Map<String, Object> o, List<String> problems) {
    DcsOptionReader read = new DcsOptionReader(SECTION, o, problems);
    List<HostPort> hosts = hosts(o.get("hosts"), problems);
    boolean useSsl = read.bool("use_ssl", false);
    boolean verify = read.bool("verify", true);
    String cacert = read.fileName("cacert");
    String cert = read.fileName("cert");
    String key = read.fileName("key");
    Secret keyPassword = secret(o.get("key_password"));
    if (useSsl && (cert == null) != (key == null)) {
      problems.add(SECTION + ".cert and " + SECTION + ".key: give both or neither");
    }
    Map<String, Integer> acls = acls(o.get("set_acls"), problems);
    Map<String, Secret> auth = authData(o.get("auth_data"), problems);
    return new ZooKeeperOptions(hosts, useSsl, cacert, cert, key, keyPassword, verify, acls, auth);
  }

  private static List<HostPort> hosts(Object value, List<String> problems) {
    List<String> items = new ArrayList<>();
    if (value == null) {
      problems.add(SECTION + ".hosts: is required (a list or comma-separated string of host:port)");
      return List.of();
    } else if (value instanceof List<?> list) {
      list.forEach(item -> items.add(String.valueOf(item)));
    } else if (value instanceof String s) {
      for (String part : s.split(",")) {
        items.add(part);
      }
    } else {
      problems.add(SECTION + ".hosts: expected a list or a comma-separated string of host:port, got " + value);
      return List.of();
    }
    List<HostPort> hosts = new ArrayList<>();
    for (String item : items) {
      try {
        hosts.add(HostPort.parse(item.trim(), -1));
      } catch (IllegalArgumentException e) {
        problems.add(SECTION + ".hosts: " + e.getMessage());
      }
    }
    if (hosts.isEmpty() && problems.isEmpty()) {
      problems.add(SECTION + ".hosts: is empty");
    }
    return hosts;
  }

  private static Secret secret(Object v) {
    if (v == null) {
      return null;
    }
    return v instanceof Secret s ? s : Secret.of(String.valueOf(v));
  }

  /** principal → ZooKeeper permission bits (Patroni: x509 scheme, permissions case-insensitive). */
  private static Map<String, Integer> acls(Object value, List<String> problems) {
    if (value == null) {
      return Map.of();
    }
    if (!(value instanceof Map<?, ?> map)) {
      problems.add(SECTION + ".set_acls: expected {principal: [CREATE, READ, WRITE, DELETE, ADMIN, ALL]}");
      return Map.of();
    }
    Map<String, Integer> acls = new LinkedHashMap<>();
    map.forEach((principal, perms) -> {
      List<?> names = perms instanceof List<?> l ? l : List.of(String.valueOf(perms));
      int bits = 0;
      for (Object name : names) {
        int bit = permission(String.valueOf(name));
        if (bit < 0) {
          problems.add(SECTION + ".set_acls." + principal + ": unknown permission '" + name
              + "' (expected CREATE, READ, WRITE, DELETE, ADMIN or ALL)");
        }
        bits |= Math.max(bit, 0);
      }
      acls.put(String.valueOf(principal), bits);
    });
    return acls;
  }

  private static int permission(String name) {
    return switch (name.trim().toUpperCase(Locale.ROOT)) {
      case "CREATE" -> Perms.CREATE;
      case "READ" -> Perms.READ;
      case "WRITE" -> Perms.WRITE;
      case "DELETE" -> Perms.DELETE;
      case "ADMIN" -> Perms.ADMIN;
      case "ALL" -> Perms.ALL;
      default -> -1;
    };
  }

  /** {@code {scheme: credential}}, or Kazoo's list of {@code [scheme, credential]} pairs. */
  private static Map<String, Secret> authData(Object value, List<String> problems) {
    if (value == null) {
      return Map.of();
    }
    Map<String, Secret> auth = new LinkedHashMap<>();
    if (value instanceof Map<?, ?> map) {
      map.forEach((scheme, credential) -> auth.put(String.valueOf(scheme), secret(credential)));
    } else if (value instanceof List<?> list) {
      for (Object pair : list) {
        if (pair instanceof List<?> p && p.size() == 2) {
          auth.put(String.valueOf(p.get(0)), secret(p.get(1)));
        } else {
          problems.add(SECTION + ".auth_data: expected {scheme: credential} or a list of [scheme, credential]");
          return Map.of();
        }
      }
    } else {
      problems.add(SECTION + ".auth_data: expected {scheme: credential}");
    }
    return auth;
  }

  @Override
  public String toString() {
    return "ZooKeeperOptions[hosts=" + connectString() + ", use_ssl=" + useSsl + ", verify=" + verify
        + ", set_acls=" + acls.keySet() + ", auth_data schemes=" + authData.keySet() + "]";
  }
}
