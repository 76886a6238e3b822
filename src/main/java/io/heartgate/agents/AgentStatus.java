package io.heartgate.agents;

import java.util.Arrays;
import java.util.List;

/** The statuses an agent can have: what it reported, or {@code not_reporting} once its rule says it is silent. */
public enum AgentStatus {
  OK("ok"),
  WARN("warn"),
  FAIL("fail"),
  UNDEFINED("undefined"),
  NOT_REPORTING("not_reporting");

  /** Every status as the API writes it, in this order. */
  public static final List<String> WIRE_NAMES = Arrays.stream(values()).map(AgentStatus::wireName).toList();

  private final String wireName;

  AgentStatus(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  /** The status of that wire name; an unknown one is an {@link IllegalArgumentException}. */
  public static AgentStatus ofWireName(String name) {
    return Arrays.stream(values()).filter(status -> status.wireName.equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no agent status " + name));
  }

  /** Whether the API knows this status ({@code ?status=} of a listing). */
  public static boolean isWireName(String name) {
    return WIRE_NAMES.contains(name);
  }
}
