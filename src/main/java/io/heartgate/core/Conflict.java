package io.heartgate.core;

import java.util.Map;

/** The request clashes with the state of the store (a taken name, an object in use); the code says which clash. */
public final class Conflict extends Failure {
  public Conflict(String code, String message) {
    super(code, message, null);
  }

  public Conflict(String code, String message, Map<String, Object> details) {
    super(code, message, details);
  }
}
