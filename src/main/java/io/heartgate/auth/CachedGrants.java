package io.heartgate.auth;

/**
 * The verifier's read-only view of its cache, which routers read on the hot path without an event-bus hop.
 * Anything it does not answer goes to the verifier over {@code auth.verify}.
 */
public interface CachedGrants {
  /**
   * The grant of a token hash if it is cached, loaded and not expired now, recorded as used; else null (no
   * Optional: this runs on every token-authenticated request).
   */
  Grant usable(String tokenHash);
}
