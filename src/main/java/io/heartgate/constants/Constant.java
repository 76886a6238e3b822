package io.heartgate.constants;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * A constant row.
 *
 * @param createdAt epoch milliseconds
 * @param updatedAt epoch milliseconds of the last change of any field
 * @param valueChangedAt epoch milliseconds of the last change of the value or the name: what the Last-Modified of
 *     the documents using the constant takes in (a description change leaves watching agents alone)
 */
public record Constant(String id, String name, String value, String description, long createdAt, long updatedAt,
    long valueChangedAt) {
  /**
   * A name, as {@code ::{name}} in a config's TOML and the {@code name} field accept it: a letter or {@code _}, then
   * letters, digits and {@code _}, at most 128 characters.
   */
  public static final String NAME_PATTERN = "[A-Za-z_][A-Za-z0-9_]{0,127}";

  /** The contract's constant object. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("name", name)
        .put("value", value)
        .put("description", description)
        .put("createdAt", Instant.ofEpochMilli(createdAt).toString())
        .put("updatedAt", Instant.ofEpochMilli(updatedAt).toString());
  }
}
