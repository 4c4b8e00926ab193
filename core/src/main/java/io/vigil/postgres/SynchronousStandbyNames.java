package io.vigil.postgres;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Renders {@code synchronous_standby_names} as Patroni does (docs/postgres.md §6.6). */
public final class SynchronousStandbyNames {
  /** What strict mode writes when no standby qualifies, so that commits wait. */
  public static final String STRICT_PLACEHOLDER = "__patroni_strict_sync_replica_placeholder__";
  private static final Pattern PLAIN = Pattern.compile("^[A-Za-z_][A-Za-z_0-9$]*$");

  private SynchronousStandbyNames() {}

  /**
   * @param names member names (application_name) in priority order
   * @param count how many must acknowledge
   * @param quorum {@code ANY n (...)} instead of the priority form
   * @return the value, or null for "no synchronous standbys" when {@code names} is empty
   */
  public static String format(List<String> names, int count, boolean quorum) {
    if (names.isEmpty()) {
      return null;
    }
    String list = names.stream().map(SynchronousStandbyNames::quote).collect(Collectors.joining(","));
    if (quorum) {
      return "ANY " + count + " (" + list + ")";
    }
    if (names.size() == 1 && count <= 1) {
      return list;
    }
    return count + " (" + list + ")";
  }

  static String quote(String name) {
    return PLAIN.matcher(name).matches() ? name : "\"" + name.replace("\"", "\"\"") + "\"";
  }
}
