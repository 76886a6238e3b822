package io.heartgate.core;

/** The body is not of a type the route reads: {@code unsupported_media_type}. */
public final class UnsupportedMediaType extends Failure {
  public UnsupportedMediaType(String message) {
    super("unsupported_media_type", message, null);
  }
}
