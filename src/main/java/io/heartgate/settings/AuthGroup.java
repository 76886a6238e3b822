package io.heartgate.settings;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** Endpoint groups whose authentication an operator may switch off with DISABLED_AUTH_ENDPOINTS. */
public enum AuthGroup {
  AGENTS("agents"),
  CONFIGS("configs"),
  REPORTING_RULES("reporting-rules"),
  HEARTBEAT("heartbeat"),
  LABELS("labels"),
  METRICS("metrics");

  /** What DISABLED_AUTH_ENDPOINTS accepts, in the words of its help and of its refusal. */
  static final String FORM = "a comma list of "
      + Arrays.stream(values()).map(AuthGroup::wireName).collect(Collectors.joining(", ")) + ", or *";

  private final String wireName;

  AuthGroup(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  static Optional<AuthGroup> byWireName(String name) {
    return Arrays.stream(values()).filter(g -> g.wireName.equals(name)).findFirst();
  }

  /** Parses a comma list such as {@code agents,configs} or {@code *}; throws on an unknown group. */
  static Set<AuthGroup> parseList(String value) {
    Set<AuthGroup> groups = EnumSet.noneOf(AuthGroup.class);
    for (String part : value.split(",")) {
      String name = part.trim().toLowerCase(java.util.Locale.ROOT);
      if (name.isEmpty()) {
        continue;
      }
      if (name.equals("*")) {
        return EnumSet.allOf(AuthGroup.class);
      }
      groups.add(byWireName(name).orElseThrow(() -> new IllegalArgumentException("unknown group " + name)));
    }
    return groups;
  }
}
