package io.heartgate.heartbeat;

import java.util.List;

/**
 * What one streaming pass read from a heartbeat body, before any rule is checked, so that {@link HeartbeatParser}
 * checks the fields in its fixed order whatever the order of the document. Every field is null when absent or
 * JSON null, {@link #OTHER_TYPE} when the JSON type is not the one the field takes, else its value.
 */
final class HeartbeatFields {
  /** A value of another JSON type than the field takes (an object where a string belongs, a fraction, …). */
  static final Object OTHER_TYPE = new Object() {
    @Override
    public String toString() {
      return "a value of another JSON type";
    }
  };

  /** Log attributes holding NUL or an unpaired surrogate in a name or a string. */
  static final Object NOT_UNICODE = new Object() {
    @Override
    public String toString() {
      return "text with NUL or an unpaired surrogate";
    }
  };

  /** A String. */
  Object id;
  Object version;
  Object hostname;
  Object status;
  /** A Long (an integer within 64 bits). */
  Object schema;
  Object last;
  /** A list of items, each a String or {@link #OTHER_TYPE}. */
  Object configurations;
  /** {@link Statistics}. */
  Object statistics;
  /** A list of items, each {@link LogFields} or {@link #OTHER_TYPE}. */
  Object logs;

  /** The counters of {@code statistics}, each a Long. */
  static final class Statistics {
    Object errors;
    Object warnings;
    Object metrics;
  }

  /** One log entry: texts, and {@code attributes} as {@link LogLimits.Attributes} (or {@link #NOT_UNICODE}). */
  static final class LogFields {
    Object time;
    Object level;
    Object source;
    Object message;
    Object attributes;
  }

  /** The list a field holds, read as it was collected. */
  @SuppressWarnings("unchecked")
  static List<Object> items(Object list) {
    return (List<Object>) list;
  }
}
