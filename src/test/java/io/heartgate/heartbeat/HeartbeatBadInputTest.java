package io.heartgate.heartbeat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heartgate.testsupport.Credentials;
import io.heartgate.testsupport.StoreKind;
import io.heartgate.testsupport.Team;
import io.heartgate.testsupport.TelegrafAgent;
import io.heartgate.testsupport.TestGateway;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every way a heartbeat body can break schema v1 or the request limits: a 400 naming the field (or 413, 415),
 * and no agent created. Parsing does not touch the store, so one SQLite gateway serves every case.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HeartbeatBadInputTest {
  private static final String OK = "\"id\":\"bad-input\",\"version\":\"Telegraf 1.39.3\"";
  private TestGateway gateway;
  private Credentials viewer;
  private Credentials owner;
  private String agentToken;

  @BeforeAll
  void start(@TempDir Path tempDir) throws Exception {
    gateway = TestGateway.start(StoreKind.SQLITE.freshStore(tempDir));
    Team team = Team.create(gateway);
    viewer = team.session("viewer");
    owner = team.session("owner");
    agentToken = team.token(team.session("owner"), "fleet", "telegraf-agent").getString("token");
  }

  @AfterAll
  void stop() {
    gateway.close();
  }

  private HttpResponse<String> post(byte[] body) {
    return TestGateway.send(TelegrafAgent.request(gateway.heartbeatListener(HeartbeatRoutes.PATH), agentToken, body)
        .build());
  }

  private void assertNothingStored() {
    assertEquals(0L, gateway.get("/api/agents/summary", viewer).json().getLong("total"), "no agent was created");
  }

  static Stream<Arguments> schemaViolations() {
    String entry = "\"time\":\"2026-11-25T04:32:26Z\",\"level\":\"ERROR\",\"source\":\"inputs.cpu\",\"message\":\"m\"";
    return Stream.of(
        Arguments.of("id missing", "{\"version\":\"v\"}", "id"),
        Arguments.of("id null", "{\"id\":null,\"version\":\"v\"}", "id"),
        Arguments.of("id a number", "{\"id\":42,\"version\":\"v\"}", "id"),
        Arguments.of("id empty", "{\"id\":\"  \",\"version\":\"v\"}", "id"),
        Arguments.of("id too long", "{\"id\":\"" + "x".repeat(257) + "\",\"version\":\"v\"}", "id"),
        // Today (a helper's probe): stored, and then neither GET nor DELETE /api/agents/{id} could name them.
        Arguments.of("id a dot", "{\"id\":\".\",\"version\":\"v\"}", "id"),
        Arguments.of("id two dots", "{\"id\":\"..\",\"version\":\"v\"}", "id"),
        // Today (a third probe's question): accepted, as no other name is any longer.
        Arguments.of("id with an escape sequence", "{\"id\":\"web\\u001b[31m\",\"version\":\"v\"}", "id"),
        Arguments.of("hostname with U+202E", "{" + OK + ",\"hostname\":\"web\u202e10\"}", "hostname"),
        Arguments.of("id with NUL", "{\"id\":\"a\\u0000b\",\"version\":\"v\"}", "id"),
        Arguments.of("hostname a lone surrogate", "{" + OK + ",\"hostname\":\"\\ud800\"}", "hostname"),
        Arguments.of("version missing", "{\"id\":\"a\"}", "version"),
        Arguments.of("version an object", "{\"id\":\"a\",\"version\":{}}", "version"),
        Arguments.of("schema a string", "{" + OK + ",\"schema\":\"1\"}", "schema"),
        Arguments.of("schema zero", "{" + OK + ",\"schema\":0}", "schema"),
        Arguments.of("last a fraction", "{" + OK + ",\"last\":1.5}", "last"),
        Arguments.of("last negative", "{" + OK + ",\"last\":-1}", "last"),
        Arguments.of("last beyond 64 bits", "{" + OK + ",\"last\":99999999999999999999999}", "last"),
        Arguments.of("hostname a number", "{" + OK + ",\"hostname\":7}", "hostname"),
        Arguments.of("status unknown", "{" + OK + ",\"status\":\"BROKEN\"}", "status"),
        Arguments.of("status lower case", "{" + OK + ",\"status\":\"ok\"}", "status"),
        Arguments.of("configurations a string", "{" + OK + ",\"configurations\":\"a.conf\"}", "configurations"),
        Arguments.of("configurations item a number", "{" + OK + ",\"configurations\":[\"a\",1]}",
            "configurations[1]"),
        // Today (a helper's probe): accepted, about 1 MiB per agent carried into every page of GET /api/agents, so a
        // few hundred such agents and one listing halted a node of 256 MiB.
        // Today (a third probe): a version of 1,024 control characters, written \\u0002 each in every listing.
        Arguments.of("version with a control character", "{\"id\":\"a\",\"version\":\"v\\u0002\"}", "version"),
        Arguments.of("version too long", "{\"id\":\"a\",\"version\":\"" + "v".repeat(257) + "\"}", "version"),
        Arguments.of("hostname too long", "{" + OK + ",\"hostname\":\"" + "h".repeat(256) + "\"}", "hostname"),
        Arguments.of("configuration with a control character", "{" + OK + ",\"configurations\":[\"a\\u0001\"]}",
            "configurations[0]"),
        Arguments.of("configurations beyond 16 KiB of UTF-8 in all", "{" + OK + ",\"configurations\":[" + String.join(
            ",", Collections.nCopies(3, "\"" + "é".repeat(4096) + "\"")) + "]}", "configurations"),
        Arguments.of("configurations beyond 16 KiB in all", "{" + OK + ",\"configurations\":[" + String.join(",",
            Collections.nCopies(5, "\"" + "c".repeat(4000) + "\"")) + "]}", "configurations"),
        Arguments.of("statistics an array", "{" + OK + ",\"statistics\":[]}", "statistics"),
        Arguments.of("statistics without metrics", "{" + OK + ",\"statistics\":{\"errors\":0,\"warnings\":0}}",
            "statistics.metrics"),
        Arguments.of("statistics negative", "{" + OK + ",\"statistics\":{\"errors\":-1,\"warnings\":0,\"metrics\":0}}",
            "statistics.errors"),
        Arguments.of("statistics a string", "{" + OK
            + ",\"statistics\":{\"errors\":0,\"warnings\":\"2\",\"metrics\":0}}", "statistics.warnings"),
        Arguments.of("logs an object", "{" + OK + ",\"logs\":{}}", "logs"),
        Arguments.of("log entry a string", "{" + OK + ",\"logs\":[\"oops\"]}", "logs[0]"),
        Arguments.of("log time not RFC 3339", "{" + OK + ",\"logs\":[{" + entry.replace("2026-11-25T04:32:26Z",
            "yesterday") + "}]}", "logs[0].time"),
        // Today (a helper's probe): accepted, the JDK's parser reading years of more than four digits.
        Arguments.of("log time with a year of five digits", "{" + OK + ",\"logs\":[{" + entry.replace(
            "2026-11-25T04:32:26Z", "+99999-01-01T00:00:00Z") + "}]}", "logs[0].time"),
        Arguments.of("log level unknown", "{" + OK + ",\"logs\":[{" + entry + "},{" + entry.replace("ERROR", "FATAL")
            + "}]}", "logs[1].level"),
        Arguments.of("log source missing", "{" + OK + ",\"logs\":[{" + entry.replace("\"source\":\"inputs.cpu\",", "")
            + "}]}", "logs[0].source"),
        Arguments.of("log message a number", "{" + OK + ",\"logs\":[{" + entry.replace("\"m\"", "5") + "}]}",
            "logs[0].message"),
        // Today (a helper's probe): accepted, the NUL stored and the lone surrogate turned into "?".
        Arguments.of("log message with NUL", "{" + OK + ",\"logs\":[{" + entry.replace("\"m\"", "\"a\\u0000\"")
            + "}]}", "logs[0].message"),
        Arguments.of("log message a lone surrogate", "{" + OK + ",\"logs\":[{" + entry + "},{"
            + entry.replace("\"m\"", "\"\\ud800 x\"") + "}]}", "logs[1].message"),
        Arguments.of("log attribute value with NUL", "{" + OK + ",\"logs\":[{" + entry
            + ",\"attributes\":{\"k\":\"v\\u0000\"}}]}", "logs[0].attributes"),
        Arguments.of("log attribute name a lone surrogate", "{" + OK + ",\"logs\":[{" + entry
            + ",\"attributes\":{\"a\":{\"k\\udc00\":1}}}]}", "logs[0].attributes"),
        Arguments.of("log attributes a string", "{" + OK + ",\"logs\":[{" + entry + ",\"attributes\":\"x\"}]}",
            "logs[0].attributes"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("schemaViolations")
  void schemaViolationIsA400NamingTheField(String name, String body, String field) {
    HttpResponse<String> response = post(body.getBytes(StandardCharsets.UTF_8));
    assertEquals(400, response.statusCode(), response.body());
    JsonObject error = new JsonObject(response.body());
    assertEquals("invalid_request", error.getString("error"));
    assertEquals(field, error.getJsonObject("details").getString("field"), error.encode());
    assertTrue(error.getString("message").startsWith(field + " "), error.getString("message"));
    assertNothingStored();
  }

  static Stream<Arguments> unreadableBodies() {
    String nested = "{" + OK + ",\"extra\":" + "[".repeat(1000) + "]".repeat(1000) + "}";
    byte[] latin1 = ("{" + OK.replace("bad-input", "caf\u00e9") + "}").getBytes(StandardCharsets.ISO_8859_1);
    byte[] overlong = ("{" + OK + ",\"hostname\":\"h\u0001x\"}").getBytes(StandardCharsets.UTF_8);
    overlong = replaced(overlong, (byte) 1, new byte[] {(byte) 0xc0, (byte) 0xaf});
    byte[] utf32 = ("{" + OK + "}").getBytes(java.nio.charset.Charset.forName("UTF-32BE"));
    return Stream.of(
        Arguments.of("empty", new byte[0], "The request body is empty; expected a heartbeat JSON object"),
        Arguments.of("truncated", ("{" + OK + ",\"host").getBytes(StandardCharsets.UTF_8),
            "The request body is not valid UTF-8 JSON"),
        Arguments.of("invalid UTF-8", latin1, "The request body is not valid UTF-8 JSON"),
        Arguments.of("an array", "[]".getBytes(StandardCharsets.UTF_8), "The request body must be a JSON object"),
        Arguments.of("trailing data", ("{" + OK + "} {}").getBytes(StandardCharsets.UTF_8),
            "The request body is not valid UTF-8 JSON"),
        Arguments.of("duplicate key", ("{" + OK + ",\"id\":\"other\"}").getBytes(StandardCharsets.UTF_8),
            "The request body repeats a field: Duplicate field 'id'"),
        Arguments.of("nested 1000 deep", nested.getBytes(StandardCharsets.UTF_8),
            "The request body is nested deeper than 32 levels"),
        // Today (a helper's probe): the overlong spelling of / was stored as /, and UTF-16 and UTF-32 bodies were
        // accepted; a number of 2,000 digits or a name of 60,000 characters was "nested deeper than 32 levels".
        Arguments.of("an overlong UTF-8 sequence", overlong, "The request body is not valid UTF-8 JSON"),
        Arguments.of("UTF-16", ("{" + OK + "}").getBytes(StandardCharsets.UTF_16LE),
            "The request body is not valid UTF-8 JSON"),
        Arguments.of("UTF-32", utf32, "The request body is not valid UTF-8 JSON"),
        Arguments.of("a number of 2,000 digits", ("{" + OK + ",\"schema\":" + "1".repeat(2_000) + "}")
            .getBytes(StandardCharsets.UTF_8), "The request body holds a number longer than 1000 digits"),
        Arguments.of("a name of 60,000 characters", ("{" + OK + ",\"" + "n".repeat(60_000) + "\":1}")
            .getBytes(StandardCharsets.UTF_8), "The request body holds a field name longer than 50000 characters"));
  }

  /** The bytes with the one byte {@code from} replaced by {@code to}. */
  private static byte[] replaced(byte[] bytes, byte from, byte[] to) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (byte b : bytes) {
      if (b == from) {
        out.writeBytes(to);
      } else {
        out.write(b);
      }
    }
    return out.toByteArray();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unreadableBodies")
  void unreadableBodyIsA400(String name, byte[] body, String message) {
    HttpResponse<String> response = post(body);
    assertEquals(400, response.statusCode(), response.body());
    assertTrue(new JsonObject(response.body()).getString("message").startsWith(message), response.body());
    assertNothingStored();
  }

  @Test
  void bodyOverOneMebibyteIs413AndOneMebibyteIsRead() {
    String head = "{" + OK + ",\"hostname\":\"";
    String tail = "\"}";
    int padding = (int) HeartbeatRoutes.MAX_BODY - head.length() - tail.length();
    HttpResponse<String> over = post((head + "h".repeat(padding + 1) + tail).getBytes(StandardCharsets.UTF_8));
    assertEquals(413, over.statusCode(), over.body());
    assertEquals("payload_too_large", new JsonObject(over.body()).getString("error"));

    HttpResponse<String> atLimit = post((head + "h".repeat(padding) + tail).getBytes(StandardCharsets.UTF_8));
    assertEquals(400, atLimit.statusCode(), "read in full, then refused for the hostname's length");
    assertEquals("hostname", new JsonObject(atLimit.body()).getJsonObject("details").getString("field"));
    assertNothingStored();
  }

  @Test
  void bodyThatIsNotDeclaredJsonIs415() {
    byte[] body = ("{" + OK + "}").getBytes(StandardCharsets.UTF_8);
    for (String contentType : new String[] {"text/plain", "application/x-www-form-urlencoded", null}) {
      HttpRequest.Builder request = HttpRequest.newBuilder(gateway.heartbeatListener(HeartbeatRoutes.PATH))
          .header("Authorization", "Bearer " + agentToken)
          .POST(HttpRequest.BodyPublishers.ofByteArray(body));
      if (contentType != null) {
        request.header("Content-Type", contentType);
      }
      HttpResponse<String> response = TestGateway.send(request.build());
      assertEquals(415, response.statusCode(), contentType + ": " + response.body());
      assertEquals("unsupported_media_type", new JsonObject(response.body()).getString("error"));
    }
    assertNothingStored();
  }

  // Today: a gzip body (Content-Encoding) was read as it came and refused as malformed JSON (400), which tells an
  // operator who turned on compression in front of Telegraf the wrong thing.
  @Test
  void aCompressedBodyIs415() throws IOException {
    byte[] json = ("{" + OK + "}").getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream gzipped = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gzipped)) {
      out.write(json);
    }
    // The header's values, and the coding the answer names; a repeated header is read whole.
    for (String[] encoding : new String[][] {{"gzip", "gzip"}, {"deflate, gzip", "deflate"},
        {"identity, br", "br"}, {"identity", "gzip", "gzip"}}) {
      HttpRequest.Builder request = HttpRequest.newBuilder(gateway.heartbeatListener(HeartbeatRoutes.PATH))
          .header("Authorization", "Bearer " + agentToken).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofByteArray(gzipped.toByteArray()));
      for (int i = 0; i < encoding.length - 1; i++) {
        request.header("Content-Encoding", encoding[i]);
      }
      HttpResponse<String> response = TestGateway.send(request.build());
      String named = encoding[encoding.length - 1];
      assertEquals(415, response.statusCode(), named + ": " + response.body());
      assertEquals("The request body must not be compressed (Content-Encoding: " + named + ")",
          new JsonObject(response.body()).getString("message"));
    }
    assertNothingStored();
    HttpResponse<String> identity = TestGateway.send(HttpRequest.newBuilder(
            gateway.heartbeatListener(HeartbeatRoutes.PATH))
        .header("Authorization", "Bearer " + agentToken).header("Content-Type", "application/json")
        .header("Content-Encoding", "identity").POST(HttpRequest.BodyPublishers.ofByteArray(json)).build());
    assertEquals(204, identity.statusCode(), "identity is no coding: " + identity.body());
    assertEquals(204, gateway.call("DELETE", "/api/agents/bad-input", owner, null).status(),
        "removed again: the other cases count on an empty registry");
  }

  @Test
  void unknownFieldsAndAgentLevelLogLinesAreAccepted() {
    // A later schema may add fields; agent-level log lines (std log redirect) carry an empty source.
    HttpResponse<String> response = post(("{\"id\":\"future-agent\",\"version\":\"Telegraf 1.40.0\",\"schema\":1,"
        + "\"uptime\":12,\"plugins\":{\"inputs\":[\"cpu\"]},\"logs\":[{\"time\":\"2026-11-25T04:32:26.5Z\","
        + "\"level\":\"WARN\",\"source\":\"\",\"message\":\"agent-level \\u003cwarning\\u003e\"}]}")
        .getBytes(StandardCharsets.UTF_8));
    assertEquals(204, response.statusCode(), response.body());
    assertEquals(200, gateway.get("/api/agents/future-agent", viewer).status());
    JsonObject latest = gateway.get("/api/heartbeat/agent/future-agent/latest-heartbeat", viewer).json();
    assertEquals("agent-level <warning>", latest.getJsonArray("logs").getJsonObject(0).getString("message"));
    assertEquals("", latest.getJsonArray("logs").getJsonObject(0).getString("source"));
    assertEquals(204, gateway.call("DELETE", "/api/agents/future-agent", owner, null).status(),
        "removed again: the other cases count on an empty registry");
  }
}
