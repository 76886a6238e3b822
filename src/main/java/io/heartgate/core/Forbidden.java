package io.heartgate.core;

/** The caller is known but may not do this: {@code forbidden}. */
public final class Forbidden extends Failure {
  public Forbidden(String message) {
    super("forbidden", message, null);
  }

  /** A refusal of a particular kind (for example {@code csrf_rejected}). */
  public Forbidden(String code, String message) {
    super(code, message, null);
  }
}
