package io.vigil.ctl;

/**
 * A vigilctl failure the operator can act on: printed as {@code Error: <message>} on one line, exit code 1,
 * like patronictl's PatroniCtlException.
 */
public class CtlException extends RuntimeException {
  public CtlException(String message) {
    super(message);
  }

  public CtlException(String message, Throwable cause) {
    super(message, cause);
  }
}
