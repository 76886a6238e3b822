package io.heartgate.tokens;

import io.heartgate.core.Check;
import io.heartgate.core.Invalid;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Where a page of tokens ended: its last token's creation time and name, the listing's order, neither of which ever
 * changes, so pages stay exact however many tokens are created, revoked or deleted meanwhile. Opaque to clients:
 * base64url of a small JSON object.
 */
public record TokenCursor(long createdAt, String name) {

  static TokenCursor after(Token token) {
    return new TokenCursor(token.createdAt(), token.name());
  }

  String encode() {
    JsonObject json = new JsonObject().put("c", createdAt).put("n", name);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.encode().getBytes(StandardCharsets.UTF_8));
  }

  /** The cursor a page's {@code nextCursor} stands for; anything else is a 400 naming {@code cursor}. */
  static TokenCursor decode(String text) {
    JsonObject json;
    try {
      json = new JsonObject(new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException | DecodeException | ClassCastException e) {
      throw invalid();
    }
    Object createdAt = json.getValue("c");
    if (!(createdAt instanceof Integer || createdAt instanceof Long) || !(json.getValue("n") instanceof String name) || name.isEmpty()
        || name.length() > TokenService.MAX_NAME || !Check.wellFormed(name)) {
      throw invalid();
    }
    return new TokenCursor(((Number) createdAt).longValue(), name);
  }

  private static Invalid invalid() {
    return new Invalid("cursor", "cursor is not a nextCursor of this listing");
  }
}
