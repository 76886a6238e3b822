package io.heartgate.auth;

import com.github.benmanes.caffeine.cache.Interner;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * What a verified token may do: its owner, the owner's role and its effective permissions (stored, clamped by
 * {@link Role#clamp}). Crosses the event bus by reference, so it is immutable.
 *
 * <p>A node caches a grant per token, a million of them for a fleet, so a grant is kept small. The token's id, a
 * UUID, is held as its two longs (any other id as it is) and its string made when asked for. A fleet's tokens
 * belong to a few users with a few permission sets: equal owner ids, usernames and permission sets are shared by
 * all the grants holding them (weakly interned, so a value no grant holds any more is collected). Sharing is by
 * value only: each grant still holds exactly what its own row said, so a change to a user can reach no grant but
 * through the invalidation that drops it.
 */
public final class Grant {
  /** The {@code expiresAt} of a token that never expires. */
  public static final long NEVER = Long.MAX_VALUE;
  private static final Interner<String> OWNERS = Interner.newWeakInterner();
  private static final Interner<Set<String>> PERMISSION_SETS = Interner.newWeakInterner();

  private final long idHigh;
  private final long idLow;
  /** The token's id when it is not a UUID in its canonical form; null when the two longs hold it. */
  private final String idText;
  private final String userId;
  private final String username;
  private final Role role;
  private final Set<String> permissions;
  private final long expiresAt;

  /** @param expiresAt epoch milliseconds, or {@link #NEVER} (a primitive: a boxed time is one more object) */
  public Grant(String tokenId, String userId, String username, Role role, Set<String> permissions,
      long expiresAt) {
    UUID uuid = canonicalUuid(tokenId);
    this.idHigh = uuid == null ? 0 : uuid.getMostSignificantBits();
    this.idLow = uuid == null ? 0 : uuid.getLeastSignificantBits();
    this.idText = uuid == null ? tokenId : null;
    this.userId = OWNERS.intern(userId);
    this.username = OWNERS.intern(username);
    this.role = role;
    this.permissions = PERMISSION_SETS.intern(Set.copyOf(permissions));
    this.expiresAt = expiresAt;
  }

  /** Matches the grants of the token with this id, comparing without making a grant's id string. */
  static Predicate<Grant> ofToken(String tokenId) {
    UUID uuid = canonicalUuid(tokenId);
    if (uuid == null) {
      return grant -> tokenId.equals(grant.idText);
    }
    long high = uuid.getMostSignificantBits();
    long low = uuid.getLeastSignificantBits();
    return grant -> grant.idText == null && grant.idHigh == high && grant.idLow == low;
  }

  /** The id as a UUID when it is one's canonical (lowercase) string, so that it converts back to the same id. */
  private static UUID canonicalUuid(String id) {
    if (id.length() != 36) {
      return null;
    }
    try {
      UUID uuid = UUID.fromString(id);
      return uuid.toString().equals(id) ? uuid : null;
    } catch (IllegalArgumentException notAUuid) {
      return null;
    }
  }

  public String tokenId() {
    return idText != null ? idText : new UUID(idHigh, idLow).toString();
  }

  public String userId() {
    return userId;
  }

  public String username() {
    return username;
  }

  public Role role() {
    return role;
  }

  public Set<String> permissions() {
    return permissions;
  }

  public boolean expiredAt(long nowMillis) {
    return expiresAt <= nowMillis;
  }
}
