package io.heartgate.auth;

import java.util.Set;

/**
 * Who is calling and what they may do: a user through a session, a user's token, or nobody where an
 * operator disabled authentication for the route's group.
 *
 * @param tokenId the token used, or null for a session or an anonymous caller
 */
public record Principal(String userId, String username, Role role, Set<String> permissions, String tokenId) {
  public Principal {
    permissions = Set.copyOf(permissions);
  }

  /** A caller let in without credentials because the route's group has authentication disabled. */
  public static Principal anonymous(Set<String> permissions) {
    return new Principal(null, null, null, permissions, null);
  }

  public static Principal of(Grant grant) {
    return new Principal(grant.userId(), grant.username(), grant.role(), grant.permissions(),
        grant.tokenId());
  }

  public boolean has(String permission) {
    return permissions.contains(permission);
  }

  public boolean isAnonymous() {
    return userId == null;
  }

  /** For the audit log: "token" when a token acted, "user" for a session. */
  public String actorType() {
    return isAnonymous() ? "anonymous" : tokenId != null ? "token" : "user";
  }

  public String actorId() {
    return tokenId != null ? tokenId : userId;
  }
}
