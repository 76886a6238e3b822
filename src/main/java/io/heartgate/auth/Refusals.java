package io.heartgate.auth;

/**
 * The contract's sentences for a 401, written once: the authenticator, the session service and the verifier
 * refuse in the same words.
 */
public final class Refusals {
  public static final String MISSING_HEADER = "Missing or invalid Authorization header";
  public static final String INVALID_FORMAT = "Invalid token format";
  public static final String INVALID_TOKEN = "Invalid token";
  public static final String TOKEN_EXPIRED = "Token expired";

  private Refusals() {
  }
}
