package io.heartgate.labels;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * A label row.
 *
 * @param color {@code #rrggbb}
 * @param createdAt epoch milliseconds
 */
public record Label(String id, String name, String description, String color, long createdAt) {

  /** The contract's label object. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("name", name)
        .put("description", description)
        .put("color", color)
        .put("createdAt", Instant.ofEpochMilli(createdAt).toString());
  }

  /** How agent and config records show a label: {@code {"id","name","color"}}. */
  public JsonObject toReference() {
    return new JsonObject().put("id", id).put("name", name).put("color", color);
  }
}
