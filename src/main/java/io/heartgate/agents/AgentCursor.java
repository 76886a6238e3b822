package io.heartgate.agents;

import io.heartgate.core.Invalid;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Where a page of agents ended: the sort value and id of its last agent (a keyset, so pages stay exact however
 * many agents are added or removed meanwhile). Opaque to clients: base64url of a small JSON object that also
 * names the sort it belongs to.
 *
 * @param value the last agent's sort value: a String, or a Long for lastSeen
 */
public record AgentCursor(String sortBy, boolean descending, Object value, String id) {

  String encode() {
    JsonObject json = new JsonObject().put("s", sortBy).put("d", descending).put("v", value).put("i", id);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.encode().getBytes(StandardCharsets.UTF_8));
  }

  /** Decodes a cursor made for the same sort; anything else is a 400 naming {@code cursor}. */
  static AgentCursor decode(String text, AgentQuery.SortKey sortBy, boolean descending) {
    JsonObject json;
    try {
      json = new JsonObject(new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException | DecodeException | ClassCastException e) {
      throw invalid();
    }
    Object value = json.getValue("v");
    boolean numeric = sortBy == AgentQuery.SortKey.LAST_SEEN;
    if (!sortBy.wireName().equals(json.getValue("s")) || !Boolean.valueOf(descending).equals(json.getValue("d"))
        || !(json.getValue("i") instanceof String id) || id.indexOf('\0') >= 0
        || !(numeric ? value instanceof Integer || value instanceof Long
            : value instanceof String written && written.indexOf('\0') < 0)) {
      throw invalid();
    }
    return new AgentCursor(sortBy.wireName(), descending, numeric ? ((Number) value).longValue() : value, id);
  }

  private static Invalid invalid() {
    return new Invalid("cursor", "cursor is not a nextCursor of this listing (same sortBy and sortOrder)");
  }
}
