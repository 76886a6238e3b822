package io.heartgate.configs;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * One recorded version of a config's TOML. Every change of the TOML (create, an edit that changes it, a
 * rollback) records one, numbered from 1 in the order they were made; name and description edits do not.
 *
 * @param toml the TOML of this version; null in list rows, which leave it out
 * @param createdAt epoch milliseconds
 * @param author who made it, as they were named then; null when unknown (a caller let in without credentials,
 *     or a version recorded when an older store was upgraded)
 * @param note what the author said about the change; null when none
 */
public record ConfigVersion(int version, String toml, long createdAt, Author author, String note) {

  /**
   * The author of a version.
   *
   * @param type "user" for a session, "token" for an API token
   * @param id the user's or the token's id
   * @param name the user's name (for a token, the name of the user it belongs to)
   */
  public record Author(String type, String id, String name) {
  }

  /** The contract's version object; {@code toml} only when the row carries it. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("version", version)
        .put("createdAt", Instant.ofEpochMilli(createdAt).toString())
        .put("author", author == null ? null
            : new JsonObject().put("type", author.type()).put("id", author.id()).put("name", author.name()))
        .put("note", note);
    if (toml != null) {
      json.put("toml", toml);
    }
    return json;
  }
}
