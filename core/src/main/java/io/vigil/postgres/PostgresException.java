package io.vigil.postgres;

/**
 * A PostgreSQL operation failed: a tool exited non-zero, the postmaster died while starting, a wait timed out.
 * The message names the operation and carries the tool's last output lines, never a password.
 */
public final class PostgresException extends RuntimeException {
  public PostgresException(String message) {
    super(message);
  }

  public PostgresException(String message, Throwable cause) {
    super(message, cause);
  }
}
