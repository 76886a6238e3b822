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
   * About the bytes of its record in a page, told without encoding it: its texts at up to 3 bytes a character
   * (stored JSON is ASCII, escapes included), 200 for each label and 300 for the rest.
   */
  public long estimatedBytes() {
    long texts = length(id) + length(hostname) + length(ip) + length(version) + length(reportingRuleId);
    return 3 * texts + length(configurations) + length(statistics) + 200L * (labels == null ? 0 : labels.size()) + 300;
  }

  private static int length(String text) {
    return text == null ? 0 : text.length();
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
