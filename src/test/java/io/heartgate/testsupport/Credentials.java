package io.heartgate.testsupport;

/** How a test request authenticates: an Authorization header, a session cookie, or nothing. */
public record Credentials(String authorization, String cookie) {
  public static final Credentials NONE = new Credentials(null, null);

  public static Credentials bearer(String token) {
    return new Credentials("Bearer " + token, null);
  }

  public static Credentials tokenScheme(String token) {
    return new Credentials("Token " + token, null);
  }

  public static Credentials header(String authorization) {
    return new Credentials(authorization, null);
  }

  public static Credentials session(String cookie) {
    return new Credentials(null, cookie);
  }
}
