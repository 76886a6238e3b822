package io.heartgate.core;

import java.util.Map;

/** A body or a field is larger than allowed: {@code payload_too_large}. */
public final class TooLarge extends Failure {
  public TooLarge(String field, String message) {
    super("payload_too_large", message, field == null ? null : Map.of("field", field));
  }
}
