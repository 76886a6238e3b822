package io.heartgate.settings;

import ch.qos.logback.classic.Level;
import java.util.Locale;

/** The least severe log level written. */
public enum LogLevel {
  ERROR(Level.ERROR), WARN(Level.WARN), INFO(Level.INFO), DEBUG(Level.DEBUG);

  static final String FORM = "error, warn, info or debug";

  private final Level logback;

  LogLevel(Level logback) {
    this.logback = logback;
  }

  Level logback() {
    return logback;
  }

  static LogLevel parse(String value) {
    try {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown level");
    }
  }

  /** As the operator writes it (and as GET /api/settings shows it). */
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
