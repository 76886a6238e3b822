package io.heartgate.tokens;

import io.heartgate.core.Cursor;
import io.vertx.core.json.JsonObject;

/**
 * Where a page of tokens ended: its last token's creation time and name, the listing's order, neither of which ever
 * changes, so pages stay exact however many tokens are created, revoked or deleted meanwhile.
 */
public record TokenCursor(long createdAt, String name) {
  static TokenCursor after(Token token) {
    return new TokenCursor(token.createdAt(), token.name());
  }

  String encode() {
    return Cursor.encode(new JsonObject().put("c", createdAt).put("n", name));
  }

  /** The cursor a page's {@code nextCursor} stands for; anything else is a 400 naming {@code cursor}. */
  static TokenCursor decode(String text) {
    JsonObject fields = Cursor.decode(text, Cursor.NOT_ONE);
    TokenCursor cursor = new TokenCursor(Cursor.number(fields, "c", Cursor.NOT_ONE), Cursor.name(fields, "n", Cursor.NOT_ONE));
    return Cursor.exact(text, cursor, cursor.encode(), Cursor.NOT_ONE);
  }
}
