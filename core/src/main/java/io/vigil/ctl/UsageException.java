package io.vigil.ctl;

/** A wrong option value found after parsing: printed like a usage error, exit code 2 (click's BadParameter). */
public class UsageException extends CtlException {
  public UsageException(String message) {
    super(message);
  }
}
