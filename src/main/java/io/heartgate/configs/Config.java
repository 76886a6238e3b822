package io.heartgate.configs;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * A config row.
 *
 * @param toml the TOML exactly as written; null in list rows, which leave it out
 * @param tomlChangedAt epoch milliseconds of the last TOML change, the source of {@code Last-Modified}
 * @param createdAt epoch milliseconds
 * @param updatedAt epoch milliseconds of the last change of any field
 * @param createdBy id of the user who created it; null when created anonymously (configs group without auth)
 * @param version the number of the current version of the TOML (see {@link ConfigVersion})
 * @param alias the config's alias (see {@link Alias}); null when it has none
 */
public record Config(String id, String name, String description, String toml, long tomlChangedAt, long createdAt,
    long updatedAt, String createdBy, int version, String alias) {

  /** The path agents fetch and watch a config at, and name among their heartbeat's configuration sources. */
  public static String tomlPath(String id) {
    return "/api/configs/" + id + "/toml";
  }

  /** The contract's config object; {@code toml} only when the row carries it. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("id", id)
        .put("name", name)
        .put("alias", alias)
        .put("description", description);
    if (toml != null) {
      json.put("toml", toml);
    }
    return json
        .put("tomlUpdatedAt", Instant.ofEpochMilli(tomlChangedAt).toString())
        .put("lastModified", LastModified.format(tomlChangedAt))
        .put("createdAt", Instant.ofEpochMilli(createdAt).toString())
        .put("updatedAt", Instant.ofEpochMilli(updatedAt).toString())
        .put("createdBy", createdBy)
        .put("version", version);
  }
}
