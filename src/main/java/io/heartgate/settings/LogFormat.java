package io.heartgate.settings;

import java.util.Locale;

/** How log lines are written: {@code text} for people, {@code json} for one JSON object per line. */
public enum LogFormat {
  TEXT, JSON;

  static final String FORM = "text or json";

  static LogFormat parse(String value) {
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "text" -> TEXT;
      case "json" -> JSON;
      default -> throw new IllegalArgumentException("unknown format");
    };
  }

  /** As the operator writes it (and as GET /api/settings shows it). */
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
