package io.vigil.dcs;

/**
 * The DCS could not be asked or did not answer within retry_timeout. Whether a write took effect is unknown:
 * the caller re-reads and re-decides, never replays a CAS blindly.
 */
public class DcsUnavailableException extends RuntimeException {
  public DcsUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }

  public DcsUnavailableException(String message) {
    super(message);
  }
}
