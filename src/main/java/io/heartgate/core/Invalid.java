package io.heartgate.core;

import java.util.LinkedHashMap;
import java.util.Map;

/** The request is malformed or a field breaks a rule: {@code invalid_request}, naming the field when there is one. */
public final class Invalid extends Failure {
  private final String field;

  /** A field breaks a rule; the message says which rule. */
  public Invalid(String field, String message) {
    super("invalid_request", message, field == null ? null : Map.of("field", field));
    this.field = field;
  }

  /** A field breaks a rule, with more details than the field's name (a line and column, missing names). */
  public Invalid(String field, String message, Map<String, Object> details) {
    super("invalid_request", message, withField(field, details));
    this.field = field;
  }

  /** The request as a whole is malformed (no single field to name). */
  public static Invalid request(String message) {
    return new Invalid(null, message);
  }

  private static Map<String, Object> withField(String field, Map<String, Object> details) {
    Map<String, Object> all = new LinkedHashMap<>();
    if (field != null) {
      all.put("field", field);
    }
    all.putAll(details);
    return all;
  }

  /** The field, or null. */
  public String field() {
    return field;
  }
}
