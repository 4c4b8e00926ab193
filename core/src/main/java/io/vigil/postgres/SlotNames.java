package io.vigil.postgres;

import java.util.Locale;

/** Replication slot names derived from member names, exactly as Patroni derives them (docs/postgres.md §6.4). */
public final class SlotNames {
  private SlotNames() {}

  /**
   * Lowercase; {@code -} and {@code .} become {@code _}; any other character outside {@code [a-z0-9_]} becomes
   * {@code u} plus its code point as 4 decimal digits; cut to 63 characters. {@code postgres-1 → postgres_1}.
   */
  public static String forMember(String memberName) {
    String lower = memberName.toLowerCase(Locale.ROOT);
    StringBuilder out = new StringBuilder();
    lower.codePoints().forEach(c -> {
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_') {
        out.appendCodePoint(c);
      } else if (c == '-' || c == '.') {
        out.append('_');
      } else {
        out.append('u').append(String.format(Locale.ROOT, "%04d", c));
      }
    });
    return out.length() > 63 ? out.substring(0, 63) : out.toString();
  }
}
