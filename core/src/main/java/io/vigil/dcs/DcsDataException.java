package io.vigil.dcs;

/** A stored value could not be parsed: the message names the key and the reason, never a secret. */
public class DcsDataException extends RuntimeException {
  public DcsDataException(String message, Throwable cause) {
    super(message, cause);
  }

  public DcsDataException(String message) {
    super(message);
  }
}
