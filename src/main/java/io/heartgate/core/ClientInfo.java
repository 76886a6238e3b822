package io.heartgate.core;

/** Where a request came from, for the audit log: the client's address and its User-Agent (either may be null). */
public record ClientInfo(String address, String userAgent) {
  /** For actions that no request caused (start-up). */
  public static ClientInfo system() {
    return new ClientInfo(null, null);
  }
}
