package io.heartgate.users;

import io.heartgate.core.Invalid;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a new password must be (setup, a new user, a change, OWNER_PASSWORD): 8 to 1024 characters, not a commonly
 * used one (on the shipped list, or one character repeated), not the username. A refusal names the rule.
 */
final class PasswordRules {
  static final int MIN_LENGTH = 8;
  static final int MAX_LENGTH = 1024;
  private static final Set<String> COMMON = load("common-passwords.txt");

  private PasswordRules() {
  }

  /** Throws a 400 naming {@code password} and the rule it breaks. */
  static void check(String username, String password) {
    if (password.length() < MIN_LENGTH) {
      throw new Invalid("password", "password must be at least " + MIN_LENGTH + " characters");
    }
    if (password.length() > MAX_LENGTH) {
      throw new Invalid("password", "password must be at most " + MAX_LENGTH + " characters");
    }
    String lower = password.toLowerCase(Locale.ROOT);
    if (lower.codePoints().distinct().count() == 1) {
      throw new Invalid("password", "password is a commonly used password (one character repeated)");
    }
    if (COMMON.contains(lower)) {
      throw new Invalid("password", "password is a commonly used password");
    }
    if (lower.equals(username.toLowerCase(Locale.ROOT))) {
      throw new Invalid("password", "password must not be the same as the username");
    }
  }

  private static Set<String> load(String resource) {
    InputStream in = PasswordRules.class.getResourceAsStream(resource);
    if (in == null) {
      throw new IllegalStateException(resource + " is missing from the class path");
    }
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      return lines.lines().map(String::strip).filter(line -> !line.isEmpty() && !line.startsWith("#"))
          .collect(Collectors.toUnmodifiableSet());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
