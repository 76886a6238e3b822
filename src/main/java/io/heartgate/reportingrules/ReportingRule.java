package io.heartgate.reportingrules;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * A reporting rule row: how long an agent may stay silent before it is not reporting, and optionally when it
 * is deleted.
 *
 * @param autoDeleteAfterSeconds null when agents under this rule are never deleted automatically
 * @param createdAt epoch milliseconds
 * @param updatedAt epoch milliseconds
 */
public record ReportingRule(String id, String name, int notReportingAfterSeconds, Integer autoDeleteAfterSeconds,
    boolean isDefault, long createdAt, long updatedAt) {

  /** The contract's reporting rule object. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("name", name)
        .put("notReportingAfterSeconds", notReportingAfterSeconds)
        .put("autoDeleteAfterSeconds", autoDeleteAfterSeconds)
        .put("default", isDefault)
        .put("createdAt", Instant.ofEpochMilli(createdAt).toString())
        .put("updatedAt", Instant.ofEpochMilli(updatedAt).toString());
  }
}
