package io.vigil.config;

import java.util.Objects;

/**
 * A password or other secret from the configuration. Its {@link #toString()} never shows the value, so a
 * secret inside any settings record stays out of logs, error text and REST answers; only code that really
 * needs the value (a connection, a pgpass file, an Authorization header) calls {@link #reveal()}.
 */
public final class Secret {
  private final String value;

  private Secret(String value) {
    this.value = Objects.requireNonNull(value, "value");
  }

  /** Wraps a value; null stays null so optional passwords keep their absence. */
  public static Secret of(String value) {
    return value == null ? null : new Secret(value);
  }

  public String reveal() {
    return value;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Secret s && s.value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public String toString() {
    return "******";
  }
}
