package io.heartgate.tokens;

import io.heartgate.auth.Role;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * A token row with its owner's name and current role. Never carries the value; the hash stays in the
 * repository.
 *
 * @param permissions as stored; {@link #effective()} is what the token may do now
 */
public record Token(String id, String name, String userId, String username, Role ownerRole, Set<String> permissions,
    String state, String source, Long expiresAt, long createdAt, String revokedBy, Long revokedAt, Long lastUsedAt) {

  public static final String ACTIVE = "active";
  public static final String REVOKED = "revoked";
  /** The source of the token provisioned from OWNER_TOKEN. */
  public static final String BOOTSTRAP = "bootstrap";

  public Set<String> effective() {
    return ownerRole.clamp(permissions);
  }

  /** Provisioned from OWNER_TOKEN: it belongs to the owner and stays theirs. */
  public boolean fromBootstrap() {
    return BOOTSTRAP.equals(source);
  }

  /** This token as revoked at that time by them. */
  public Token revoked(long at, String by) {
    return new Token(id, name, userId, username, ownerRole, permissions, REVOKED, source, expiresAt, createdAt, by, at,
        lastUsedAt);
  }

  public boolean active() {
    return ACTIVE.equals(state);
  }

  /** The contract's token object; {@code expired} as of {@code now} (epoch milliseconds, from the clock). */
  public JsonObject toJson(long now) {
    return new JsonObject()
        .put("id", id)
        .put("name", name)
        .put("userId", userId)
        .put("username", username)
        .put("permissions", new JsonArray(List.copyOf(effective())))
        .put("state", state)
        .put("expired", expiresAt != null && expiresAt <= now)
        .put("expiresAt", time(expiresAt))
        .put("createdAt", time(createdAt))
        .put("revokedAt", time(revokedAt))
        .put("revokedBy", revokedBy)
        .put("lastUsedAt", time(lastUsedAt))
        .put("source", source);
  }

  private static String time(Long millis) {
    return millis == null ? null : Instant.ofEpochMilli(millis).toString();
  }
}
