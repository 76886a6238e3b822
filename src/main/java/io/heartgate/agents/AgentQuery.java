package io.heartgate.agents;

import io.heartgate.labels.LabelFilter;

/**
 * One page request of {@code GET /api/agents}.
 *
 * @param status only agents with this status, or null
 * @param search case-insensitive substring of id, hostname or ip, or null
 * @param after the cursor: the last agent of the previous page, or null for the first page
 * @param labels only agents carrying every one of these labels
 */
public record AgentQuery(String status, String search, SortKey sortBy, boolean descending, int limit,
    AgentCursor after, LabelFilter labels) {

  /** The sortable columns and the SQL expression of each (over the derived table of AgentRepository). */
  public enum SortKey {
    ID("id", "x.id"),
    HOSTNAME("hostname", "COALESCE(x.hostname, '')"),
    LAST_SEEN("lastSeen", "x.last_seen"),
    STATUS("status", "x.status");

    final String wireName;
    final String expression;

    SortKey(String wireName, String expression) {
      this.wireName = wireName;
      this.expression = expression;
    }

    public String wireName() {
      return wireName;
    }

    static SortKey byWireName(String name) {
      for (SortKey key : values()) {
        if (key.wireName.equals(name)) {
          return key;
        }
      }
      return null;
    }
  }
}
