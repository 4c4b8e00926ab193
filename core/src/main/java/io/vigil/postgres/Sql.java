package io.vigil.postgres;

/** Quoting for the few statements that cannot take bind parameters (CREATE/ALTER ROLE, GRANT). */
final class Sql {
  private Sql() {}

  static String identifier(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  /** An escape-string literal: safe whatever standard_conforming_strings says. */
  static String literal(String value) {
    return "E'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
  }
}
