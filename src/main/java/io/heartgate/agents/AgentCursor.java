package io.heartgate.agents;

import io.heartgate.core.Cursor;
import io.vertx.core.json.JsonObject;

/**
 * Where a page of agents ended: the sort value and id of its last agent (a keyset, so pages stay exact however
 * many agents are added or removed meanwhile), as a {@link Cursor} that also names the sort it belongs to.
 *
 * @param value the last agent's sort value: a String, or a Long for lastSeen
 */
public record AgentCursor(String sortBy, boolean descending, Object value, String id) {

  private static final String RULE = "cursor is not a nextCursor of this listing (same sortBy and sortOrder)";

  String encode() {
    return Cursor.encode(new JsonObject().put("s", sortBy).put("d", descending).put("v", value).put("i", id));
  }

  /** Decodes a cursor made for the same sort; anything else is a 400 naming {@code cursor}. */
  static AgentCursor decode(String text, AgentQuery.SortKey sortBy, boolean descending) {
    JsonObject json = Cursor.decode(text, RULE);
    Object value = json.getValue("v");
    boolean numeric = sortBy == AgentQuery.SortKey.LAST_SEEN;
    if (!sortBy.wireName().equals(json.getValue("s")) || !Boolean.valueOf(descending).equals(json.getValue("d"))
        || !(json.getValue("i") instanceof String id) || id.indexOf('\0') >= 0
        || !(numeric ? value instanceof Integer || value instanceof Long
            : value instanceof String written && written.indexOf('\0') < 0)) {
      throw Cursor.invalid(RULE);
    }
    AgentCursor cursor = new AgentCursor(sortBy.wireName(), descending, numeric ? ((Number) value).longValue() : value,
        id);
    return Cursor.exact(text, cursor, cursor.encode(), RULE);
  }
}
