package io.heartgate.configs;

/**
 * Where a basic string of a TOML document (a value, a quoted key, a table name) holds a Unicode escape that names a
 * surrogate (D800 to DFFF, alone or two escapes making a pair): no Unicode scalar value. TOML forbids it and
 * Telegraf's parser refuses it (Go's {@code strconv.Unquote}); the parser Heartgate checks with takes it, and, served,
 * such a config would fail to load on every agent. For a document that otherwise parses: comments and literal
 * strings are skipped, where such text is no escape.
 */
final class TomlEscapes {
  private final String text;
  private int i;

  private TomlEscapes(String text) {
    this.text = text;
  }

  /** An escape as written ({@code \uD800}) and where it begins (its backslash). */
  record Escape(int at, String written) {
  }

  /** The first such escape; null when there is none. */
  static Escape firstSurrogate(String text) {
    return new TomlEscapes(text).scan();
  }

  private Escape scan() {
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '#') {
        int end = text.indexOf('\n', i);
        i = end < 0 ? text.length() : end;
      } else if (c == '"') {
        Escape escape = basicString(text.startsWith("\"\"\"", i) ? "\"\"\"" : "\"");
        if (escape != null) {
          return escape;
        }
      } else if (c == '\'') {
        String delimiter = text.startsWith("'''", i) ? "'''" : "'";
        int end = text.indexOf(delimiter, i + delimiter.length());
        i = end < 0 ? text.length() : end;
        closeWith(delimiter);
      } else {
        i++;
      }
    }
    return null;
  }

  /** Reads the basic string opening at i up to its delimiter; its first escape naming a surrogate, or null. */
  private Escape basicString(String delimiter) {
    i += delimiter.length();
    while (i < text.length() && !text.startsWith(delimiter, i)) {
      if (text.charAt(i) != '\\') {
        i++;
        continue;
      }
      int digits = i + 1 < text.length() ? switch (text.charAt(i + 1)) {
        case 'u' -> 4;
        case 'U' -> 8;
        default -> 0;
      } : 0;
      long codePoint = codePoint(i + 2, digits);
      if (codePoint >= Character.MIN_SURROGATE && codePoint <= Character.MAX_SURROGATE) {
        return new Escape(i, text.substring(i, i + 2 + digits));
      }
      i += 2 + digits;
    }
    closeWith(delimiter);
    return null;
  }

  /** The code point the hex digits from there name; -1 for none (no digits, too few, or not hex). */
  private long codePoint(int from, int digits) {
    if (digits == 0 || from + digits > text.length()) {
      return -1;
    }
    long value = 0;
    for (int at = from; at < from + digits; at++) {
      int digit = Character.digit(text.charAt(at), 16);
      if (digit < 0) {
        return -1;
      }
      value = value * 16 + digit;
    }
    return value;
  }

  /**
   * Steps over the delimiter at i; a multi-line one may close with one or two quotes of the content before it
   * ({@code """"} ends a string with a quote).
   */
  private void closeWith(String delimiter) {
    i = Math.min(text.length(), i + delimiter.length());
    for (int extra = 0; delimiter.length() == 3 && extra < 2 && i < text.length()
        && text.charAt(i) == delimiter.charAt(0); extra++) {
      i++;
    }
  }
}
