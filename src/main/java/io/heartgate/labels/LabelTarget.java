package io.heartgate.labels;

/** What a label can be assigned to, the table that holds those assignments, and the table of the objects. */
public enum LabelTarget {
  AGENT("agent", "agent_labels", "agent_id", "agents", "An agent", "Agent"),
  CONFIG("config", "config_labels", "config_id", "configs", "A config", "Config");

  final String auditType;
  final String table;
  final String column;
  /** The table of the objects themselves, keyed by {@code id}. */
  final String objects;
  /** How a message names one of them, unnamed and named. */
  final String anyOne;
  final String named;

  LabelTarget(String auditType, String table, String column, String objects, String anyOne, String named) {
    this.auditType = auditType;
    this.table = table;
    this.column = column;
    this.objects = objects;
    this.anyOne = anyOne;
    this.named = named;
  }
}
