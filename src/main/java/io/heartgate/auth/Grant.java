package io.heartgate.auth;

import java.util.Set;

/**
 * What a verified token may do: its owner, the owner's role and its effective permissions (stored, clamped by
 * {@link Role#clamp}). Crosses the event bus by reference, so it is immutable.
 *
 * @param expiresAt epoch milliseconds, or null when the token never expires
 */
public record Grant(String tokenId, String userId, String username, Role role, Set<String> permissions,
    Long expiresAt) {
  public Grant {
    // A node caches up to a million grants, most of them of a few users: one copy of each user's id and name
    // instead of one per grant (about a quarter of a cached grant's bytes).
    userId = userId.intern();
    username = username.intern();
    permissions = Set.copyOf(permissions);
  }

  public boolean expiredAt(long nowMillis) {
    return expiresAt != null && expiresAt <= nowMillis;
  }
}
