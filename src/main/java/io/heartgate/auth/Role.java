package io.heartgate.auth;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** The four roles and what each grants; a token never holds more than its owner's current role. */
public enum Role {
  OWNER(Set.copyOf(Permissions.ALL)),
  ADMINISTRATOR(Set.copyOf(Permissions.ALL)),
  MANAGER(Permissions.ALL.stream()
      .filter(p -> p.startsWith("configs:") || p.startsWith("agents:") || p.startsWith("heartbeat:")
          || p.startsWith("reporting-rules:") || p.startsWith("tokens:"))
      .collect(Collectors.toUnmodifiableSet())),
  VIEWER(Set.of("configs:read", "agents:read", "heartbeat:read", "reporting-rules:read"));

  private final Set<String> permissions;

  Role(Set<String> permissions) {
    this.permissions = permissions;
  }

  public Set<String> permissions() {
    return permissions;
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Owner and administrator see and manage every token; a manager only their own. */
  public boolean managesAllTokens() {
    return this == OWNER || this == ADMINISTRATOR;
  }

  public static Optional<Role> byWireName(String name) {
    return Arrays.stream(values()).filter(r -> r.wireName().equals(name)).findFirst();
  }

  public static Role of(String wireName) {
    return byWireName(wireName).orElseThrow(() -> new IllegalStateException("unknown role " + wireName));
  }
}
