package io.heartgate.agents;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Locale;

/**
 * An agent's latest heartbeat in the parts the writer keeps it in: the narrow agents row and the big
 * agent_heartbeats row. {@link #toJson()} puts it back together as the agent sent it.
 *
 * @param reportedStatus lower case as stored, or null
 * @param statistics, configurations, logs, payload JSON text as stored, or null
 * @param lastSeen epoch milliseconds the heartbeat was received at
 */
public record LatestHeartbeat(String id, String version, String hostname, String reportedStatus, String statistics,
    long lastSeen, String configurations, String logs, String payload) {

  /** Field names and values are the agent's (schema v1), plus {@code receivedAt}. */
  public JsonObject toJson() {
    JsonObject extras = payload == null ? new JsonObject() : new JsonObject(payload);
    JsonObject heartbeat = new JsonObject()
        .put("id", id)
        .put("version", version)
        .put("schema", extras.getLong("schema", 1L));
    if (extras.containsKey("last")) {
      heartbeat.put("last", extras.getLong("last"));
    }
    if (hostname != null) {
      heartbeat.put("hostname", hostname);
    }
    heartbeat.put("configurations", configurations == null ? new JsonArray() : new JsonArray(configurations));
    if (statistics != null) {
      heartbeat.put("statistics", new JsonObject(statistics));
    }
    if (logs != null) {
      heartbeat.put("logs", new JsonArray(logs));
      if (extras.containsKey("logsDropped")) {
        heartbeat.put("logsDropped", extras.getLong("logsDropped"));
      }
    }
    if (reportedStatus != null) {
      heartbeat.put("status", reportedStatus.toUpperCase(Locale.ROOT));
    }
    return heartbeat.put("receivedAt", Instant.ofEpochMilli(lastSeen).toString());
  }
}
