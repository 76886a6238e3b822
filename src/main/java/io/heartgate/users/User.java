package io.heartgate.users;

import io.heartgate.auth.Account;
import io.heartgate.auth.Role;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** A user row. The password hash never leaves the users package. */
public record User(String id, String username, String passwordHash, Role role, String status, long createdAt) {

  public static final String ACTIVE = "active";
  public static final String DISABLED = "disabled";

  public boolean active() {
    return ACTIVE.equals(status);
  }

  /** What other features may know of this user. */
  public Account account() {
    return new Account(id, username, role, active());
  }

  /** The contract's user object. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("username", username)
        .put("role", role.wireName())
        .put("status", status)
        .put("createdAt", Instant.ofEpochMilli(createdAt).toString());
  }
}
