package io.heartgate.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * Talks like Telegraf's outputs.heartbeat: POST with the headers a real 1.39.3 agent sends (wire contract §2.3)
 * and the upstream test payloads copied from ../shared/fixtures/telegraf-heartbeat into the test resources.
 */
public final class TelegrafAgent {
  public static final String USER_AGENT = "Telegraf/1.39.3 Go/1.26.5";
  public static final String VERSION = "Telegraf 1.39.3 (git: HEAD@eb37a442)";
  /** Every upstream fixture payload (the schema file excluded). */
  public static final List<String> FIXTURES = List.of(
      "heartbeat_test.TestDetailedLogging.debug-level.json",
      "heartbeat_test.TestDetailedLogging.default-config.json",
      "heartbeat_test.TestDetailedLogging.info-level.json",
      "heartbeat_test.TestDetailedLogging.limited-with-most-recent-error-messages.json",
      "heartbeat_test.TestDetailedLogging.limited-with-most-recent-warning-messages.json",
      "heartbeat_test.TestDetailedLogging.trace-level-with-limit.json",
      "heartbeat_test.TestDetailedLogging.trace-level.json",
      "heartbeat_test.TestDetailedLogging.warn-level.json",
      "heartbeat_test.TestIncludedExtraData.all.json",
      "heartbeat_test.TestIncludedExtraData.configurations.json",
      "heartbeat_test.TestIncludedExtraData.hostname.json",
      "heartbeat_test.TestIncludedExtraData.logs.json",
      "heartbeat_test.TestIncludedExtraData.minimal.json",
      "heartbeat_test.TestIncludedExtraData.statistics.json",
      "heartbeat_test.TestIncludedExtraData.status.json",
      "heartbeat_test.TestSendingFail.first-successful-message.json",
      "heartbeat_test.TestStatusComputation.default-config.json",
      "heartbeat_test.TestStatusComputation.initial-undefined.json",
      "heartbeat_test.TestStatusComputation.matching-fail.json",
      "heartbeat_test.TestStatusComputation.matching-warn.json");

  private TelegrafAgent() {
  }

  /** The fixture's text as the file holds it. */
  public static String fixture(String name) {
    try (InputStream in = TelegrafAgent.class.getResourceAsStream("/telegraf-heartbeat/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A compact heartbeat of the agent, as outputs.heartbeat sends it with {@code include = ["hostname"]}. */
  public static String heartbeat(String agentId) {
    // A host name is at most 255 characters, an agent id 256.
    String hostname = "host-" + agentId;
    return "{\"id\":\"" + agentId + "\",\"version\":\"" + VERSION + "\",\"schema\":1,\"hostname\":\""
        + hostname.substring(0, Math.min(hostname.length(), 255)) + "\"}";
  }

  /** The request a real agent makes; {@code token} null means no Authorization header (an empty token). */
  public static HttpRequest.Builder request(URI heartbeatUrl, String token, byte[] body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(heartbeatUrl)
        .timeout(Duration.ofSeconds(5))
        .header("User-Agent", USER_AGENT)
        .header("Content-Type", "application/json")
        .header("Accept-Encoding", "gzip")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return request;
  }

  public static HttpResponse<String> post(URI heartbeatUrl, String token, String body) {
    return TestGateway.send(request(heartbeatUrl, token, body.getBytes(StandardCharsets.UTF_8)).build());
  }
}
