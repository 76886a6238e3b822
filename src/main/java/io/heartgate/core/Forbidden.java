package io.heartgate.core;

/** The caller is known but may not do this: {@code forbidden}. */
public final class Forbidden extends Failure {
  public Forbidden(String message) {
    super("forbidden", message, null);
  }
}
