package io.heartgate.auth;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** The permission strings {@code resource:action} of the contract, and the presets usable in their place. */
public final class Permissions {
  public static final List<String> ALL = List.of(
      "configs:read", "configs:write", "configs:delete",
      "agents:read", "agents:write", "agents:delete",
      "heartbeat:read", "heartbeat:write",
      "reporting-rules:read", "reporting-rules:write", "reporting-rules:delete",
      "tokens:read", "tokens:write", "tokens:delete",
      "users:read", "users:write", "users:delete",
      "settings:read", "settings:write",
      "audit:read",
      "metrics:read",
      "labels:read", "labels:write", "labels:delete",
      "constants:read", "constants:write", "constants:delete",
      "config-groups:read", "config-groups:write", "config-groups:delete");
  private static final Set<String> KNOWN = Set.copyOf(ALL);

  public static final String PRESET_TELEGRAF_AGENT = "telegraf-agent";
  public static final String PRESET_READ_ONLY = "read-only";
  public static final String PRESET_FULL = "full";
  public static final List<String> PRESETS = List.of(PRESET_TELEGRAF_AGENT, PRESET_READ_ONLY, PRESET_FULL);

  private Permissions() {
  }

  public static boolean isKnown(String permission) {
    return KNOWN.contains(permission);
  }

  public static boolean isPreset(String name) {
    return PRESETS.contains(name);
  }

  /** What a preset grants within a ceiling (the owner's role, narrowed by the creating token). */
  public static Set<String> preset(String name, Set<String> ceiling) {
    Set<String> granted = new TreeSet<>();
    for (String permission : ceiling) {
      boolean included = switch (name) {
        case PRESET_TELEGRAF_AGENT -> permission.equals("configs:read") || permission.equals("heartbeat:write");
        case PRESET_READ_ONLY -> permission.endsWith(":read");
        case PRESET_FULL -> true;
        default -> throw new IllegalArgumentException("unknown preset " + name);
      };
      if (included) {
        granted.add(permission);
      }
    }
    return granted;
  }

  /** Intersection, in the contract's order. */
  public static Set<String> intersect(Set<String> a, Set<String> b) {
    Set<String> both = new LinkedHashSet<>();
    for (String permission : ALL) {
      if (a.contains(permission) && b.contains(permission)) {
        both.add(permission);
      }
    }
    return both;
  }

  /** The known permissions of a set, in the contract's order. */
  public static Set<String> inOrder(Set<String> permissions) {
    return intersect(permissions, KNOWN);
  }

  /** Stored form: a comma list. */
  public static String encode(Set<String> permissions) {
    return String.join(",", inOrder(permissions));
  }

  public static Set<String> decode(String stored) {
    Set<String> permissions = new LinkedHashSet<>();
    for (String permission : stored.split(",")) {
      if (isKnown(permission)) {
        permissions.add(permission);
      }
    }
    return permissions;
  }
}
