package io.heartgate.configs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heartgate.heartbeat.HeartbeatRoutes;
import io.heartgate.testsupport.Credentials;
import io.heartgate.testsupport.ListingPages;
import io.heartgate.testsupport.MovableClock;
import io.heartgate.testsupport.Reply;
import io.heartgate.testsupport.StoreKind;
import io.heartgate.testsupport.Team;
import io.heartgate.testsupport.TelegrafAgent;
import io.heartgate.testsupport.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Configs from creation to deletion over HTTP, on both stores: TOML kept byte for byte, unique names, the TOML's
 * change time, the agent template, configs in use, and bad input that changes nothing.
 */
class ConfigsTest {
  private static final String CONFIGS = "/api/configs";
  private static final String SAMPLE = "[agent]\r\n  interval = \"10s\"\t# tab and CRLF kept\r\n\r\n"
      + "[[inputs.cpu]]\n  percpu = true   \n  name_suffix = \"_é😀\"\n[[outputs.file]]\n  files = [\"stdout\"]";

  @TempDir
  Path tempDir;
  private final MovableClock clock = new MovableClock();
  private TestGateway gateway;
  private Team team;
  private Credentials manager;

  private void start(StoreKind kind) throws Exception {
    gateway = TestGateway.start(kind.freshStore(tempDir), clock);
    team = Team.create(gateway);
    manager = team.session("manager");
  }

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  private Reply call(String method, String path, Object body) {
    return gateway.call(method, path, manager, body);
  }

  private JsonObject create(String name, String toml) {
    Reply created = call("POST", CONFIGS, new JsonObject().put("name", name).put("toml", toml));
    assertEquals(201, created.status(), created.toString());
    return created.json();
  }

  private JsonObject config(String id) {
    Reply got = call("GET", CONFIGS + "/" + id, null);
    assertEquals(200, got.status(), got.toString());
    return got.json();
  }

  private List<String> names() {
    Reply listed = call("GET", CONFIGS, null);
    assertEquals(200, listed.status(), listed.toString());
    return listed.json().getJsonArray("configs").stream().map(c -> ((JsonObject) c).getString("name")).toList();
  }

  private HttpResponse<String> download(String id, String query) {
    return TestGateway.send(HttpRequest.newBuilder(gateway.api(CONFIGS + "/" + id + "/toml" + query))
        .header("Cookie", manager.cookie()).GET().build());
  }

  private static void assertError(Reply reply, int status, String code, String messageContains) {
    assertEquals(status, reply.status(), reply.toString());
    assertEquals(code, reply.error(), reply.toString());
    assertTrue(reply.message().contains(messageContains), reply.toString());
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void createReadListUpdateDelete(StoreKind kind) throws Exception {
    start(kind);
    clock.advance(Duration.ofMinutes(1));
    long before = clock.millis();
    Reply created = call("POST", CONFIGS, new JsonObject().put("name", "linux hosts")
        .put("description", "CPU of every host").put("toml", SAMPLE));
    assertEquals(201, created.status(), created.toString());
    JsonObject config = created.json();
    String id = config.getString("id");
    assertTrue(id.matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), id);
    assertEquals("linux hosts", config.getString("name"));
    assertEquals("CPU of every host", config.getString("description"));
    assertEquals(SAMPLE, config.getString("toml"), "byte for byte: CRLF, tabs, trailing spaces, no final newline");
    assertEquals(team.member("manager").id(), config.getString("createdBy"));
    assertFalse(Instant.parse(config.getString("createdAt")).isBefore(Instant.ofEpochMilli(before).minusSeconds(1)));
    assertEquals(config.getString("createdAt"), config.getString("tomlUpdatedAt"));
    assertEquals(config, config(id));

    HttpResponse<String> served = download(id, "");
    assertEquals(200, served.statusCode(), served.body());
    assertEquals(SAMPLE, served.body(), "served byte for byte");
    assertEquals(config.getString("lastModified"), served.headers().firstValue("Last-Modified").orElseThrow());

    create("branch offices", "[agent]\n");
    assertEquals(List.of("branch offices", "linux hosts"), names(), "by name");
    JsonObject listed = call("GET", CONFIGS, null).json().getJsonArray("configs").getJsonObject(1);
    assertFalse(listed.containsKey("toml"), "the list leaves the TOML out");
    JsonObject withoutToml = config.copy();
    withoutToml.remove("toml");
    assertEquals(withoutToml, listed);

    Reply renamed = call("PATCH", CONFIGS + "/" + id, new JsonObject().put("name", "linux").put("description", ""));
    assertEquals(200, renamed.status(), renamed.toString());
    assertEquals("linux", renamed.json().getString("name"));
    assertEquals("", renamed.json().getString("description"), "a description may be cleared");
    assertEquals(SAMPLE, renamed.json().getString("toml"));
    assertEquals(config.getString("lastModified"), renamed.json().getString("lastModified"),
        "metadata edits keep the TOML's date");
    assertEquals(config.getString("tomlUpdatedAt"), renamed.json().getString("tomlUpdatedAt"));

    Reply sameToml = call("PATCH", CONFIGS + "/" + id, new JsonObject().put("toml", SAMPLE));
    assertEquals(200, sameToml.status(), sameToml.toString());
    assertEquals(config.getString("lastModified"), sameToml.json().getString("lastModified"),
        "the same bytes again are no change");

    String edited = SAMPLE.replace("10s", "20s");
    Reply changed = call("PATCH", CONFIGS + "/" + id, new JsonObject().put("toml", edited));
    assertEquals(200, changed.status(), changed.toString());
    assertEquals(edited, changed.json().getString("toml"));
    assertNotEquals(config.getString("lastModified"), changed.json().getString("lastModified"));
    assertEquals(edited, download(id, "").body());

    assertEquals(204, call("DELETE", CONFIGS + "/" + id, null).status());
    assertError(call("GET", CONFIGS + "/" + id, null), 404, "not_found", "No such config");
    assertEquals(404, download(id, "").statusCode());
    assertError(call("DELETE", CONFIGS + "/" + id, null), 404, "not_found", "No such config");
    assertEquals(List.of("branch offices"), names());

    List<String> actions = gateway.get("/api/audit", team.session("owner")).json().getJsonArray("events").stream()
        .map(event -> (JsonObject) event).filter(event -> id.equals(event.getString("targetId")))
        .map(event -> event.getString("action")).toList();
    assertEquals(List.of("config.delete", "config.update", "config.update", "config.update", "config.create"),
        actions);
  }

  // The listing is written a page of 50 at a time (one read of 1,100 large configs ran a node out of memory).
  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void theListingSpansPagesWithEachConfigOnceByNameAndItsLabels(StoreKind kind) throws Exception {
    start(kind);
    String label = call("POST", "/api/labels", new JsonObject().put("name", "every third")).json().getString("id");
    List<String> expected = new java.util.ArrayList<>();
    List<String> labelled = new java.util.ArrayList<>();
    for (int i = 149; i >= 0; i--) {
      String name = String.format("config-%03d", i);
      String id = create(name, "[agent]\n").getString("id");
      expected.add(0, name);
      if (i % 3 == 0) {
        assertEquals(200, call("POST", CONFIGS + "/" + id + "/assign/" + label, null).status());
        labelled.add(0, name);
      }
    }
    assertEquals(expected, names(), "150 configs over three pages, by name, each once");
    JsonArray whole = call("GET", CONFIGS, null).json().getJsonArray("configs");
    assertEquals(whole, ListingPages.read(gateway, CONFIGS, "configs", manager, 11));
    assertEquals(whole, ListingPages.read(gateway, CONFIGS, "configs", manager, 1000));
    ListingPages.refusesWhatIsNoPage(gateway, CONFIGS, manager);
    Reply filtered = call("GET", CONFIGS + "?label=" + label, null);
    assertEquals(200, filtered.status(), filtered.toString());
    List<JsonObject> carriers = filtered.json().getJsonArray("configs").stream().map(c -> (JsonObject) c).toList();
    assertEquals(labelled, carriers.stream().map(c -> c.getString("name")).toList());
    assertEquals(filtered.json().getJsonArray("configs"),
        ListingPages.read(gateway, CONFIGS + "?label=" + label, "configs", manager, 4), "the filter, a page at a time");
    carriers.forEach(c -> assertEquals(label, c.getJsonArray("labels").getJsonObject(0).getString("id")));
    assertEquals(List.of(), call("GET", CONFIGS + "?label=" + label + "&label="
        + call("POST", "/api/labels", new JsonObject().put("name", "none")).json().getString("id"), null)
        .json().getJsonArray("configs").getList(), "no carrier: an empty listing");
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void everyTomlChangeMovesLastModifiedEvenWithinOneSecond(StoreKind kind) throws Exception {
    start(kind);
    JsonObject config = create("fast edits", "a = 0\n");
    String id = config.getString("id");
    List<String> dates = new java.util.ArrayList<>(List.of(config.getString("lastModified")));
    for (int edit = 1; edit <= 4; edit++) {
      Reply changed = call("PATCH", CONFIGS + "/" + id, new JsonObject().put("toml", "a = " + edit + "\n"));
      assertEquals(200, changed.status(), changed.toString());
      dates.add(changed.json().getString("lastModified"));
      assertEquals(dates.get(edit), download(id, "").headers().firstValue("Last-Modified").orElseThrow());
    }
    assertEquals(5, dates.stream().distinct().count(), "five edits in quick succession, five dates: " + dates);
    for (int i = 1; i < dates.size(); i++) {
      assertTrue(parseHttpDate(dates.get(i)).isAfter(parseHttpDate(dates.get(i - 1))), dates.toString());
    }
    for (String date : dates) {
      assertTrue(date.matches("(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT"),
          "IMF-fixdate with a two-digit day: " + date);
    }
    Reply renamed = call("PATCH", CONFIGS + "/" + id, new JsonObject().put("name", "renamed")
        .put("description", "new words"));
    assertEquals(dates.get(4), renamed.json().getString("lastModified"));
    assertEquals(dates.get(4), download(id, "").headers().firstValue("Last-Modified").orElseThrow());
  }

  private static Instant parseHttpDate(String date) {
    return java.time.ZonedDateTime.parse(date, java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void namesAreUnique(StoreKind kind) throws Exception {
    start(kind);
    JsonObject first = create("fleet", "a = 1\n");
    JsonObject second = create("edge", "b = 2\n");
    assertError(call("POST", CONFIGS, new JsonObject().put("name", "fleet").put("toml", "c = 3\n")), 409,
        "config_name_conflict", "already exists");
    assertError(call("PATCH", CONFIGS + "/" + second.getString("id"), new JsonObject().put("name", "fleet")
        .put("toml", "b = 3\n")), 409, "config_name_conflict", "already exists");
    assertEquals(List.of("edge", "fleet"), names());
    assertEquals(second, config(second.getString("id")), "a refused PATCH changes nothing, TOML included");
    assertEquals(first, config(first.getString("id")));
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void agentTemplateReportsToThisGateway(StoreKind kind) throws Exception {
    start(kind);
    int heartbeatPort = gateway.heartbeatListener("/").getPort();
    Reply created = call("POST", CONFIGS, new JsonObject().put("name", "fleet").put("template", "agent"));
    assertEquals(201, created.status(), created.toString());
    String toml = created.json().getString("toml");
    assertTrue(toml.contains("[[outputs.heartbeat]]\n"), toml);
    assertTrue(toml.contains("  url = \"http://127.0.0.1:" + heartbeatPort + "/agents/heartbeat\"\n"), toml);
    assertTrue(toml.contains("  instance_id = \"&{agent_id}\"\n"), toml);
    assertTrue(toml.contains("  token = \"${TELEGRAF_CONTROLLER_TOKEN}\"\n"), toml);
    assertTrue(toml.contains("  include = [\"hostname\", \"statistics\", \"configs\"]\n"), toml);

    HttpResponse<String> served = download(created.json().getString("id"), "?agent_id=web-01");
    assertEquals(200, served.statusCode(), served.body());
    assertTrue(served.body().contains("  instance_id = \"web-01\"\n"), served.body());
    assertTrue(served.body().contains("${TELEGRAF_CONTROLLER_TOKEN}"), "left for the agent");
    assertEquals(400, download(created.json().getString("id"), "").statusCode(), "agent_id is required");

    String inputs = "[[inputs.cpu]]\n  percpu = true\n";
    Reply withToml = call("POST", CONFIGS, new JsonObject().put("name", "behind proxy").put("template", "agent")
        .put("heartbeatUrl", "https://gw.example/agents/heartbeat").put("toml", inputs));
    assertEquals(201, withToml.status(), withToml.toString());
    String combined = withToml.json().getString("toml");
    assertTrue(combined.contains("  url = \"https://gw.example/agents/heartbeat\"\n"), combined);
    assertTrue(combined.endsWith("\n\n" + inputs), "the caller's TOML follows the block: " + combined);
    assertTrue(combined.indexOf("[[outputs.heartbeat]]") < combined.indexOf("[[inputs.cpu]]"));

    assertError(call("POST", CONFIGS, new JsonObject().put("name", "x").put("template", "server")), 400,
        "invalid_request", "template must be \"agent\"");
    assertError(call("POST", CONFIGS, new JsonObject().put("name", "x").put("template", "agent")
        .put("heartbeatUrl", "gw:8000")), 400, "invalid_request", "heartbeatUrl must be an absolute http");
    assertError(call("POST", CONFIGS, new JsonObject().put("name", "x").put("template", "agent")
        .put("toml", "[[outputs.heartbeat]]\nurl = ")), 400, "invalid_request", "toml is not valid TOML at line 11");
    assertEquals(List.of("behind proxy", "fleet"), names(), "refused templates created nothing");
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void configThatReportingAgentsUseCannotBeDeleted(StoreKind kind) throws Exception {
    start(kind);
    Credentials owner = team.session("owner");
    String agentToken = team.token(owner, "fleet", "telegraf-agent").getString("token");
    String used = create("used", "a = 1\n").getString("id");
    String other = create("other", "a = 2\n").getString("id");
    String byProxy = create("by proxy", "a = 3\n").getString("id");
    heartbeat(agentToken, "agent-1", "http://127.0.0.1:8888" + Config.tomlPath(used) + "?agent_id=agent-1",
        "/etc/telegraf/telegraf.conf");
    heartbeat(agentToken, "agent-2", "http://user:xxxxx@gw.example" + Config.tomlPath(used));
    heartbeat(agentToken, "agent-3", "https://gw.example/heartgate" + Config.tomlPath(byProxy) + "#x");
    // Mentions of another config's id that are not its download URL.
    heartbeat(agentToken, "agent-4", "http://gw.example" + Config.tomlPath(other) + "-old",
        "http://gw.example/api/configs/" + other + "/toml/extra", "/srv/" + other + ".toml");

    Reply refused = call("DELETE", CONFIGS + "/" + used, null);
    assertError(refused, 409, "config_in_use", "Config used is used by 2 reporting agents and cannot be deleted");
    assertEquals(2, refused.json().getJsonObject("details").getInteger("agents"));
    assertEquals("used", config(used).getString("name"), "still there");
    assertError(call("DELETE", CONFIGS + "/" + byProxy, null), 409, "config_in_use", "used by 1 reporting agent ");
    assertEquals(204, call("DELETE", CONFIGS + "/" + other, null).status(), "named by no agent's download URL");

    // Once its agents stop reporting, the config can go.
    Reply rule = gateway.post("/api/reporting-rules", owner, new JsonObject().put("name", "short")
        .put("notReportingAfterSeconds", 1));
    assertEquals(201, rule.status(), rule.toString());
    for (String agent : List.of("agent-1", "agent-2")) {
      Reply moved = gateway.call("PATCH", "/api/agents/" + agent, owner,
          new JsonObject().put("reportingRuleId", rule.json().getString("id")));
      assertEquals(200, moved.status(), moved.toString());
    }
    clock.advance(Duration.ofSeconds(2));
    for (String agent : List.of("agent-1", "agent-2")) {
      assertEquals("not_reporting", gateway.get("/api/agents/" + agent, owner).json().getString("status"), agent);
    }
    assertEquals(204, call("DELETE", CONFIGS + "/" + used, null).status());
    assertEquals(List.of("by proxy"), names());
  }

  /**
   * A download URL written otherwise than the gateway writes it (a letter escaped, a dot segment) is served all the
   * same, and was not counted: a config that agents fetch so could be deleted under them (a helper's probe).
   */
  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aConfigNamedByAUrlWrittenOtherwiseIsInUse(StoreKind kind) throws Exception {
    start(kind);
    String agentToken = team.token(team.session("owner"), "fleet", "telegraf-agent").getString("token");
    String escaped = create("escaped", "a = 1\n").getString("id");
    String dotted = create("dotted", "a = 2\n").getString("id");
    Reply aliased = call("POST", CONFIGS, new JsonObject().put("name", "aliased").put("alias", "use2")
        .put("toml", "a = 3\n"));
    assertEquals(201, aliased.status(), aliased.toString());
    String escapedUrl = "http://gw.example/api/configs/" + escaped.substring(0, 35) + "%"
        + Integer.toHexString(escaped.charAt(35)) + "/toml";
    heartbeat(agentToken, "agent-1", escapedUrl);
    heartbeat(agentToken, "agent-2", "http://gw.example/api/configs/x/../" + dotted + "/toml?agent_id=agent-2");
    heartbeat(agentToken, "agent-3", "http://gw.example/c/%75se2");
    assertEquals(200, gateway.get(escapedUrl.substring("http://gw.example".length()), team.session("owner"))
        .status(), "served as written");
    for (String id : List.of(escaped, dotted, aliased.json().getString("id"))) {
      assertError(call("DELETE", CONFIGS + "/" + id, null), 409, "config_in_use", "used by 1 reporting agent ");
    }
  }

  private void heartbeat(String token, String agentId, String... configurations) {
    JsonObject body = new JsonObject().put("id", agentId).put("version", TelegrafAgent.VERSION).put("schema", 1)
        .put("configurations", new JsonArray(List.of((Object[]) configurations)));
    HttpResponse<String> sent = TelegrafAgent.post(gateway.heartbeatListener(HeartbeatRoutes.PATH), token,
        body.encode());
    assertEquals(204, sent.statusCode(), sent.body());
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void badInputIsRefusedAndChangesNothing(StoreKind kind) throws Exception {
    start(kind);
    JsonObject kept = create("kept", "a = 1\n");
    String id = kept.getString("id");

    Reply invalid = call("POST", CONFIGS, new JsonObject().put("name", "broken")
        .put("toml", "[agent]\n  interval = \"10s\n"));
    assertError(invalid, 400, "invalid_request", "toml is not valid TOML at line 2, column ");
    JsonObject details = invalid.json().getJsonObject("details");
    assertEquals("toml", details.getString("field"));
    assertEquals(2, details.getInteger("line"));
    assertTrue(details.getInteger("column") > 0, details.encode());

    Reply invalidPatch = call("PATCH", CONFIGS + "/" + id, new JsonObject().put("name", "renamed")
        .put("toml", "[agent\n"));
    assertError(invalidPatch, 400, "invalid_request", "toml is not valid TOML at line 1");
    assertError(call("PATCH", CONFIGS + "/" + id, new JsonObject().put("toml", "a = 1\na = 2\n")), 400,
        "invalid_request", "Duplicate key");

    assertError(call("POST", CONFIGS, new JsonObject().put("toml", "a = 1\n")), 400, "invalid_request",
        "name is required");
    assertError(call("POST", CONFIGS, new JsonObject().put("name", "no toml")), 400, "invalid_request",
        "toml is required");
    assertError(call("POST", CONFIGS, new JsonObject().put("name", "n").put("toml", 42)), 400, "invalid_request",
        "toml must be a string");
    assertError(call("POST", CONFIGS, new JsonObject().put("name", " ").put("toml", "")), 400, "invalid_request",
        "name must not be empty");
    assertError(call("POST", CONFIGS, new JsonObject().put("name", "n".repeat(256)).put("toml", "")), 400,
        "invalid_request", "name must be at most 255 characters");
    assertError(call("POST", CONFIGS, "{\"name\":\"lone\",\"toml\":\"a = \\\"\\ud800\\\"\"}"), 400,
        "invalid_request", "toml must be valid Unicode text");
    assertError(call("PATCH", CONFIGS + "/" + id, new JsonObject().putNull("toml")), 400, "invalid_request",
        "toml must not be null");
    assertError(call("PATCH", CONFIGS + "/" + id, new JsonObject()), 400, "invalid_request", "nothing to change");
    assertError(call("PATCH", CONFIGS + "/" + id, new JsonObject().put("template", "agent")), 400,
        "invalid_request", "template is only accepted when a config is created");

    // 5 MiB of otherwise valid TOML: over the documented 1 MiB limit.
    String huge = "# " + "x".repeat(5 * 1024 * 1024) + "\na = 1\n";
    assertEquals(413, rawPost(CONFIGS, "application/json",
        new JsonObject().put("name", "huge").put("toml", huge).encode().getBytes(StandardCharsets.UTF_8)));
    assertEquals(413, rawPatch(CONFIGS + "/" + id,
        new JsonObject().put("toml", huge).encode().getBytes(StandardCharsets.UTF_8)));

    byte[] notUtf8 = "{\"name\":\"latin1 \u00e9\",\"toml\":\"a = 1\"}".getBytes(StandardCharsets.ISO_8859_1);
    assertEquals(400, rawPost(CONFIGS, "application/json", notUtf8));
    assertEquals(415, rawPost(CONFIGS, "application/toml", "a = 1\n".getBytes(StandardCharsets.UTF_8)));

    for (String method : List.of("GET", "PATCH", "DELETE")) {
      Reply unknown = call(method, CONFIGS + "/no-such-id", method.equals("PATCH")
          ? new JsonObject().put("name", "x") : null);
      assertError(unknown, 404, "not_found", "No such config");
    }
    assertEquals(404, download("no-such-id", "").statusCode());

    assertEquals(List.of("kept"), names(), "nothing was created");
    assertEquals(kept, config(id), "nothing was changed");
  }

  private int rawPost(String path, String contentType, byte[] body) {
    return raw("POST", path, contentType, body);
  }

  private int rawPatch(String path, byte[] body) {
    return raw("PATCH", path, "application/json", body);
  }

  /** The status of a raw request; a server that answers 413 before reading the whole body may close early. */
  private int raw(String method, String path, String contentType, byte[] body) {
    HttpRequest request = HttpRequest.newBuilder(gateway.api(path)).header("Cookie", manager.cookie())
        .header("Content-Type", contentType).method(method, HttpRequest.BodyPublishers.ofByteArray(body)).build();
    HttpResponse<String> response = TestGateway.send(request);
    if (response.statusCode() >= 400) {
      JsonObject error = new JsonObject(response.body());
      assertTrue(error.containsKey("error") && error.containsKey("message"), response.body());
      if (response.statusCode() == 413) {
        assertEquals("payload_too_large", error.getString("error"), response.body());
      }
    }
    return response.statusCode();
  }
}
