package io.heartgate.settings;

/** A setting that cannot be used; its message is the one line printed before exiting with code 2. */
public final class InvalidSettingException extends RuntimeException {
  public InvalidSettingException(String message) {
    super(message, null, false, false);
  }
}
