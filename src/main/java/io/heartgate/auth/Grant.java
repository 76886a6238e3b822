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
    permissions = Set.copyOf(permissions);
  }

  public boolean expiredAt(long nowMillis) {
    return expiresAt != null && expiresAt <= nowMillis;
  }
}
