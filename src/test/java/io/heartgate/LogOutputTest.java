package io.heartgate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heartgate.auth.TokenFormat;
import io.heartgate.testsupport.FreePort;
import io.heartgate.testsupport.NodeProcess;
import io.heartgate.testsupport.RawHttp;
import io.heartgate.testsupport.TelegrafAgent;
import io.heartgate.testsupport.TestGateway;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log lines of the real main class in its own process: LOG_FORMAT=json writes one JSON object per line with
 * time, level, logger and message; ACCESS_LOG=true adds a line per request with the route pattern, status,
 * duration and client address, and never a token, a header or the query string; LOG_LEVEL=warn drops info.
 */
class LogOutputTest {
  private static final String PASSWORD = "correct horse battery staple";
  private static final String TOML = "[[inputs.cpu]]\n  name_override = \"&{name:cpu}\"\n";
  private static final String ACCESS = "io.heartgate.access";

  @TempDir
  Path workDir;

  @Test
  void jsonLinesWithAnAccessLineForAHeartbeatARefusalAndAConfigDownload() throws Exception {
    String owner = TokenFormat.generate();
    String unknown = TokenFormat.generate();
    String querySecret = "query-secret-" + TokenFormat.generate().substring(20, 40);
    int api = FreePort.find();
    int heartbeat = FreePort.find();
    List<String> output;
    String id;
    try (NodeProcess node = NodeProcess.start(workDir, List.of("-Xmx128m"), "--host", "127.0.0.1",
        "--port", String.valueOf(api), "--heartbeat-port", String.valueOf(heartbeat),
        "--log-format", "json", "--access-log", "true", "--trusted-proxies", "127.0.0.1",
        "--owner-username", "owner", "--owner-password", PASSWORD, "--owner-token", owner)) {
      node.awaitReady(api, Duration.ofSeconds(60));
      node.awaitReady(heartbeat, Duration.ofSeconds(10));
      URI heartbeatUrl = URI.create("http://127.0.0.1:" + heartbeat + "/agents/heartbeat");
      assertEquals(204, TelegrafAgent.post(heartbeatUrl, owner, TelegrafAgent.heartbeat("log-agent")).statusCode());
      assertEquals(401, TelegrafAgent.post(heartbeatUrl, unknown, TelegrafAgent.heartbeat("log-agent")).statusCode());

      HttpResponse<String> created = TestGateway.send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + api + "/api/configs"))
          .header("Authorization", "Bearer " + owner).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("name", "logs").put("toml", TOML).encode()))
          .build());
      assertEquals(201, created.statusCode(), created.body());
      id = new JsonObject(created.body()).getString("id");
      URI download = URI.create("http://127.0.0.1:" + api + "/api/configs/" + id + "/toml?agent_id=log-agent&token="
          + querySecret);
      HttpResponse<String> toml = TestGateway.send(HttpRequest.newBuilder(download)
          .header("Authorization", "Bearer " + owner).header("X-Forwarded-For", "203.0.113.9").GET().build());
      assertEquals(200, toml.statusCode(), toml.body());
      HttpResponse<String> refused = TestGateway.send(HttpRequest.newBuilder(download)
          .header("Authorization", "Bearer " + unknown).GET().build());
      assertEquals(401, refused.statusCode());
      // Refused before any route is tried: a malformed path, and headers too large for the decoder to read. An
      // operator looking for why a client is refused finds them as any other request.
      assertEquals(400, RawHttp.exchange(api, "GET /api/a%zz/" + unknown + " HTTP/1.1\r\nHost: x\r\n\r\n", 5_000)
          .status());
      assertEquals(431, RawHttp.exchange(heartbeat, "POST /agents/heartbeat HTTP/1.1\r\nHost: x\r\nX-Big: "
          + "b".repeat(20_000) + "\r\n\r\n", 5_000).status());
      assertEquals(414, RawHttp.exchange(api, "GET /api/" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\n\r\n",
          5_000).status());

      node.process().destroy();
      assertTrue(node.process().waitFor(15, TimeUnit.SECONDS), "exits after SIGTERM");
      output = Files.readAllLines(workDir.resolve("output.log"), StandardCharsets.UTF_8);
    }

    List<JsonObject> lines = new ArrayList<>();
    for (String line : output) {
      try {
        lines.add(new JsonObject(line));
      } catch (DecodeException e) {
        throw new AssertionError("not a JSON object: " + line + "\nall output:\n" + String.join("\n", output), e);
      }
    }
    for (JsonObject line : lines) {
      for (String field : List.of("time", "level", "logger", "message")) {
        assertTrue(line.getValue(field) instanceof String, field + " in " + line);
      }
      Instant.parse(line.getString("time"));
      assertTrue(List.of("ERROR", "WARN", "INFO", "DEBUG").contains(line.getString("level")), line.encode());
    }
    assertTrue(lines.stream().anyMatch(l -> l.getString("logger").equals(Main.class.getName())
        && l.getString("message").startsWith("Heartgate listening")), "the start-up line: " + output);
    assertTrue(lines.stream().anyMatch(l -> l.getString("message").equals("stopped")), output.toString());

    JsonObject accepted = access(lines, "POST", "/agents/heartbeat", 204);
    assertEquals("127.0.0.1", accepted.getString("client"));
    access(lines, "POST", "/agents/heartbeat", 401);
    access(lines, "POST", "/api/configs", 201);
    JsonObject downloaded = access(lines, "GET", "/api/configs/:id/toml", 200);
    assertEquals("203.0.113.9", downloaded.getString("client"), "the first hop behind a trusted proxy");
    JsonObject refusedLine = access(lines, "GET", "/api/configs/:id/toml", 401);
    assertEquals("127.0.0.1", refusedLine.getString("client"));
    assertEquals("127.0.0.1", access(lines, "GET", "/api/a%zz/[redacted]", 400).getString("client"),
        "a malformed path, as written, its token taken out");
    access(lines, "POST", "/agents/heartbeat", 431);
    assertEquals("127.0.0.1", access(lines, "-", "-", 414).getString("client"), "a request line not read");
    for (JsonObject line : lines) {
      String text = line.encode();
      for (String secret : List.of(owner, unknown, owner.substring(TokenFormat.PREFIX.length()),
          unknown.substring(TokenFormat.PREFIX.length()), querySecret, PASSWORD)) {
        assertFalse(text.contains(secret), "a secret or a query value is in " + text);
      }
      if (line.getString("logger").equals(ACCESS)) {
        assertFalse(text.contains(id), "the access log names the route, not the path with its ids: " + text);
      }
      assertFalse(text.toLowerCase(Locale.ROOT).contains("bearer"), text);
      assertFalse(text.contains("agent_id="), "the query string is in " + text);
    }
  }

  /** The one access line of the request, with its fields checked. */
  private static JsonObject access(List<JsonObject> lines, String method, String route, int status) {
    List<JsonObject> found = lines.stream().filter(l -> l.getString("logger").equals(ACCESS)
        && method.equals(l.getString("method")) && route.equals(l.getString("route"))
        && Integer.valueOf(status).equals(l.getInteger("status"))).toList();
    assertEquals(1, found.size(), method + " " + route + " " + status + " among " + lines);
    JsonObject line = found.get(0);
    assertEquals("INFO", line.getString("level"));
    assertTrue(line.getValue("durationMs") instanceof Number duration && duration.doubleValue() >= 0, line.encode());
    assertTrue(line.getString("message").startsWith(method + " " + route + " " + status + " "), line.encode());
    return line;
  }

  @Test
  void warnLevelDropsInfoButKeepsWarnings() throws Exception {
    int api = FreePort.find();
    List<String> output;
    // An owner user name without its password is ignored with a warning.
    try (NodeProcess node = NodeProcess.start(workDir, List.of("-Xmx128m"), "--host", "127.0.0.1",
        "--port", String.valueOf(api), "--heartbeat-port", String.valueOf(api), "--log-format", "json",
        "--log-level", "warn", "--owner-username", "owner")) {
      node.awaitReady(api, Duration.ofSeconds(60));
      node.process().destroy();
      assertTrue(node.process().waitFor(15, TimeUnit.SECONDS), "exits after SIGTERM");
      output = Files.readAllLines(workDir.resolve("output.log"), StandardCharsets.UTF_8);
    }
    List<JsonObject> lines = output.stream().map(JsonObject::new).toList();
    assertTrue(lines.stream().anyMatch(l -> l.getString("level").equals("WARN")
        && l.getString("message").startsWith("OWNER_USERNAME and OWNER_PASSWORD must both be set")),
        output.toString());
    assertTrue(lines.stream().noneMatch(l -> l.getString("level").equals("INFO")
        || l.getString("level").equals("DEBUG")), output.toString());
  }
}
