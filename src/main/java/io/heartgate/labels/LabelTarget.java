package io.heartgate.labels;

/** What a label can be assigned to, and the table that holds those assignments. */
public enum LabelTarget {
  AGENT("agent", "agent_labels", "agent_id"),
  CONFIG("config", "config_labels", "config_id");

  final String auditType;
  final String table;
  final String column;

  LabelTarget(String auditType, String table, String column) {
    this.auditType = auditType;
    this.table = table;
    this.column = column;
  }
}
