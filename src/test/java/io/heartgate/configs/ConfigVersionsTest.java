package io.heartgate.configs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Versions of a config's TOML over HTTP, on both stores: recorded for every TOML change and only then, listed
 * newest first, read with their TOML, diffed, rolled back (watching agents reload), pruned within the rules,
 * with permissions and bad input that changes nothing.
 */
class ConfigVersionsTest {
  private static final String V1 = "[agent]\n  interval = \"10s\"\n\n[[inputs.cpu]]\n  percpu = true\n"
      + "[[outputs.heartbeat]]\n  instance_id = \"&{agent_id}\"\n";
  private static final String V2 = V1.replace("[[inputs.cpu]]", "[[inputs.mem]]\n\n[[inputs.cpu]]");
  private static final String V3 = V2.replace("10s", "30s");

  @TempDir
  Path tempDir;
  private final MovableClock clock = new MovableClock();
  private TestGateway gateway;
  private Team team;
  private Credentials manager;
  private String id;

  private void start(StoreKind kind) throws Exception {
    gateway = TestGateway.start(kind.freshStore(tempDir), clock);
    team = Team.create(gateway);
    manager = team.session("manager");
    Reply created = gateway.post("/api/configs", manager, new JsonObject().put("name", "fleet").put("toml", V1));
    assertEquals(201, created.status(), created.toString());
    assertEquals(1, created.json().getInteger("version"), created.toString());
    id = created.json().getString("id");
  }

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  private String versions() {
    return "/api/configs/" + id + "/versions";
  }

  private Reply call(String method, String path, Object body) {
    return gateway.call(method, path, manager, body);
  }

  private JsonObject patch(JsonObject changes) {
    Reply patched = call("PATCH", "/api/configs/" + id, changes);
    assertEquals(200, patched.status(), patched.toString());
    return patched.json();
  }

  private List<JsonObject> list(Credentials as) {
    Reply listed = gateway.get(versions(), as);
    assertEquals(200, listed.status(), listed.toString());
    return listed.json().getJsonArray("versions").stream().map(v -> (JsonObject) v).toList();
  }

  private List<Integer> numbers() {
    return list(manager).stream().map(v -> v.getInteger("version")).toList();
  }

  private JsonObject config() {
    Reply got = gateway.get("/api/configs/" + id, manager);
    assertEquals(200, got.status(), got.toString());
    return got.json();
  }

  private static void assertError(Reply reply, int status, String code, String messageContains) {
    assertEquals(status, reply.status(), reply.toString());
    assertEquals(code, reply.error(), reply.toString());
    assertTrue(reply.message().contains(messageContains), reply.toString());
  }

  // The listing is written 500 versions at a time: a config edited every minute has half a million in a year.
  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void theListingSpansPagesNewestFirstEachVersionOnce(StoreKind kind) throws Exception {
    start(kind);
    for (int n = 2; n <= 1_010; n++) {
      patch(new JsonObject().put("toml", V1 + "# " + n + "\n").put("note", "edit " + n));
    }
    List<JsonObject> listed = list(manager);
    assertEquals(java.util.stream.IntStream.iterate(1_010, n -> n >= 1, n -> n - 1).boxed().toList(),
        listed.stream().map(v -> v.getInteger("version")).toList(), "1,010 versions over three pages");
    assertEquals("edit 1010", listed.get(0).getString("note"));
    assertEquals(new JsonArray(listed), ListingPages.read(gateway, versions(), "versions", manager, 333));
    assertEquals(new JsonArray(listed), ListingPages.read(gateway, versions(), "versions", manager, 1000));
    ListingPages.refusesWhatIsNoPage(gateway, versions(), manager);
    String elsewhere = "/api/configs/" + java.util.UUID.randomUUID() + "/versions";
    assertEquals(404, gateway.get(elsewhere + "?limit=5", manager).status(), "the first page of no config");
    String cursor = gateway.get(versions() + "?limit=5", manager).json().getString("nextCursor");
    assertEquals(404, gateway.get(elsewhere + "?cursor=" + cursor, manager).status(), "a later page of no config");
    assertFalse(listed.get(0).containsKey("toml"));
    assertEquals(404, gateway.get("/api/configs/" + java.util.UUID.randomUUID() + "/versions", manager).status());
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void everyTomlChangeAndOnlyThatRecordsAVersion(StoreKind kind) throws Exception {
    start(kind);
    JsonObject first = list(manager).get(0);
    assertEquals(1, first.getInteger("version"));
    assertEquals(new JsonObject().put("type", "user").put("id", team.member("manager").id())
        .put("name", team.member("manager").username()), first.getJsonObject("author"));
    assertNull(first.getString("note"));
    assertFalse(first.containsKey("toml"), "lists leave the TOML out");

    patch(new JsonObject().put("name", "renamed").put("description", "only metadata"));
    patch(new JsonObject().put("toml", V1).put("note", "same TOML: no version"));
    assertEquals(List.of(1), numbers(), "name, description and an unchanged TOML make no version");
    assertEquals(1, config().getInteger("version"));

    clock.advance(Duration.ofMinutes(1));
    JsonObject edited = patch(new JsonObject().put("toml", V2).put("note", "n".repeat(1000)));
    assertEquals(2, edited.getInteger("version"));
    JsonObject token = team.token(manager, "ci", "full");
    Reply byToken = gateway.call("PATCH", "/api/configs/" + id, Credentials.bearer(token.getString("token")),
        new JsonObject().put("toml", V3));
    assertEquals(200, byToken.status(), byToken.toString());
    assertEquals(3, byToken.json().getInteger("version"));

    List<JsonObject> all = list(manager);
    assertEquals(List.of(3, 2, 1), all.stream().map(v -> v.getInteger("version")).toList(), "newest first");
    assertEquals(new JsonObject().put("type", "token").put("id", token.getString("id"))
        .put("name", team.member("manager").username()), all.get(0).getJsonObject("author"));
    assertNull(all.get(0).getString("note"));
    assertEquals("n".repeat(1000), all.get(1).getString("note"));
    assertTrue(all.get(1).getString("createdAt").compareTo(all.get(2).getString("createdAt")) > 0,
        all.toString());

    Reply two = call("GET", versions() + "/2", null);
    assertEquals(200, two.status(), two.toString());
    assertEquals(V2, two.json().getString("toml"));
    JsonObject withoutToml = two.json().copy();
    withoutToml.remove("toml");
    assertEquals(all.get(1), withoutToml, "the same version as listed, with its TOML");

    Reply diff = call("GET", versions() + "/1/diff/3", null);
    assertEquals(200, diff.status(), diff.toString());
    assertEquals("text/x-diff; charset=utf-8", diff.header("Content-Type"));
    assertEquals("no-store", diff.header("Cache-Control"));
    assertEquals("--- a/version-1\n+++ b/version-3\n@@ -1,6 +1,8 @@\n [agent]\n-  interval = \"10s\"\n"
        + "+  interval = \"30s\"\n \n+[[inputs.mem]]\n+\n [[inputs.cpu]]\n   percpu = true\n"
        + " [[outputs.heartbeat]]\n", diff.body());
    Reply backwards = call("GET", versions() + "/3/diff/1", null);
    assertTrue(backwards.body().startsWith("--- a/version-3\n+++ b/version-1\n"), backwards.body());
    Reply same = call("GET", versions() + "/2/diff/2", null);
    assertEquals(200, same.status());
    assertEquals("", same.body(), "no difference, empty diff");

    Reply deleted = call("DELETE", "/api/configs/" + id, null);
    assertEquals(204, deleted.status(), deleted.toString());
    assertError(call("GET", versions(), null), 404, "not_found", "No such config");
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void watchingAgentReloadsAfterAnEditAndARollbackOnly(StoreKind kind) throws Exception {
    start(kind);
    JsonObject agentToken = team.token(team.session("owner"), "fleet", "telegraf-agent");
    TelegrafConfigClient telegraf = new TelegrafConfigClient(
        gateway.api(Config.tomlPath(id) + "?agent_id=web-01"), "Token " + agentToken.getString("token"));
    assertEquals(200, telegraf.get().statusCode());
    assertFalse(telegraf.tick(), "the first tick takes the baseline");

    patch(new JsonObject().put("name", "renamed").put("description", "metadata"));
    patch(new JsonObject().put("toml", V1).put("note", "a note alone"));
    assertFalse(telegraf.tick(), "no reload after a name, description or note change");

    patch(new JsonObject().put("toml", V2));
    assertTrue(telegraf.tick(), "a TOML edit reloads");
    assertFalse(telegraf.tick(), "new baseline");
    String beforeRollback = config().getString("lastModified");

    Reply rolledBack = call("POST", versions() + "/1/rollback", null);
    assertEquals(201, rolledBack.status(), rolledBack.toString());
    assertEquals(3, rolledBack.json().getInteger("version"));
    assertEquals(V1, rolledBack.json().getString("toml"));
    assertEquals("Rollback to version 1", rolledBack.json().getString("note"));
    assertEquals("user", rolledBack.json().getJsonObject("author").getString("type"));
    JsonObject now = config();
    assertEquals(V1, now.getString("toml"));
    assertEquals(3, now.getInteger("version"));
    assertNotEquals(beforeRollback, now.getString("lastModified"), "Last-Modified moves");
    assertTrue(telegraf.tick(), "a rollback reloads");
    assertTrue(telegraf.get().body().contains("[[inputs.cpu]]"));
    assertFalse(telegraf.get().body().contains("[[inputs.mem]]"), "the rolled-back TOML is served");
    assertFalse(telegraf.tick(), "new baseline");

    // Today a rollback to the TOML served already moved Last-Modified too, which changes exactly when the TOML does
    // (a helper's probe): every watching agent reloaded the same document.
    String beforeSameRollback = config().getString("lastModified");
    Reply again = call("POST", versions() + "/3/rollback", new JsonObject().put("note", "once more"));
    assertEquals(201, again.status(), again.toString());
    assertEquals(4, again.json().getInteger("version"), "a rollback always makes a version, even to the same TOML");
    assertEquals("once more", again.json().getString("note"));
    assertEquals(beforeSameRollback, config().getString("lastModified"), "the same TOML: Last-Modified stays");
    assertFalse(telegraf.tick(), "and no agent reloads");
    assertEquals(List.of(4, 3, 2, 1), numbers());

    Reply audit = gateway.get("/api/audit", team.session("owner"));
    assertEquals(200, audit.status(), audit.toString());
    List<String> actions = audit.json().getJsonArray("events").stream()
        .map(e -> ((JsonObject) e).getString("action")).toList();
    assertEquals(2, actions.stream().filter("config.rollback"::equals).count(), actions.toString());
  }

  // Today (a helper's probe): a rollback restored a version without the checks a save makes, against the constants
  // of now: a version saved while its constant was undefined came back with a value that made the document invalid
  // TOML for every agent, or let a query parameter leave its string and add a command to an exec input.
  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aRollbackIsCheckedAsASaveIsWithTheConstantsOfNow(StoreKind kind) throws Exception {
    start(kind);
    String[][] cases = {
        {"COMMAND", "[[inputs.exec]]\n  commands = [::{COMMAND}]\n", "echo hi', 'touch /tmp/pwned",
            "not valid TOML"},
        {"QUOTE", "[[inputs.exec]]\n  commands = [::{QUOTE}, \"&{p:date}\", ::{QUOTE}]\n", "'",
            "opens or closes a string"}};
    for (String[] c : cases) {
      String unquoted = c[1];
      patch(new JsonObject().put("toml", unquoted));
      int restorable = config().getInteger("version");
      patch(new JsonObject().put("toml", unquoted.replace("::{" + c[0] + "}", "\"::{" + c[0] + "}\"")));
      JsonObject before = config();
      assertEquals(201, gateway.post("/api/constants", manager, new JsonObject().put("name", c[0])
          .put("value", c[2])).status());

      assertError(call("PATCH", "/api/configs/" + id, new JsonObject().put("toml", unquoted)), 400,
          "invalid_request", c[3]);
      Reply rollback = call("POST", versions() + "/" + restorable + "/rollback", null);
      assertError(rollback, 400, "invalid_request", "Version " + restorable + " cannot be restored: ");
      assertTrue(rollback.json().getString("message").contains(c[3]), rollback.toString());
      assertEquals("toml", rollback.json().getJsonObject("details").getString("field"));
      assertEquals(before, config(), "nothing changed");
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void pruneKeepsTheNewestAndNeverTheCurrentOrOnlyVersion(StoreKind kind) throws Exception {
    start(kind);
    Reply alone = call("DELETE", versions() + "?keepLatest=1", null);
    assertEquals(200, alone.status(), alone.toString());
    assertEquals(new JsonObject().put("deleted", 0), alone.json(), "the only version stays");

    for (String toml : List.of(V2, V3, V1 + "# 4\n", V1 + "# 5\n")) {
      patch(new JsonObject().put("toml", toml));
    }
    assertEquals(List.of(5, 4, 3, 2, 1), numbers());
    // Back to version 2: the newest version is the current one again, whatever its TOML.
    assertEquals(201, call("POST", versions() + "/2/rollback", null).status());

    Reply pruned = call("DELETE", versions() + "?keepLatest=3", null);
    assertEquals(200, pruned.status(), pruned.toString());
    assertEquals(3, pruned.json().getInteger("deleted"));
    assertEquals(List.of(6, 5, 4), numbers());
    assertError(call("GET", versions() + "/2", null), 404, "not_found", "No such version");
    assertError(call("POST", versions() + "/1/rollback", null), 404, "not_found", "No such version");

    Reply toOne = call("DELETE", versions() + "?keepLatest=1", null);
    assertEquals(2, toOne.json().getInteger("deleted"), toOne.toString());
    assertEquals(List.of(6), numbers(), "the current version stays");
    assertEquals(V2, call("GET", versions() + "/6", null).json().getString("toml"));
    assertEquals(0, call("DELETE", versions() + "?keepLatest=1", null).json().getInteger("deleted"));

    patch(new JsonObject().put("toml", V3));
    assertEquals(List.of(7, 6), numbers(), "numbers are never reused");
    assertEquals(7, config().getInteger("version"));

    Reply audit = gateway.get("/api/audit", team.session("owner"));
    assertEquals(4, audit.json().getJsonArray("events").stream()
        .filter(e -> "config.versions.prune".equals(((JsonObject) e).getString("action"))).count());
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void viewersReadButCannotRollBackOrPrune(StoreKind kind) throws Exception {
    start(kind);
    patch(new JsonObject().put("toml", V2));
    Credentials viewer = team.session("viewer");
    assertEquals(2, list(viewer).size());
    assertEquals(200, gateway.get(versions() + "/1", viewer).status());
    assertEquals(200, gateway.get(versions() + "/1/diff/2", viewer).status());
    assertError(gateway.post(versions() + "/1/rollback", viewer, new JsonObject()), 403, "forbidden",
        "missing permission configs:write");
    assertError(gateway.call("DELETE", versions() + "?keepLatest=1", viewer, null), 403, "forbidden",
        "missing permission configs:delete");
    assertEquals(List.of(2, 1), numbers(), "nothing changed");
    assertEquals(V2, config().getString("toml"));
    assertEquals(401, gateway.get(versions(), Credentials.NONE).status());
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void badInputChangesNothing(StoreKind kind) throws Exception {
    start(kind);
    patch(new JsonObject().put("toml", V2));
    JsonObject before = config();

    Reply longNote = call("PATCH", "/api/configs/" + id, new JsonObject().put("toml", V3)
        .put("note", "n".repeat(1001)));
    assertError(longNote, 400, "invalid_request", "note must be at most 1000 characters");
    assertEquals("note", longNote.json().getJsonObject("details").getString("field"));
    assertError(call("PATCH", "/api/configs/" + id, new JsonObject().put("toml", V3).put("note", 5)), 400,
        "invalid_request", "note must be a string");
    assertError(call("POST", versions() + "/1/rollback", new JsonObject().put("note", "n".repeat(1001))), 400,
        "invalid_request", "note must be at most 1000 characters");
    for (String keep : List.of("", "?keepLatest=", "?keepLatest=0", "?keepLatest=-1", "?keepLatest=abc",
        "?keepLatest=1.5", "?keepLatest=99999999999")) {
      assertError(call("DELETE", versions() + keep, null), 400, "invalid_request", "keepLatest");
    }
    for (String n : List.of("3", "0", "-1", "abc", "99999999999")) {
      assertError(call("GET", versions() + "/" + n, null), 404, "not_found", "No such version");
      assertError(call("GET", versions() + "/1/diff/" + n, null), 404, "not_found", "No such version");
      assertError(call("GET", versions() + "/" + n + "/diff/1", null), 404, "not_found", "No such version");
      assertError(call("POST", versions() + "/" + n + "/rollback", null), 404, "not_found", "No such version");
    }
    String unknown = "/api/configs/no-such-config/versions";
    assertError(call("GET", unknown, null), 404, "not_found", "No such config");
    assertError(call("GET", unknown + "/1", null), 404, "not_found", "No such config");
    assertError(call("GET", unknown + "/1/diff/1", null), 404, "not_found", "No such config");
    assertError(call("POST", unknown + "/1/rollback", null), 404, "not_found", "No such config");
    assertError(call("DELETE", unknown + "?keepLatest=1", null), 404, "not_found", "No such config");

    assertEquals(before, config(), "nothing changed");
    assertEquals(List.of(2, 1), numbers());
  }
}
