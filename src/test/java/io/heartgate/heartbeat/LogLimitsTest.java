package io.heartgate.heartbeat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The product's storage limits on a heartbeat's logs, applied by the parser before anything is stored. */
class LogLimitsTest {
  private static final Instant T0 = Instant.parse("2026-11-25T04:00:00Z");

  private static JsonObject entry(int second, String level, String message) {
    return new JsonObject().put("time", T0.plusSeconds(second).toString()).put("level", level)
        .put("source", "inputs.cpu").put("message", message);
  }

  /** The body of a heartbeat with these logs (also replayed by HeartbeatParserEquivalenceTest). */
  static byte[] body(JsonArray logs) {
    JsonObject heartbeat = new JsonObject().put("id", "noisy").put("version", "Telegraf 1.39.3").put("logs", logs);
    return heartbeat.encode().getBytes(StandardCharsets.UTF_8);
  }

  private static HeartbeatBody parse(JsonArray logs) {
    return HeartbeatParser.parse(body(logs));
  }

  /** 300 entries, one in ten ERROR and one in ten WARN. */
  static JsonArray severityMix() {
    JsonArray logs = new JsonArray();
    for (int i = 0; i < 300; i++) {
      logs.add(entry(i, i % 10 == 0 ? "ERROR" : i % 10 == 1 ? "WARN" : "INFO", "message " + i));
    }
    return logs;
  }

  /** A long message, long attributes, and DEBUG entries beyond the total budget. */
  static JsonArray overLimits() {
    JsonObject attributes = new JsonObject();
    for (int i = 0; i < 100; i++) {
      attributes.put("key" + i, "v".repeat(40));
    }
    JsonArray logs = new JsonArray()
        .add(entry(0, "ERROR", "é".repeat(6000)))
        .add(entry(1, "WARN", "short").put("attributes", attributes))
        .add(entry(2, "INFO", "fine"));
    for (int i = 0; i < 20; i++) {
      logs.add(entry(10 + i, "DEBUG", "d".repeat(7000)));
    }
    return logs;
  }

  @Test
  void keepsTwoHundredBySeverityThenRecencyInTheAgentsOrder() {
    HeartbeatBody body = parse(severityMix());
    JsonArray kept = new JsonArray(body.logs());
    assertEquals(LogLimits.MAX_ENTRIES, kept.size());
    assertEquals(100L, new JsonObject(body.extras()).getLong("logsDropped"));

    List<String> messages = new ArrayList<>();
    kept.forEach(e -> messages.add(((JsonObject) e).getString("message")));
    assertEquals(30, messages.stream().filter(m -> Integer.parseInt(m.substring(8)) % 10 == 0).count(),
        "every ERROR kept");
    assertEquals(30, messages.stream().filter(m -> Integer.parseInt(m.substring(8)) % 10 == 1).count(),
        "every WARN kept");
    assertTrue(messages.contains("message 299"), "the newest INFO kept");
    assertFalse(messages.contains("message 2"), "the oldest INFO dropped");
    List<Integer> order = messages.stream().map(m -> Integer.parseInt(m.substring(8))).toList();
    List<Integer> sorted = new ArrayList<>(order);
    sorted.sort(null);
    assertEquals(sorted, order, "kept in the order the agent sent them");
  }

  @Test
  void capsMessagesAttributesAndTheTotalBudget() {
    JsonArray logs = overLimits();
    HeartbeatBody body = parse(logs);
    JsonArray kept = new JsonArray(body.logs());

    JsonObject error = kept.getJsonObject(0);
    assertTrue(error.getBoolean("truncated"));
    assertTrue(error.getString("message").endsWith(LogLimits.TRUNCATION_MARK));
    assertTrue(error.getString("message").getBytes(StandardCharsets.UTF_8).length <= LogLimits.MAX_MESSAGE_BYTES);
    JsonObject warn = kept.getJsonObject(1);
    assertTrue(warn.getBoolean("truncated"));
    assertTrue(warn.getJsonObject("attributes").encode().length() <= LogLimits.MAX_ATTRIBUTES_BYTES);
    assertEquals("v".repeat(40), warn.getJsonObject("attributes").getString("key0"), "leading attributes kept");
    assertFalse(kept.getJsonObject(2).containsKey("truncated"), "an entry within the limits is not marked");
    assertTrue(body.logs().getBytes(StandardCharsets.UTF_8).length <= LogLimits.MAX_TOTAL_BYTES + kept.size() + 2,
        "entries fit the 64 KiB budget");
    assertTrue(kept.size() < logs.size(), "entries beyond the budget dropped");
    assertEquals(logs.size() - kept.size(), new JsonObject(body.extras()).getLong("logsDropped"));
  }
}
