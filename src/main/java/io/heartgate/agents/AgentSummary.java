package io.heartgate.agents;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * The fleet at a glance ({@code GET /api/agents/summary}).
 *
 * @param byStatus how many agents have each status, every status present (in {@link AgentStatus} order)
 * @param telegrafVersions how many agents run each release, the most common first
 * @param lastReported how many agents last reported within each age bucket, youngest bucket first
 */
public record AgentSummary(long total, Map<String, Long> byStatus, List<VersionCount> telegrafVersions,
    Map<String, Long> lastReported) {

  /** How many agents run one Telegraf release. */
  public record VersionCount(String version, long count) {
  }

  /** The contract's {@code {"total","status","telegrafVersion","lastReported"}}. */
  public JsonObject toJson() {
    JsonArray versions = new JsonArray();
    telegrafVersions.forEach(v -> versions.add(new JsonObject().put("version", v.version()).put("count", v.count())));
    return new JsonObject()
        .put("total", total)
        .put("status", counts(byStatus))
        .put("telegrafVersion", versions)
        .put("lastReported", counts(lastReported));
  }

  /** In the map's own order: clients see the statuses and buckets in their natural order. */
  private static JsonObject counts(Map<String, Long> counts) {
    JsonObject json = new JsonObject();
    counts.forEach(json::put);
    return json;
  }
}
