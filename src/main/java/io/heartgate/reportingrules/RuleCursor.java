package io.heartgate.reportingrules;

import io.heartgate.core.Cursor;
import io.vertx.core.json.JsonObject;

/** Where a page of rules ended: its last rule, the default one (listed first) or another by its name. */
public record RuleCursor(boolean isDefault, String name) {
  String encode() {
    return Cursor.encode(new JsonObject().put("d", isDefault).put("n", name));
  }

  /** The cursor a page's {@code nextCursor} stands for; anything else is a 400 naming {@code cursor}. */
  static RuleCursor decode(String text) {
    JsonObject fields = Cursor.decode(text, Cursor.NOT_ONE);
    if (!(fields.getValue("d") instanceof Boolean isDefault)) {
      throw Cursor.invalid(Cursor.NOT_ONE);
    }
    RuleCursor cursor = new RuleCursor(isDefault, Cursor.name(fields, "n", Cursor.NOT_ONE));
    return Cursor.exact(text, cursor, cursor.encode(), Cursor.NOT_ONE);
  }
}
