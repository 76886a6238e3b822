package io.heartgate.core;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A page's {@code nextCursor}: where the page ended, as a small JSON object in base64url, opaque to clients. Anything
 * else given as a {@code cursor} is a 400 naming it, never a store error: what a cursor holds is checked as a
 * request's fields are, and a cursor must be exactly the text this node makes of it ({@link #exact}): no other key,
 * no comment, no repeated key, no padding, only UTF-8.
 */
public final class Cursor {
  /** What is wrong with a cursor that is not one: it is no page's {@code nextCursor}. */
  public static final String NOT_ONE = "cursor is not a nextCursor of this listing";

  private Cursor() {
  }

  public static String encode(JsonObject fields) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(fields.encode().getBytes(StandardCharsets.UTF_8));
  }

  /** The fields of a cursor this node made; {@code rule} says what a cursor of the listing must be. */
  public static JsonObject decode(String text, String rule) {
    try {
      return new JsonObject(new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException | DecodeException | ClassCastException e) {
      throw invalid(rule);
    }
  }

  /**
   * A field of the cursor that must be a name: text without NUL or an unpaired surrogate, which no store takes. Any
   * other name may be one the node gave (one stored before the rules of names may be empty or long), and a cursor is
   * taken only exactly as given anyway.
   */
  public static String name(JsonObject fields, String key, String rule) {
    if (fields.getValue(key) instanceof String name && Check.wellFormed(name)) {
      return name;
    }
    throw invalid(rule);
  }

  /** A field of the cursor that must be a whole number. */
  public static long number(JsonObject fields, String key, String rule) {
    Object value = fields.getValue(key);
    if (value instanceof Integer || value instanceof Long) {
      return ((Number) value).longValue();
    }
    throw invalid(rule);
  }

  /** Returns the cursor when {@code text} is exactly its encoding ({@code encoded}); else a 400 naming it. */
  public static <C> C exact(String text, C cursor, String encoded, String rule) {
    if (!encoded.equals(text)) {
      throw invalid(rule);
    }
    return cursor;
  }

  /**
   * The cursors of a listing by name (names are unique in it): the name a page ends with, and the listing's own name,
   * so that one listing's cursor is not taken by another's.
   */
  public record ByName(String listing) {
    /** The cursor that goes on after this name. */
    public String after(String name) {
      return encode(new JsonObject().put("l", listing).put("n", name));
    }

    /** The name a cursor of this listing stands for. */
    public String name(String text) {
      JsonObject fields = decode(text, NOT_ONE);
      String name = Cursor.name(fields, "n", NOT_ONE);
      return exact(text, name, after(name), NOT_ONE);
    }
  }

  public static Invalid invalid(String rule) {
    return new Invalid("cursor", rule);
  }
}
