package io.heartgate.configgroups;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;

/**
 * A config group row: configs served one after the other as one TOML document.
 *
 * @param alias null when it has none
 * @param configIds the members, in the order they are served
 * @param contentChangedAt epoch milliseconds of the last change of the members or their order (the group's part
 *     of {@code Last-Modified}); a name, description or alias change leaves it
 * @param createdAt epoch milliseconds
 * @param updatedAt epoch milliseconds of the last change of any field
 * @param createdBy id of the user who created it; null when created anonymously
 */
public record ConfigGroup(String id, String name, String alias, String description, List<String> configIds,
    long contentChangedAt, long createdAt, long updatedAt, String createdBy) {

  /** The contract's config group object. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("name", name)
        .put("alias", alias)
        .put("description", description)
        .put("configIds", new JsonArray(List.copyOf(configIds)))
        .put("createdAt", Instant.ofEpochMilli(createdAt).toString())
        .put("updatedAt", Instant.ofEpochMilli(updatedAt).toString());
  }
}
