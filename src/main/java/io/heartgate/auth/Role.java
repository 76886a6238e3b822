package io.heartgate.auth;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The four roles, declared from the highest rank to the lowest, and what each grants; a token never holds more
 * than its owner's current role.
 */
public enum Role {
  OWNER(Set.copyOf(Permissions.ALL)),
  ADMINISTRATOR(Set.copyOf(Permissions.ALL)),
  MANAGER(Permissions.ALL.stream()
      .filter(p -> p.startsWith("configs:") || p.startsWith("agents:") || p.startsWith("heartbeat:")
          || p.startsWith("reporting-rules:") || p.startsWith("labels:") || p.startsWith("constants:")
          || p.startsWith("config-groups:") || p.startsWith("tokens:"))
      .collect(Collectors.toUnmodifiableSet())),
  VIEWER(Set.of("configs:read", "agents:read", "heartbeat:read", "reporting-rules:read", "labels:read",
      "constants:read", "config-groups:read"));

  /** Looked up on every token-authenticated request: a map, not a scan. */
  private static final Map<String, Role> BY_WIRE_NAME = Arrays.stream(values())
      .collect(Collectors.toUnmodifiableMap(Role::wireName, role -> role));

  private final Set<String> permissions;
  private final String wireName;

  Role(Set<String> permissions) {
    this.permissions = permissions;
    this.wireName = name().toLowerCase(Locale.ROOT);
  }

  public Set<String> permissions() {
    return permissions;
  }

  /**
   * What a token storing {@code stored} may do under this role: the stored permissions the role grants, in the
   * contract's order. The one place the rule "effective = stored ∩ role" is written.
   */
  public Set<String> clamp(Set<String> stored) {
    return Permissions.intersect(stored, permissions);
  }

  public String wireName() {
    return wireName;
  }

  /** Owner > administrator > manager > viewer: the order of declaration. */
  public boolean ranksAbove(Role other) {
    return compareTo(other) < 0;
  }

  /** Owner and administrator see and manage every token; a manager only their own. */
  public boolean managesAllTokens() {
    return this == OWNER || this == ADMINISTRATOR;
  }

  public static Optional<Role> byWireName(String name) {
    return Optional.ofNullable(name == null ? null : BY_WIRE_NAME.get(name));
  }

  public static Role of(String wireName) {
    return byWireName(wireName).orElseThrow(() -> new IllegalStateException("unknown role " + wireName));
  }
}
