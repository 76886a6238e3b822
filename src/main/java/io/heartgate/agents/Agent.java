package io.heartgate.agents;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * An agent as the API shows it. {@code status} was computed by the store at read time: the reported status,
 * or {@code not_reporting} once {@code lastSeen} is older than the agent's reporting rule allows.
 *
 * @param statistics, configurations JSON text as stored
 * @param labels the record's {@code [{"id","name","color"}]}; null until {@link #withLabels} filled it in
 */
public record Agent(String id, String hostname, String ip, String version, String status, String reportedStatus,
    long firstSeen, long lastSeen, long heartbeats, String configurations, String statistics,
    String reportingRuleId, JsonArray labels) {

  /** The same agent carrying these labels. */
  public Agent withLabels(JsonArray labels) {
    return new Agent(id, hostname, ip, version, status, reportedStatus, firstSeen, lastSeen, heartbeats,
        configurations, statistics, reportingRuleId, labels);
  }

  /**
   * At most about the bytes of its record in a page, told without encoding it: a character of its texts (its
   * labels' names too) one byte when ASCII, else six, as an escape {@code \\uXXXX} takes; 80 for each label's id
   * and colour, 300 for the rest.
   */
  public long estimatedBytes() {
    long bytes = 300 + json(id) + json(hostname) + json(ip) + json(version) + json(reportingRuleId)
        + json(configurations) + json(statistics);
    if (labels != null) {
      for (int i = 0; i < labels.size(); i++) {
        bytes += 80 + json(labels.getJsonObject(i).getString("name"));
      }
    }
    return bytes;
  }

  private static long json(String text) {
    long bytes = 0;
    for (int i = 0; text != null && i < text.length(); i++) {
      bytes += text.charAt(i) < 0x80 ? 1 : 6;
    }
    return bytes;
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("hostname", hostname)
        .put("ip", ip)
        .put("version", version)
        .put("status", status)
        .put("reportedStatus", reportedStatus)
        .put("firstSeen", Instant.ofEpochMilli(firstSeen).toString())
        .put("lastSeen", Instant.ofEpochMilli(lastSeen).toString())
        .put("heartbeats", heartbeats)
        .put("configurations", configurations == null ? new JsonArray() : new JsonArray(configurations))
        .put("statistics", statistics == null ? null : new JsonObject(statistics))
        .put("reportingRuleId", reportingRuleId)
        .put("labels", labels == null ? new JsonArray() : labels.copy());
  }
}
