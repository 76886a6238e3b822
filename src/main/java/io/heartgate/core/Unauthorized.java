package io.heartgate.core;

/** No usable credentials: {@code unauthorized}. */
public final class Unauthorized extends Failure {
  public Unauthorized(String message) {
    super("unauthorized", message, null);
  }
}
