package io.heartgate.auth;

/**
 * What the token rules need to know of a user: who they are, their current role, and whether they may act at
 * all. Crosses from the users feature to the tokens feature through {@link Accounts}.
 */
public record Account(String id, String username, Role role, boolean active) {
}
