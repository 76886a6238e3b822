package io.heartgate.core;

/** No such object, or none the caller may see: {@code not_found}. */
public final class NotFound extends Failure {
  public NotFound(String message) {
    super("not_found", message, null);
  }
}
