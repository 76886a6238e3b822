package io.heartgate.core;

/**
 * How an API token is written, {@code tc-apiv1_} + 64 lowercase hex characters: on the bottom floor, so that the
 * settings can refuse a malformed OWNER_TOKEN at start-up as well as the HTTP edge a malformed header.
 */
public final class TokenSyntax {
  public static final String PREFIX = "tc-apiv1_";
  public static final int HEX_LENGTH = 64;
  /** The form in words, for messages. */
  public static final String FORM = PREFIX + " followed by " + HEX_LENGTH + " lowercase hex characters";

  private TokenSyntax() {
  }

  public static boolean isWellFormed(String token) {
    if (token == null || token.length() != PREFIX.length() + HEX_LENGTH || !token.startsWith(PREFIX)) {
      return false;
    }
    for (int i = PREFIX.length(); i < token.length(); i++) {
      char c = token.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
        return false;
      }
    }
    return true;
  }
}
