package io.vigil.config;

import java.util.Map;

/**
 * {@code tags:} (docs/postgres.md §6.12), the standard ones typed, custom ones kept. Values are kept as written so that
 * the member key shows exactly what the operator configured.
 */
public record Tags(Map<String, Object> values) {
  public Tags {
    values = Map.copyOf(values);
  }

  public static Tags none() {
    return new Tags(Map.of());
  }

  public boolean nofailover() {
    return truthy(values.get("nofailover"));
  }

  /** 1 by default; 0 means never promote. nofailover wins over a positive priority (Patroni warns). */
  public int failoverPriority() {
    if (nofailover()) {
      return 0;
    }
    return intValue(values.get("failover_priority"), 1);
  }

  public boolean noloadbalance() {
    return truthy(values.get("noloadbalance"));
  }

  public boolean clonefrom() {
    return truthy(values.get("clonefrom"));
  }

  public String replicatefrom() {
    Object v = values.get("replicatefrom");
    return v == null ? null : String.valueOf(v);
  }

  public boolean nosync() {
    return truthy(values.get("nosync"));
  }

  public int syncPriority() {
    if (nosync()) {
      return 0;
    }
    return intValue(values.get("sync_priority"), 1);
  }

  public boolean nostream() {
    return truthy(values.get("nostream"));
  }

  /** Patroni's truthiness for tag values: true, "true", "on", "yes", "1" (any case), or a non-zero number. */
  public static boolean truthy(Object v) {
    if (v instanceof Boolean b) {
      return b;
    }
    if (v instanceof Number n) {
      return n.doubleValue() != 0;
    }
    if (v instanceof String s) {
      return switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
        case "true", "on", "yes", "y", "1" -> true;
        default -> false;
      };
    }
    return false;
  }

  private static int intValue(Object v, int fallback) {
    if (v instanceof Number n) {
      return n.intValue();
    }
    if (v instanceof String s) {
      try {
        return Integer.parseInt(s.trim());
      } catch (NumberFormatException e) {
        return fallback;
      }
    }
    return fallback;
  }
}
