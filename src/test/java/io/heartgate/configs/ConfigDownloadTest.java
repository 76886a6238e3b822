package io.heartgate.configs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import io.heartgate.testsupport.Credentials;
import io.heartgate.testsupport.Reply;
import io.heartgate.testsupport.StoreKind;
import io.heartgate.testsupport.Team;
import io.heartgate.testsupport.TelegrafConfigClient;
import io.heartgate.testsupport.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code GET}/{@code HEAD /api/configs/{id}/toml} replayed header for header as Telegraf 1.39.3 sends them: start-up
 * fetch with either token scheme, the URL watcher's HEAD loop, parameter substitution, and refused callers.
 */
class ConfigDownloadTest {
  private static final String TOML = "[[outputs.heartbeat]]\n  url = \"http://gw:8000/agents/heartbeat\"\n"
      + "  instance_id = \"&{agent_id}\"\n  token = \"${TELEGRAF_CONTROLLER_TOKEN}\"\n"
      + "[[inputs.cpu]]\n  name_override = \"&{name:cpu}\"\n  tags_from = \"&{tag:none}\"\n"
      + "  secret = \"@{vault:cpu_key}\"\n  interval = \"${INTERVAL:-10s}\"\n";
  private static final String HTTP_DATE =
      "(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \\d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \\d{4} "
      + "\\d{2}:\\d{2}:\\d{2} GMT";

  @TempDir
  Path tempDir;
  private TestGateway gateway;
  private Team team;
  private Credentials owner;
  private String agentToken;
  private String configId;

  private void start(StoreKind kind, String... flags) throws Exception {
    gateway = TestGateway.start(kind.freshStore(tempDir), flags);
    team = Team.create(gateway);
    owner = team.session("owner");
    agentToken = team.token(owner, "fleet", "telegraf-agent").getString("token");
    Reply created = gateway.post("/api/configs", owner, new JsonObject().put("name", "fleet").put("toml", TOML));
    assertEquals(201, created.status(), created.toString());
    configId = created.json().getString("id");
  }

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  private URI url(String query) {
    return gateway.api(Config.tomlPath(configId) + query);
  }

  private TelegrafConfigClient agent(String authorization, String query) {
    return new TelegrafConfigClient(url(query), authorization);
  }

  private void patch(JsonObject changes) {
    Reply patched = gateway.call("PATCH", "/api/configs/" + configId, owner, changes);
    assertEquals(200, patched.status(), patched.toString());
  }

  private static JsonNode parse(String toml) throws Exception {
    return new TomlMapper().readTree(toml);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void startupFetchWithEitherSchemeAndHeadWithTheSameHeaders(StoreKind kind) throws Exception {
    start(kind);
    String expected = TOML.replace("&{agent_id}", "web-01").replace("&{name:cpu}", "cpu")
        .replace("&{tag:none}", "none");
    for (String authorization : List.of("Token " + agentToken, "Bearer " + agentToken, "token " + agentToken)) {
      TelegrafConfigClient telegraf = agent(authorization, "?agent_id=web-01");
      HttpResponse<String> got = telegraf.get();
      assertEquals(200, got.statusCode(), authorization + ": " + got.body());
      assertEquals(expected, got.body(), "${VAR}, ${VAR:-x} and @{store:key} are left for the agent");
      assertEquals("application/toml; charset=utf-8", got.headers().firstValue("Content-Type").orElseThrow());
      String lastModified = got.headers().firstValue("Last-Modified").orElseThrow();
      assertTrue(lastModified.matches(HTTP_DATE), lastModified);
      assertEquals(Optional.empty(), got.headers().firstValue("Content-Encoding"), "plain body");
      assertEquals(String.valueOf(expected.getBytes(StandardCharsets.UTF_8).length),
          got.headers().firstValue("Content-Length").orElseThrow());

      HttpResponse<String> head = telegraf.head();
      assertEquals(200, head.statusCode(), authorization);
      assertEquals("", head.body(), "HEAD has no body");
      for (String header : List.of("Content-Type", "Last-Modified", "Content-Length", "Cache-Control")) {
        assertEquals(got.headers().firstValue(header), head.headers().firstValue(header), header);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void watchLoopReloadsOnATomlEditAndOnlyThen(StoreKind kind) throws Exception {
    start(kind);
    TelegrafConfigClient telegraf = agent("Token " + agentToken, "?agent_id=web-01");
    assertEquals(200, telegraf.get().statusCode());
    assertFalse(telegraf.tick(), "the first tick takes the baseline");
    assertFalse(telegraf.tick(), "no edit, no reload");
    assertFalse(telegraf.tick(), "no edit, no reload");

    patch(new JsonObject().put("name", "renamed").put("description", "only metadata"));
    assertFalse(telegraf.tick(), "a name or description edit does not reload agents");
    patch(new JsonObject().put("toml", TOML));
    assertFalse(telegraf.tick(), "saving the same TOML does not reload agents");

    String edited = TOML.replace("[[inputs.cpu]]", "[[inputs.mem]]\n[[inputs.cpu]]");
    patch(new JsonObject().put("toml", edited));
    assertTrue(telegraf.tick(), "a TOML edit reloads");
    HttpResponse<String> reloaded = telegraf.get();
    assertEquals(200, reloaded.statusCode());
    assertTrue(reloaded.body().contains("[[inputs.mem]]"), reloaded.body());

    assertFalse(telegraf.tick(), "the reloaded agent's watcher takes a new baseline");
    patch(new JsonObject().put("toml", edited + "# one more\n"));
    patch(new JsonObject().put("toml", edited + "# and another, within the same second\n"));
    assertTrue(telegraf.tick(), "edits right after each other are seen");
    assertFalse(telegraf.tick(), "new baseline");
    assertFalse(telegraf.tick(), "quiet again");
  }

  @Test
  void neverNotModified() throws Exception {
    start(StoreKind.SQLITE);
    HttpResponse<String> first = agent("Token " + agentToken, "?agent_id=a").get();
    String lastModified = first.headers().firstValue("Last-Modified").orElseThrow();
    HttpResponse<String> conditional = TestGateway.send(HttpRequest.newBuilder(url("?agent_id=a"))
        .header("Authorization", "Token " + agentToken).header("If-Modified-Since", lastModified)
        .header("If-None-Match", "*").GET().build());
    assertEquals(200, conditional.statusCode());
    assertEquals(first.body(), conditional.body());
  }

  @Test
  void parametersDefaultsRepeatsAndMissingOnes() throws Exception {
    start(StoreKind.SQLITE);
    HttpResponse<String> repeated = agent("Token " + agentToken, "?agent_id=a1&tag=dc%3Deu&tag=rack%3D7&tag=x")
        .get();
    assertEquals(200, repeated.statusCode(), repeated.body());
    JsonNode cpu = parse(repeated.body()).get("inputs").get("cpu").get(0);
    assertEquals("dc=eu, rack=7, x", cpu.get("tags_from").asText(), "a repeated parameter joins with \", \"");
    assertEquals("cpu", cpu.get("name_override").asText(), "the default");

    for (TelegrafConfigClient client : List.of(agent("Token " + agentToken, ""),
        agent("Token " + agentToken, "?name=x&unrelated=1"))) {
      HttpResponse<String> missing = client.get();
      assertEquals(400, missing.statusCode(), missing.body());
      JsonObject error = new JsonObject(missing.body());
      assertEquals("Missing config parameters: agent_id (give them in the query string, e.g. ?agent_id=…)",
          error.getString("message"));
      assertEquals(List.of("agent_id"), error.getJsonObject("details").getJsonArray("missing").getList());
      HttpResponse<String> head = client.head();
      assertEquals(400, head.statusCode(), "HEAD answers as GET does");
      assertEquals(Optional.empty(), head.headers().firstValue("Last-Modified"), "Last-Modified only on 200");
      // Today: HEAD's error answers had no Content-Length, GET's had (a helper's probe).
      for (String header : List.of("Content-Type", "Content-Length", "Cache-Control")) {
        assertEquals(missing.headers().firstValue(header), head.headers().firstValue(header), header);
      }
    }

    HttpResponse<String> plus = agent("Token " + agentToken, "?agent_id=web+01%2B%C3%A9&name=").get();
    assertEquals(200, plus.statusCode(), plus.body());
    JsonNode plusParsed = parse(plus.body());
    assertEquals("web 01+é", plusParsed.get("outputs").get("heartbeat").get(0).get("instance_id").asText(),
        "form decoding: + is a space, %XX is UTF-8");
    assertEquals("", plusParsed.get("inputs").get("cpu").get(0).get("name_override").asText(),
        "an empty value is a value, not the default");
    assertEquals(400, agent("Token " + agentToken, "?AGENT_ID=x").get().statusCode(), "names match exactly");
    String malformed = rawGet(Config.tomlPath(configId) + "?agent_id=%zz", "Token " + agentToken);
    assertTrue(malformed.startsWith("HTTP/1.1 400 "), malformed);
    assertTrue(malformed.contains("\"field\":\"query\""), malformed);

    Reply many = gateway.post("/api/configs", owner, new JsonObject().put("name", "many")
        .put("toml", "a = \"&{zulu}\"\nb = \"&{alpha}\"\nc = &{port:8080}\nd = \"&{zulu}\"\n"));
    assertEquals(201, many.status(), many.toString());
    HttpResponse<String> both = TestGateway.send(HttpRequest.newBuilder(gateway.api(Config.tomlPath(
        many.json().getString("id")))).header("Authorization", "Bearer " + agentToken).GET().build());
    assertEquals(400, both.statusCode());
    assertEquals(List.of("zulu", "alpha"), new JsonObject(both.body()).getJsonObject("details")
        .getJsonArray("missing").getList(), "every missing name");
  }

  @Test
  void valuesWithTomlSpecialCharactersStayInsideTheirString() throws Exception {
    start(StoreKind.SQLITE);
    for (String hostile : List.of("web\"01", "back\\slash\\", "x\"\n[evil]\ninjected = true\n#",
        "\"\"\"\nevil = 1", "tab\tcr\rnul\u0000", "é😀")) {
      String query = "?agent_id=" + URLEncoder.encode(hostile, StandardCharsets.UTF_8);
      HttpResponse<String> got = agent("Token " + agentToken, query).get();
      assertEquals(200, got.statusCode(), got.body());
      JsonNode parsed = parse(got.body());
      assertEquals(List.of("outputs", "inputs"), names(parsed), "no injected table for " + hostile);
      JsonNode heartbeat = parsed.get("outputs").get("heartbeat").get(0);
      assertEquals(hostile, heartbeat.get("instance_id").asText(), "the agent gets the value it sent");
      assertEquals(List.of("url", "instance_id", "token"), names(heartbeat), "no injected key for " + hostile);
    }

    Reply bare = gateway.post("/api/configs", owner, new JsonObject().put("name", "bare")
        .put("toml", "[[inputs.http_listener_v2]]\n  service_address = ':&{port}'\n  read_timeout = &{timeout}\n"));
    assertEquals(201, bare.status(), bare.toString());
    String path = Config.tomlPath(bare.json().getString("id"));
    HttpResponse<String> injected = TestGateway.send(HttpRequest.newBuilder(gateway.api(path + "?port=1&timeout="
        + URLEncoder.encode("1\n[evil]", StandardCharsets.UTF_8))).header("Authorization", "Token " + agentToken)
        .GET().build());
    assertEquals(400, injected.statusCode(), injected.body());
    assertEquals("timeout", new JsonObject(injected.body()).getJsonObject("details").getString("field"));
    HttpResponse<String> quote = TestGateway.send(HttpRequest.newBuilder(gateway.api(path + "?timeout=5&port="
        + URLEncoder.encode("1'\nevil = 1", StandardCharsets.UTF_8))).header("Authorization", "Token " + agentToken)
        .GET().build());
    assertEquals(400, quote.statusCode(), quote.body());
    assertEquals("port", new JsonObject(quote.body()).getJsonObject("details").getString("field"));
    HttpResponse<String> fine = TestGateway.send(HttpRequest.newBuilder(gateway.api(path + "?timeout=5&port=8186"))
        .header("Authorization", "Token " + agentToken).GET().build());
    assertEquals(200, fine.statusCode(), fine.body());
    assertEquals(5, parse(fine.body()).get("inputs").get("http_listener_v2").get(0).get("read_timeout").asInt());
  }

  @Test
  void refusedCallers() throws Exception {
    start(StoreKind.SQLITE);
    String heartbeatOnly = team.token(owner, "heartbeat only", List.of("heartbeat:write")).getString("token");
    HttpResponse<String> forbidden = agent("Token " + heartbeatOnly, "?agent_id=a").get();
    assertEquals(403, forbidden.statusCode());
    assertEquals("{\"error\":\"forbidden\",\"message\":\"missing permission configs:read\"}", forbidden.body());
    assertEquals(403, agent("Bearer " + heartbeatOnly, "?agent_id=a").head().statusCode());

    HttpResponse<String> anonymous = agent(null, "?agent_id=a").get();
    assertEquals(401, anonymous.statusCode());
    assertEquals("Missing or invalid Authorization header", new JsonObject(anonymous.body()).getString("message"));

    JsonObject revocable = team.token(owner, "revocable", "telegraf-agent");
    TelegrafConfigClient telegraf = agent("Token " + revocable.getString("token"), "?agent_id=a");
    assertEquals(200, telegraf.head().statusCode());
    assertEquals(200, gateway.post("/api/tokens/" + revocable.getString("id") + "/revoke", owner, null).status());
    HttpResponse<String> revoked = telegraf.head();
    assertEquals(401, revoked.statusCode(), "refused on the very next HEAD");
    assertEquals(Optional.empty(), revoked.headers().firstValue("Last-Modified"), "nothing for the watcher to compare");
    HttpResponse<String> revokedGet = telegraf.get();
    assertEquals(401, revokedGet.statusCode());
    assertEquals("Invalid token", new JsonObject(revokedGet.body()).getString("message"));

    TelegrafConfigClient unknown = new TelegrafConfigClient(gateway.api(Config.tomlPath("no-such-config")),
        "Token " + agentToken);
    HttpResponse<String> notFound = unknown.get();
    assertEquals(404, notFound.statusCode());
    assertEquals("No such config", new JsonObject(notFound.body()).getString("message"));
    assertEquals(404, unknown.head().statusCode());
  }

  @Test
  void disabledConfigsGroupServesWithoutCredentials() throws Exception {
    start(StoreKind.SQLITE, "--disable-auth-endpoints", "configs");
    TelegrafConfigClient oldAgent = agent(null, "?agent_id=a");
    HttpResponse<String> got = oldAgent.get();
    assertEquals(200, got.statusCode(), got.body());
    HttpResponse<String> head = oldAgent.head();
    assertEquals(200, head.statusCode());
    assertTrue(head.headers().firstValue("Last-Modified").orElseThrow().matches(HTTP_DATE));
    assertEquals(200, agent("Token " + agentToken, "?agent_id=a").get().statusCode(), "credentials do no harm");
    assertEquals(401, gateway.get("/api/agents", Credentials.NONE).status(), "other groups still need them");
    assertEquals(401, gateway.get("/api/tokens", Credentials.NONE).status());
  }

  /** A request java.net.http refuses to send (a malformed %-escape), written on a socket; the whole response. */
  private String rawGet(String target, String authorization) throws Exception {
    URI api = gateway.api("/");
    try (java.net.Socket socket = new java.net.Socket(api.getHost(), api.getPort())) {
      socket.setSoTimeout(30_000);
      socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: " + api.getAuthority()
          + "\r\nAuthorization: " + authorization + "\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static List<String> names(JsonNode node) {
    List<String> names = new java.util.ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
