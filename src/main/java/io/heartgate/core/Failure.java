package io.heartgate.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Why the domain refused a request, with the contract's error code and sentence. Services fail with one of the
 * subclasses; {@code http/ErrorResponder} alone turns it into a status and a body. No stack trace: a failure is
 * an answer, not a bug.
 */
public abstract sealed class Failure extends RuntimeException
    permits Invalid, Unauthorized, Forbidden, NotFound, Conflict, TooLarge, UnsupportedMediaType, TooManyAttempts,
    Unavailable {
  private final String code;
  private final Map<String, Object> details;

  Failure(String code, String message, Map<String, Object> details) {
    super(message, null, false, false);
    this.code = code;
    this.details = details == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(details));
  }

  /** The contract's snake_case error code. */
  public String code() {
    return code;
  }

  /** Machine-readable details (for example the field a 400 is about); empty when there are none. */
  public Map<String, Object> details() {
    return details;
  }
}
