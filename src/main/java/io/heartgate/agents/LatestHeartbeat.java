package io.heartgate.agents;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.util.Locale;

/**
 * Puts an agent's latest heartbeat back together from where the writer keeps its parts: the narrow agents row
 * and the big agent_heartbeats row. Field names and values are the agent's (schema v1), plus {@code receivedAt}.
 */
final class LatestHeartbeat {
  private LatestHeartbeat() {
  }

  static JsonObject of(Row row) {
    JsonObject extras = row.getString("payload") == null ? new JsonObject() : new JsonObject(row.getString("payload"));
    JsonObject heartbeat = new JsonObject()
        .put("id", row.getString("id"))
        .put("version", row.getString("version"))
        .put("schema", extras.getLong("schema", 1L));
    if (extras.containsKey("last")) {
      heartbeat.put("last", extras.getLong("last"));
    }
    if (row.getString("hostname") != null) {
      heartbeat.put("hostname", row.getString("hostname"));
    }
    String configurations = row.getString("configurations");
    heartbeat.put("configurations", configurations == null ? new JsonArray() : new JsonArray(configurations));
    if (row.getString("statistics") != null) {
      heartbeat.put("statistics", new JsonObject(row.getString("statistics")));
    }
    if (row.getString("logs") != null) {
      heartbeat.put("logs", new JsonArray(row.getString("logs")));
      if (extras.containsKey("logsDropped")) {
        heartbeat.put("logsDropped", extras.getLong("logsDropped"));
      }
    }
    if (row.getString("reported_status") != null) {
      heartbeat.put("status", row.getString("reported_status").toUpperCase(Locale.ROOT));
    }
    return heartbeat.put("receivedAt", Instant.ofEpochMilli(row.getLong("last_seen")).toString());
  }
}
