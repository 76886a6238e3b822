package io.heartgate.constants;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import io.heartgate.configs.Config;
import io.heartgate.testsupport.Credentials;
import io.heartgate.testsupport.ListingPages;
import io.heartgate.testsupport.MovableClock;
import io.heartgate.testsupport.Reply;
import io.heartgate.testsupport.StoreKind;
import io.heartgate.testsupport.Team;
import io.heartgate.testsupport.TelegrafConfigClient;
import io.heartgate.testsupport.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Constants from creation to deletion, filled into the served TOML, guarded while configs use them, and moving the
 * Last-Modified a watching agent compares; on both stores.
 */
class ConstantsTest {
  private static final String TOML = "# ::{commented_out} is not a use\n[[outputs.influxdb_v2]]\n"
      + "  urls = [\"::{influx_url}\"]\n  organization = '::{org}'\n  timeout = ::{timeout}\n"
      + "  bucket = \"&{bucket:telegraf}\"\n";

  @TempDir
  Path tempDir;
  private final MovableClock clock = new MovableClock();
  private TestGateway gateway;
  private Team team;
  private Credentials manager;
  private Credentials viewer;
  private String agentToken;

  private void start(StoreKind kind) throws Exception {
    gateway = TestGateway.start(kind.freshStore(tempDir), clock);
    team = Team.create(gateway);
    manager = team.session("manager");
    viewer = team.session("viewer");
    agentToken = team.token(team.session("owner"), "fleet", "telegraf-agent").getString("token");
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

  private JsonObject constant(String name, String value) {
    Reply created = call("POST", "/api/constants", new JsonObject().put("name", name).put("value", value));
    assertEquals(201, created.status(), created.toString());
    return created.json();
  }

  private String config(String name, String toml) {
    Reply created = call("POST", "/api/configs", new JsonObject().put("name", name).put("toml", toml));
    assertEquals(201, created.status(), created.toString());
    return created.json().getString("id");
  }

  private JsonArray constants() {
    Reply listed = gateway.get("/api/constants", viewer);
    assertEquals(200, listed.status(), listed.toString());
    return listed.json().getJsonArray("constants");
  }

  private void patch(String id, JsonObject changes) {
    Reply patched = call("PATCH", "/api/constants/" + id, changes);
    assertEquals(200, patched.status(), patched.toString());
  }

  private TelegrafConfigClient agent(String configId, String query) {
    return new TelegrafConfigClient(gateway.api(Config.tomlPath(configId) + query), "Token " + agentToken);
  }

  private static void refused(Reply reply, int status, String field) {
    assertEquals(status, reply.status(), reply.toString());
    if (field != null) {
      assertEquals(field, reply.json().getJsonObject("details").getString("field"), reply.toString());
    }
  }

  // The listing is written 50 constants at a time.
  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void theListingSpansPagesByNameEachConstantOnce(StoreKind kind) throws Exception {
    start(kind);
    List<String> names = new java.util.ArrayList<>();
    for (int i = 119; i >= 0; i--) {
      String name = String.format("C_%03d", i);
      constant(name, "value " + i);
      names.add(0, name);
    }
    JsonArray listed = constants();
    assertEquals(names, listed.stream().map(c -> ((JsonObject) c).getString("name")).toList());
    assertEquals("value 119", listed.getJsonObject(119).getString("value"));
    // Asked a page at a time: 7 at a time, and 1,000 at a time, which the node reads 10 at a time.
    assertEquals(listed, ListingPages.read(gateway, "/api/constants", "constants", viewer, 7));
    assertEquals(listed, ListingPages.read(gateway, "/api/constants", "constants", viewer, 1000));
    assertEquals(listed, ListingPages.read(gateway, "/api/constants", "constants", viewer, 120));
    ListingPages.refusesWhatIsNoPage(gateway, "/api/constants", viewer);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void constantsAreCreatedReadChangedAndDeleted(StoreKind kind) throws Exception {
    start(kind);
    Reply created = call("POST", "/api/constants", new JsonObject().put("name", "influx_url")
        .put("value", "https://influx:8086").put("description", "the fleet's database"));
    assertEquals(201, created.status(), created.toString());
    JsonObject url = created.json();
    assertEquals("influx_url", url.getString("name"));
    assertEquals("https://influx:8086", url.getString("value"));
    assertEquals("the fleet's database", url.getString("description"));
    assertNotNull(url.getString("createdAt"));
    assertEquals(url.getString("createdAt"), url.getString("updatedAt"));
    assertEquals(List.of("id", "name", "value", "description", "createdAt", "updatedAt"),
        List.copyOf(url.fieldNames()));
    JsonObject org = constant("another_Org2", "");
    assertEquals("", org.getString("description"), "no description is an empty one");
    assertEquals("", org.getString("value"), "an empty value is a value");

    assertEquals(url, gateway.get("/api/constants/" + url.getString("id"), viewer).json());
    assertEquals(List.of("another_Org2", "influx_url"),
        constants().stream().map(o -> ((JsonObject) o).getString("name")).toList(), "by name");

    clock.advance(Duration.ofSeconds(5));
    Reply patched = call("PATCH", "/api/constants/" + url.getString("id"), new JsonObject().put("value", "http://x"));
    assertEquals(200, patched.status(), patched.toString());
    assertEquals("http://x", patched.json().getString("value"));
    assertEquals("the fleet's database", patched.json().getString("description"), "fields not given are kept");
    assertNotEquals(url.getString("updatedAt"), patched.json().getString("updatedAt"));
    assertEquals(url.getString("createdAt"), patched.json().getString("createdAt"));
    patch(org.getString("id"), new JsonObject().put("name", "org").put("description", "renamed"));

    // Refusals change nothing.
    JsonArray before = constants();
    assertEquals("constant_name_conflict", call("POST", "/api/constants",
        new JsonObject().put("name", "org").put("value", "other")).error());
    Reply taken = call("PATCH", "/api/constants/" + url.getString("id"), new JsonObject().put("name", "org"));
    refused(taken, 409, null);
    assertEquals("constant_name_conflict", taken.error());
    assertEquals(409, call("POST", "/api/constants", new JsonObject().put("name", "org").put("value", "x")).status());
    for (String name : List.of("", "1abc", "n".repeat(129), "a-b", "a b", "é", "::{x}")) {
      refused(call("POST", "/api/constants", new JsonObject().put("name", name).put("value", "v")), 400, "name");
      refused(call("PATCH", "/api/constants/" + url.getString("id"), new JsonObject().put("name", name)), 400,
          "name");
    }
    for (String value : List.of("say \"hi\"", "two\nlines", "carriage\rreturn", "v".repeat(65_537), "nul\u0000")) {
      refused(call("POST", "/api/constants", new JsonObject().put("name", "fresh").put("value", value)), 400,
          "value");
      refused(call("PATCH", "/api/constants/" + url.getString("id"), new JsonObject().put("value", value)), 400,
          "value");
    }
    refused(call("POST", "/api/constants", new JsonObject().put("name", "fresh")), 400, "value");
    refused(call("POST", "/api/constants", new JsonObject().put("value", "v")), 400, "name");
    refused(call("POST", "/api/constants", new JsonObject().put("name", 7).put("value", "v")), 400, "name");
    refused(call("POST", "/api/constants", new JsonObject().put("name", "fresh").put("value", 7)), 400, "value");
    refused(call("POST", "/api/constants", new JsonObject().put("name", "fresh").put("value", "v")
        .put("description", "d".repeat(4097))), 400, "description");
    refused(call("PATCH", "/api/constants/" + url.getString("id"), new JsonObject().putNull("value")), 400, "value");
    refused(call("PATCH", "/api/constants/" + url.getString("id"), new JsonObject()), 400, "name");
    refused(call("PATCH", "/api/constants/no-such-constant", new JsonObject().put("value", "y")), 404, null);
    refused(call("GET", "/api/constants/no-such-constant", null), 404, null);
    refused(call("DELETE", "/api/constants/no-such-constant", null), 404, null);
    assertEquals(before, constants(), "refused requests changed nothing");

    assertEquals(201, call("POST", "/api/constants", new JsonObject().put("name", "n".repeat(128))
        .put("value", "v".repeat(65_536))).status(), "the longest name and value");
    assertEquals(201, call("POST", "/api/constants", new JsonObject().put("name", "_Private_9")
        .put("value", "v")).status(), "a name may start with _ and mix cases and digits");

    assertEquals(204, call("DELETE", "/api/constants/" + url.getString("id"), null).status());
    assertEquals(404, call("GET", "/api/constants/" + url.getString("id"), null).status());
    assertEquals(404, call("DELETE", "/api/constants/" + url.getString("id"), null).status());

    Reply audit = gateway.get("/api/audit", team.session("owner"));
    assertEquals(200, audit.status(), audit.toString());
    List<String> actions = audit.json().getJsonArray("events").stream()
        .map(o -> ((JsonObject) o).getString("action")).toList();
    for (String action : List.of("constant.create", "constant.update", "constant.delete")) {
      assertTrue(actions.contains(action), action + " audited: " + actions);
    }
  }

  // Today (a helper's probe): constants had no bound, and a manager's 1,000 constants of 64 KiB made GET
  // /api/constants a 70 MB answer that halted a node of 256 MiB on its first read, every restart again.
  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void constantsHoldAtMostFourMebibytesOfTextAndAThousandNames(StoreKind kind) throws Exception {
    start(kind);
    String full = "v".repeat(ConstantRoutes.MAX_VALUE);
    int fitting = (int) (ConstantService.MAX_TEXT / ConstantRoutes.MAX_VALUE);
    for (int i = 0; i < fitting - 1; i++) {
      constant("BIG_" + i, full);
    }
    String last = constant("LAST", "v".repeat(ConstantRoutes.MAX_VALUE - 100)).getString("id");
    Reply beyond = call("POST", "/api/constants", new JsonObject().put("name", "BEYOND").put("value", "v".repeat(101)));
    assertEquals(409, beyond.status(), beyond.toString());
    assertEquals("constant_limit", beyond.error());
    assertEquals("Constants hold at most 4194304 characters of values and descriptions together; "
        + "shorten or delete some first", beyond.message());
    Reply longer = call("PATCH", "/api/constants/" + last, new JsonObject().put("description", "d".repeat(101)));
    assertEquals(409, longer.status(), longer.toString());
    assertEquals("constant_limit", longer.error());
    patch(last, new JsonObject().put("description", "d".repeat(100)));
    assertEquals(fitting, constants().size(), "nothing refused was kept");

    for (int i = 0; i < fitting; i++) {
      assertEquals(204, call("DELETE", "/api/constants/" + constants().getJsonObject(0).getString("id"), null)
          .status());
    }
    for (int i = 0; i < ConstantService.MAX_CONSTANTS; i++) {
      constant("C_" + i, "x");
    }
    Reply tooMany = call("POST", "/api/constants", new JsonObject().put("name", "ONE_MORE").put("value", "x"));
    assertEquals(409, tooMany.status(), tooMany.toString());
    assertEquals("A node holds at most 1000 constants; delete some first", tooMany.message());
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void permissionsFollowTheRoleTable(StoreKind kind) throws Exception {
    start(kind);
    String id = constant("org", "ops").getString("id");
    JsonArray before = constants();
    JsonObject body = new JsonObject().put("name", "v").put("value", "v");
    assertEquals(200, gateway.get("/api/constants", viewer).status());
    assertEquals(200, gateway.get("/api/constants/" + id, viewer).status());
    for (Reply denied : List.of(gateway.call("POST", "/api/constants", viewer, body),
        gateway.call("PATCH", "/api/constants/" + id, viewer, new JsonObject().put("value", "x")),
        gateway.call("DELETE", "/api/constants/" + id, viewer, null))) {
      assertEquals(403, denied.status(), denied.toString());
    }
    assertEquals("missing permission constants:write",
        gateway.call("POST", "/api/constants", viewer, body).message());

    Credentials configsOnly = Credentials.bearer(team.token(manager, "configs only",
        new JsonArray().add("configs:read").add("configs:write").add("configs:delete")).getString("token"));
    Reply unreadable = gateway.get("/api/constants", configsOnly);
    assertEquals(403, unreadable.status(), unreadable.toString());
    assertEquals("missing permission constants:read", unreadable.message());
    Credentials readOnly = Credentials.bearer(team.token(manager, "read only", "read-only").getString("token"));
    assertEquals(200, gateway.get("/api/constants/" + id, readOnly).status());
    assertEquals("missing permission constants:delete",
        gateway.call("DELETE", "/api/constants/" + id, readOnly, null).message());
    assertEquals(401, gateway.get("/api/constants", Credentials.NONE).status());
    assertEquals(before, constants(), "the refusals changed nothing");

    patch(id, new JsonObject().put("value", "by a manager"));
    assertEquals(204, call("DELETE", "/api/constants/" + id, null).status());
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void servedTomlHasItsConstantsFilledAndUndefinedOnesListed(StoreKind kind) throws Exception {
    start(kind);
    String configId = config("influx", TOML);
    TelegrafConfigClient telegraf = agent(configId, "");
    HttpResponse<String> undefined = telegraf.get();
    assertEquals(400, undefined.statusCode(), undefined.body());
    JsonObject error = new JsonObject(undefined.body());
    assertEquals("invalid_request", error.getString("error"));
    assertEquals("constants", error.getJsonObject("details").getString("field"));
    assertEquals(List.of("influx_url", "org", "timeout"), error.getJsonObject("details").getJsonArray("missing")
        .getList(), "every undefined name, in order of use, not the commented-out one");
    assertTrue(error.getString("message").startsWith("Undefined constants: influx_url, org, timeout"),
        error.getString("message"));
    HttpResponse<String> head = telegraf.head();
    assertEquals(400, head.statusCode());
    assertEquals(Optional.empty(), head.headers().firstValue("Last-Modified"));

    constant("influx_url", "https://influx.example:8086");
    constant("org", "C:\\ops n dev");
    JsonObject timeout = constant("timeout", "'5s'");
    HttpResponse<String> served = agent(configId, "?bucket=" + URLEncoder.encode("::{org} &{x}",
        StandardCharsets.UTF_8)).get();
    assertEquals(200, served.statusCode(), served.body());
    assertTrue(served.body().startsWith("# ::{commented_out} is not a use\n"), served.body());
    JsonNode block = new TomlMapper().readTree(served.body()).get("outputs").get("influxdb_v2").get(0);
    assertEquals("https://influx.example:8086", block.get("urls").get(0).asText());
    assertEquals("C:\\ops n dev", block.get("organization").asText(), "inserted as written");
    assertEquals("5s", block.get("timeout").asText(), "a bare constant is TOML text");
    assertEquals("::{org} &{x}", block.get("bucket").asText(), "a query value is never scanned for constants");
    assertEquals(200, telegraf.head().statusCode());

    assertEquals(409, call("DELETE", "/api/constants/" + timeout.getString("id"), null).status(),
        "a used constant is not deleted");
    assertEquals(200, telegraf.get().statusCode(), "still served");
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aConstantInUseIsNeitherDeletedNorRenamed(StoreKind kind) throws Exception {
    start(kind);
    JsonObject org = constant("org", "ops");
    JsonObject unused = constant("unused", "x");
    String first = config("zeta", "a = '::{org}'\n");
    String second = config("alpha", "[agent]\n  b = \"::{org}\" # and ::{unused} only in a comment\n");
    config("other", "c = \"::{org_name}\" # ::{org}\n");

    Reply deleted = call("DELETE", "/api/constants/" + org.getString("id"), null);
    assertEquals(409, deleted.status(), deleted.toString());
    assertEquals("constant_in_use", deleted.error());
    assertEquals(new JsonArray().add(new JsonObject().put("id", second).put("name", "alpha"))
            .add(new JsonObject().put("id", first).put("name", "zeta")),
        deleted.json().getJsonObject("details").getJsonArray("configs"), "the configs that use it, by name");
    Reply renamed = call("PATCH", "/api/constants/" + org.getString("id"), new JsonObject().put("name", "org2"));
    assertEquals(409, renamed.status(), renamed.toString());
    assertEquals("constant_in_use", renamed.error());
    assertEquals(org, gateway.get("/api/constants/" + org.getString("id"), viewer).json(), "nothing changed");

    patch(org.getString("id"), new JsonObject().put("name", "org").put("description", "same name is no rename"));
    assertEquals(204, call("DELETE", "/api/constants/" + unused.getString("id"), null).status(),
        "a use in a comment is no use");
    assertEquals(200, call("PATCH", "/api/configs/" + first, new JsonObject().put("toml", "a = 1\n")).status());
    assertEquals(204, call("DELETE", "/api/configs/" + second, null).status());
    assertEquals(204, call("DELETE", "/api/constants/" + org.getString("id"), null).status(),
        "deletable once no config uses it");
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void valuesAreCheckedAgainstEveryConfigThatUsesThem(StoreKind kind) throws Exception {
    start(kind);
    JsonObject port = constant("port", "8086");
    JsonObject path = constant("path", "/var/lib");
    String configId = config("listener", "[[inputs.http_listener_v2]]\n  service_address = ':::{port}'\n"
        + "  read_timeout = ::{timeout}\n  paths = [\"::{path}\"]\n");

    Reply breaksString = call("PATCH", "/api/constants/" + path.getString("id"),
        new JsonObject().put("value", "C:\\dir\\"));
    refused(breaksString, 400, "value");
    assertTrue(breaksString.message().startsWith("With this value config listener would be refused: "),
        breaksString.message());
    assertEquals(new JsonObject().put("id", configId).put("name", "listener"),
        breaksString.json().getJsonObject("details").getJsonObject("config"));
    refused(call("PATCH", "/api/constants/" + port.getString("id"), new JsonObject().put("value", "80'")), 400,
        "value");
    Reply notToml = call("POST", "/api/constants", new JsonObject().put("name", "timeout").put("value", "5 s"));
    refused(notToml, 400, "value");
    assertTrue(notToml.message().contains("not valid TOML"), notToml.message());
    assertEquals(List.of("path", "port"), constants().stream().map(o -> ((JsonObject) o).getString("name")).toList(),
        "nothing was created");
    assertEquals("/var/lib", gateway.get("/api/constants/" + path.getString("id"), viewer).json()
        .getString("value"), "nothing was changed");

    constant("timeout", "'5s'");
    Reply breakingToml = call("PATCH", "/api/configs/" + configId, new JsonObject()
        .put("toml", "x = ::{path}\n"));
    refused(breakingToml, 400, "toml");
    assertEquals(201, call("POST", "/api/configs", new JsonObject().put("name", "later")
        .put("toml", "x = ::{not_yet_defined}\n")).status(), "an undefined constant is allowed when saving");
    Reply laterBreaks = call("POST", "/api/constants", new JsonObject().put("name", "not_yet_defined")
        .put("value", "a b"));
    refused(laterBreaks, 400, "value");
    assertTrue(laterBreaks.message().contains("config later"), laterBreaks.message());
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aWatchingAgentReloadsWhenAConstantItUsesChangesAndOnlyThen(StoreKind kind) throws Exception {
    start(kind);
    JsonObject url = constant("influx_url", "https://a:8086");
    constant("org", "ops");
    JsonObject timeout = constant("timeout", "'5s'");
    JsonObject unrelated = constant("unrelated", "x");
    String configId = config("influx", TOML);
    TelegrafConfigClient telegraf = agent(configId, "?agent_id=web-01");
    assertEquals(200, telegraf.get().statusCode());
    assertFalse(telegraf.tick(), "the first tick takes the baseline");

    patch(unrelated.getString("id"), new JsonObject().put("value", "y"));
    assertFalse(telegraf.tick(), "a constant the config does not use");
    constant("another", "z");
    assertFalse(telegraf.tick(), "a new constant the config does not use");
    patch(url.getString("id"), new JsonObject().put("description", "only metadata"));
    assertFalse(telegraf.tick(), "a description change does not reload agents");
    patch(url.getString("id"), new JsonObject().put("value", "https://a:8086"));
    assertFalse(telegraf.tick(), "the same value does not reload agents");

    patch(url.getString("id"), new JsonObject().put("value", "https://b:8086"));
    assertTrue(telegraf.tick(), "a new value of a constant it uses reloads, within the same second");
    assertTrue(telegraf.get().body().contains("https://b:8086"));
    assertFalse(telegraf.tick(), "new baseline");

    patch(timeout.getString("id"), new JsonObject().put("value", "'6s'"));
    patch(url.getString("id"), new JsonObject().put("value", "https://c:8086"));
    assertTrue(telegraf.tick(), "changes right after each other are seen");
    assertFalse(telegraf.tick(), "new baseline");
    assertEquals(200, call("PATCH", "/api/configs/" + configId, new JsonObject().put("toml", TOML + "# edited\n"))
        .status());
    assertTrue(telegraf.tick(), "a TOML edit still moves the date past its constants' changes");
    assertFalse(telegraf.tick(), "new baseline");

    clock.advance(Duration.ofMinutes(2));
    patch(url.getString("id"), new JsonObject().put("value", "https://d:8086"));
    HttpResponse<String> head = telegraf.head();
    assertTrue(telegraf.tick(), "a change later on reloads");
    String lastModified = head.headers().firstValue("Last-Modified").orElseThrow();
    assertEquals(lastModified, telegraf.get().headers().firstValue("Last-Modified").orElseThrow(),
        "GET and HEAD agree");
    assertFalse(telegraf.tick(), "quiet again");
  }
}
