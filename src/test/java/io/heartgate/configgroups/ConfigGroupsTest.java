package io.heartgate.configgroups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import io.heartgate.settings.DatabaseUrl;
import io.heartgate.store.AdvisoryLock;
import io.heartgate.testsupport.Await;
import io.heartgate.testsupport.Concurrently;
import io.heartgate.testsupport.Credentials;
import io.heartgate.testsupport.ListingPages;
import io.heartgate.testsupport.MovableClock;
import io.heartgate.testsupport.Reply;
import io.heartgate.testsupport.Scrape;
import io.heartgate.testsupport.StoreKind;
import io.heartgate.testsupport.Team;
import io.heartgate.testsupport.TelegrafConfigClient;
import io.heartgate.testsupport.TestGateway;
import io.heartgate.testsupport.TestPostgres;
import io.heartgate.testsupport.TestStores;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Tuple;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Config groups on both stores: CRUD with the members' order kept, the group's TOML document (members in order,
 * parameters filled, an empty group empty), refusals that change nothing, the rule that a member cannot be deleted,
 * permissions, and a watching agent that reloads exactly when the document's content changes.
 */
class ConfigGroupsTest {
  private static final String CPU = "[[inputs.cpu]]\n  name_override = \"&{name:cpu}\"\n";
  private static final String TAGS = "[global_tags]\n  host = \"&{host}\"\n";
  private static final String MEM = "[[inputs.mem]]\n";

  @TempDir
  Path tempDir;
  private final MovableClock clock = new MovableClock();
  @RegisterExtension
  final TestStores stores = new TestStores();
  private DatabaseUrl url;
  private TestGateway gateway;
  private Team team;
  private Credentials owner;

  private void start(StoreKind kind) throws Exception {
    url = kind.freshStore(tempDir);
    gateway = TestGateway.start(url, clock);
    team = Team.create(gateway);
    owner = team.session("owner");
  }

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  private String config(String name, String toml) {
    Reply created = gateway.post("/api/configs", owner, new JsonObject().put("name", name).put("toml", toml));
    assertEquals(201, created.status(), created.toString());
    return created.json().getString("id");
  }

  /** Creates the constant; its path. */
  private String constant(String name, String value) {
    Reply created = gateway.post("/api/constants", owner, new JsonObject().put("name", name).put("value", value));
    assertEquals(201, created.status(), created.toString());
    return "/api/constants/" + created.json().getString("id");
  }

  private JsonObject group(JsonObject body) {
    Reply created = gateway.post("/api/config-groups", owner, body);
    assertEquals(201, created.status(), created.toString());
    return created.json();
  }

  private Reply patch(String path, JsonObject changes) {
    return gateway.call("PATCH", path, owner, changes);
  }

  private JsonArray groups() {
    Reply listed = gateway.get("/api/config-groups", owner);
    assertEquals(200, listed.status(), listed.toString());
    return listed.json().getJsonArray("configGroups");
  }

  private static JsonArray ids(String... ids) {
    return new JsonArray(List.of((Object[]) ids));
  }

  /** The groups a refusal names in {@code details.groups}: id and name, pair after pair. */
  private static JsonArray groupRefs(String... idsAndNames) {
    JsonArray refs = new JsonArray();
    for (int i = 0; i < idsAndNames.length; i += 2) {
      refs.add(new JsonObject().put("id", idsAndNames[i]).put("name", idsAndNames[i + 1]));
    }
    return refs;
  }

  // The listing is written 100 groups at a time, each with its members.
  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void theListingSpansPagesByNameEachGroupOnceWithItsMembers(StoreKind kind) throws Exception {
    start(kind);
    String first = config("first", "[agent]\n");
    String second = config("second", "[[inputs.cpu]]\n");
    List<String> names = new java.util.ArrayList<>();
    for (int i = 0; i < 230; i++) {
      String name = String.format("group-%03d", 229 - i);
      group(new JsonObject().put("name", name).put("configIds", i % 2 == 0 ? ids(first, second) : ids(second)));
      names.add(0, name);
    }
    JsonArray listed = groups();
    assertEquals(names, listed.stream().map(g -> ((JsonObject) g).getString("name")).toList());
    assertEquals(listed, ListingPages.read(gateway, "/api/config-groups", "configGroups", owner, 9));
    assertEquals(listed, ListingPages.read(gateway, "/api/config-groups", "configGroups", owner, 1000));
    ListingPages.refusesWhatIsNoPage(gateway, "/api/config-groups", owner);
    for (int i = 0; i < listed.size(); i++) {
      assertEquals((229 - i) % 2 == 0 ? ids(first, second) : ids(second),
          listed.getJsonObject(i).getJsonArray("configIds"), listed.getJsonObject(i).getString("name"));
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void crudKeepsTheMembersInOrder(StoreKind kind) throws Exception {
    start(kind);
    String cpu = config("cpu", CPU);
    String tags = config("tags", TAGS);
    String mem = config("mem", MEM);
    JsonObject created = group(new JsonObject().put("name", "fleet").put("alias", "fleet")
        .put("description", "every host").put("configIds", ids(tags, cpu, mem)));
    assertEquals("fleet", created.getString("name"));
    assertEquals("fleet", created.getString("alias"));
    assertEquals("every host", created.getString("description"));
    assertEquals(ids(tags, cpu, mem), created.getJsonArray("configIds"));
    assertEquals(created.getString("createdAt"), created.getString("updatedAt"));
    String id = created.getString("id");

    assertEquals(created, gateway.get("/api/config-groups/" + id, owner).json());
    assertEquals(created, gateway.get("/api/config-groups/fleet", owner).json(), "found by alias too");
    assertEquals(new JsonArray().add(created), groups());

    clock.advance(Duration.ofSeconds(5));
    Reply reordered = patch("/api/config-groups/fleet", new JsonObject().put("configIds", ids(mem, tags)));
    assertEquals(200, reordered.status(), reordered.toString());
    assertEquals(ids(mem, tags), reordered.json().getJsonArray("configIds"));
    assertNotEquals(created.getString("updatedAt"), reordered.json().getString("updatedAt"));
    Reply renamed = patch("/api/config-groups/" + id, new JsonObject().put("name", "all").putNull("alias"));
    assertEquals(200, renamed.status(), renamed.toString());
    assertEquals("all", renamed.json().getString("name"));
    assertNull(renamed.json().getString("alias"));
    assertEquals(ids(mem, tags), renamed.json().getJsonArray("configIds"), "members kept");
    assertEquals(404, gateway.get("/api/config-groups/fleet", owner).status(), "the removed alias names nothing");

    Reply second = gateway.post("/api/config-groups", owner, new JsonObject().put("name", "all"));
    assertEquals(409, second.status(), second.toString());
    assertEquals("config_group_name_conflict", second.error());
    assertEquals(400, patch("/api/config-groups/" + id, new JsonObject()).status(), "nothing to change");

    assertEquals(204, gateway.call("DELETE", "/api/config-groups/" + id, owner, null).status());
    assertEquals(404, gateway.get("/api/config-groups/" + id, owner).status());
    assertEquals(404, gateway.call("DELETE", "/api/config-groups/" + id, owner, null).status());
    assertEquals(new JsonArray(), groups());
    assertEquals(3, gateway.get("/api/configs", owner).json().getJsonArray("configs").size(), "members stay");
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void theDocumentIsEachMemberInOrderWithParametersFilled(StoreKind kind) throws Exception {
    start(kind);
    String cpu = config("cpu", CPU);
    String tags = config("tags", TAGS);
    group(new JsonObject().put("name", "fleet").put("alias", "fleet").put("configIds", ids(tags, cpu)));
    String agent = team.token(owner, "agent", List.of("configs:read", "config-groups:read")).getString("token");

    TelegrafConfigClient byPath = new TelegrafConfigClient(
        gateway.api("/api/config-groups/fleet/toml?host=web-01&name=a&name=b"), "Token " + agent);
    HttpResponse<String> got = byPath.get();
    assertEquals(200, got.statusCode(), got.body());
    String expected = "# config: tags (" + tags + ")\n" + TAGS.replace("&{host}", "web-01")
        + "# config: cpu (" + cpu + ")\n" + CPU.replace("&{name:cpu}", "a, b");
    assertEquals(expected, got.body());
    assertEquals("application/toml; charset=utf-8", got.headers().firstValue("Content-Type").orElseThrow());
    JsonNode tree = new TomlMapper().readTree(got.body());
    assertEquals("web-01", tree.path("global_tags").path("host").asText());

    HttpResponse<String> head = byPath.head();
    assertEquals(200, head.statusCode());
    assertEquals("", head.body());
    for (String header : List.of("Content-Type", "Last-Modified", "Content-Length", "Cache-Control")) {
      assertEquals(got.headers().firstValue(header), head.headers().firstValue(header), header);
    }

    HttpResponse<String> shortLink = new TelegrafConfigClient(
        gateway.api("/c/fleet?host=web-01&name=a&name=b"), "Bearer " + agent).get();
    assertEquals(200, shortLink.statusCode(), shortLink.body());
    assertEquals(expected, shortLink.body(), "/c/{alias} serves the group alike");
    for (String header : List.of("Content-Type", "Last-Modified", "Content-Length", "Cache-Control")) {
      assertEquals(got.headers().firstValue(header), shortLink.headers().firstValue(header), header);
    }

    HttpResponse<String> missing = new TelegrafConfigClient(gateway.api("/c/fleet"), "Bearer " + agent).get();
    assertEquals(400, missing.statusCode(), missing.body());
    assertTrue(missing.body().contains("host"), missing.body());
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void anEmptyGroupIsAnEmptyDocument(StoreKind kind) throws Exception {
    start(kind);
    String id = group(new JsonObject().put("name", "empty")).getString("id");
    TelegrafConfigClient agent = new TelegrafConfigClient(gateway.api("/api/config-groups/" + id + "/toml"),
        owner.authorization());
    Reply got = gateway.get("/api/config-groups/" + id + "/toml", owner);
    assertEquals(200, got.status(), got.toString());
    assertEquals("", got.body());
    assertTrue(got.header("Last-Modified") != null);
    assertEquals(List.of(), gateway.get("/api/config-groups/" + id, owner).json().getJsonArray("configIds").getList());
    assertEquals("0", gateway.call("HEAD", "/api/config-groups/" + id + "/toml", owner, null)
        .header("Content-Length"));
    assertNull(agent.get().headers().firstValue("Content-Encoding").orElse(null));
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aNameWithALineBreakStaysInsideItsComment(StoreKind kind) throws Exception {
    start(kind);
    // A name may no longer hold a line break of any kind; one that looks like TOML stays a comment.
    for (String broken : List.of("evil\n[inputs.exec]", "evil\r[inputs.exec]", "evil\u2028[inputs.exec]",
        "evil\u0085[inputs.exec]")) {
      Reply refused = gateway.post("/api/configs", owner, new JsonObject().put("name", broken).put("toml", MEM));
      assertEquals(400, refused.status(), refused.toString());
    }
    String evil = config("evil ] [inputs.exec] commands = ['rm'] #", MEM);
    String id = group(new JsonObject().put("name", "g").put("configIds", ids(evil))).getString("id");
    Reply got = gateway.get("/api/config-groups/" + id + "/toml", owner);
    assertEquals(200, got.status(), got.toString());
    assertEquals(2, got.body().lines().count(), got.body());
    JsonNode tree = new TomlMapper().readTree(got.body());
    assertFalse(tree.path("inputs").has("exec"), got.body());
    assertTrue(tree.path("inputs").has("mem"), got.body());
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void badMembersAreRefusedAndChangeNothing(StoreKind kind) throws Exception {
    start(kind);
    String cpu = config("cpu", CPU);
    String mem = config("mem", MEM);
    Reply unknown = gateway.post("/api/config-groups", owner, new JsonObject().put("name", "g")
        .put("configIds", ids(cpu, "no-such-config")));
    assertEquals(400, unknown.status(), unknown.toString());
    assertEquals("configIds", unknown.json().getJsonObject("details").getString("field"));
    assertEquals(ids("no-such-config"), unknown.json().getJsonObject("details").getJsonArray("unknown"));
    assertTrue(unknown.message().contains("no-such-config"), unknown.toString());
    Reply twice = gateway.post("/api/config-groups", owner, new JsonObject().put("name", "g")
        .put("configIds", ids(cpu, mem, cpu)));
    assertEquals(400, twice.status(), twice.toString());
    for (Object bad : List.of("not an array", new JsonArray().add(7), new JsonArray().add((Object) null))) {
      Reply refused = gateway.post("/api/config-groups", owner, new JsonObject().put("name", "g").put("configIds", bad));
      assertEquals(400, refused.status(), refused.toString());
      assertEquals("configIds", refused.json().getJsonObject("details").getString("field"));
    }
    JsonArray tooMany = new JsonArray();
    for (int i = 0; i < 101; i++) {
      tooMany.add(cpu);
    }
    assertEquals(400, gateway.post("/api/config-groups", owner, new JsonObject().put("name", "g")
        .put("configIds", tooMany)).status());
    assertEquals(new JsonArray(), groups(), "nothing saved");

    JsonObject created = group(new JsonObject().put("name", "g").put("configIds", ids(cpu)));
    String id = created.getString("id");
    for (JsonObject bad : List.of(new JsonObject().put("configIds", ids(mem, "no-such-config")),
        new JsonObject().put("configIds", ids(mem, mem)), new JsonObject().putNull("configIds"),
        new JsonObject().putNull("name"), new JsonObject().put("name", "renamed").put("alias", "Bad"))) {
      Reply refused = patch("/api/config-groups/" + id, bad);
      assertEquals(400, refused.status(), bad + ": " + refused);
    }
    assertEquals(created, gateway.get("/api/config-groups/" + id, owner).json(), "unchanged");
    assertEquals(404, patch("/api/config-groups/no-such-group", new JsonObject().put("name", "x")).status());
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void membersThatClashAreRefusedNamingBoth(StoreKind kind) throws Exception {
    start(kind);
    String interval = config("interval", "[agent]\n  interval = \"10s\"\n");
    String debug = config("debug", "[agent]\n  debug = true\n");
    String cpu = config("cpu", CPU);
    String topLevel = config("top-level", "region = \"&{region}\"\n[[inputs.disk]]\n");
    Reply clash = gateway.post("/api/config-groups", owner, new JsonObject().put("name", "g")
        .put("configIds", ids(interval, cpu, debug)));
    assertEquals(400, clash.status(), clash.toString());
    assertTrue(clash.message().contains("interval") && clash.message().contains("debug"), clash.message());
    JsonArray named = clash.json().getJsonObject("details").getJsonArray("configs");
    assertEquals(List.of(interval, debug), named.stream().map(c -> ((JsonObject) c).getString("id")).toList());

    Reply swallowed = gateway.post("/api/config-groups", owner, new JsonObject().put("name", "g")
        .put("configIds", ids(cpu, topLevel)));
    assertEquals(400, swallowed.status(), "its top-level keys would land in inputs.cpu: " + swallowed);
    assertTrue(swallowed.message().contains("top-level") && swallowed.message().contains("cpu"), swallowed.message());
    assertEquals(new JsonArray(), groups(), "nothing saved");
    // First, its top-level keys stay at the top level.
    group(new JsonObject().put("name", "g").put("configIds", ids(topLevel, cpu, interval)));

    String id = groups().getJsonObject(0).getString("id");
    Reply byPatch = patch("/api/config-groups/" + id, new JsonObject().put("configIds", ids(debug, interval)));
    assertEquals(400, byPatch.status(), byPatch.toString());
    assertEquals(ids(topLevel, cpu, interval), gateway.get("/api/config-groups/" + id, owner).json()
        .getJsonArray("configIds"), "unchanged");
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aMemberCannotBeChangedIntoOneItsGroupCannotServe(StoreKind kind) throws Exception {
    start(kind);
    String interval = config("interval", "[agent]\n  interval = \"10s\"\n");
    String cpu = config("cpu", CPU);
    String fleet = group(new JsonObject().put("name", "fleet").put("configIds", ids(interval, cpu))).getString("id");
    group(new JsonObject().put("name", "cpu only").put("configIds", ids(cpu)));
    String served = gateway.get("/api/config-groups/" + fleet + "/toml", owner).body();

    Reply clash = patch("/api/configs/" + cpu, new JsonObject().put("toml", "[agent]\n  debug = true\n"));
    assertEquals(400, clash.status(), "fleet would define [agent] twice: " + clash);
    assertEquals("toml", clash.json().getJsonObject("details").getString("field"), clash.toString());
    assertTrue(clash.message().contains("fleet") && clash.message().contains("interval"), clash.message());
    assertEquals(groupRefs(fleet, "fleet"),
        clash.json().getJsonObject("details").getJsonArray("groups"));
    assertEquals(List.of(interval, cpu), clash.json().getJsonObject("details").getJsonArray("configs").stream()
        .map(c -> ((JsonObject) c).getString("id")).toList(), "the members that clash");
    Reply swallowing = patch("/api/configs/" + cpu, new JsonObject().put("toml", "region = \"eu\"\n"));
    assertEquals(400, swallowing.status(), "its key would land in [agent]: " + swallowing);
    assertEquals(1, gateway.get("/api/configs/" + cpu, owner).json().getInteger("version"), "no new version");
    assertEquals(served, gateway.get("/api/config-groups/" + fleet + "/toml", owner).body(), "unchanged");

    assertEquals(200, patch("/api/configs/" + interval, new JsonObject().put("toml", MEM)).status());
    assertEquals(200, patch("/api/configs/" + cpu, new JsonObject().put("toml", "[agent]\n  debug = true\n"))
        .status(), "the only [agent] table of its groups now");
    Reply rollback = gateway.post("/api/configs/" + interval + "/versions/1/rollback", owner, new JsonObject());
    assertEquals(400, rollback.status(), "version 1 defines [agent] too: " + rollback);
    assertEquals(groupRefs(fleet, "fleet"),
        rollback.json().getJsonObject("details").getJsonArray("groups"));
    assertNull(rollback.json().getJsonObject("details").getString("field"), "the rollback's body has no toml");
    assertEquals(2, gateway.get("/api/configs/" + interval, owner).json().getInteger("version"), "no new version");
    JsonNode document = new TomlMapper().readTree(gateway.get("/api/config-groups/" + fleet + "/toml", owner).body());
    assertTrue(document.path("agent").path("debug").asBoolean() && document.path("inputs").has("mem"),
        "fleet serves interval's version 2, then cpu's [agent]: " + document);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aConstantCannotBeGivenAValueAGroupCannotServe(StoreKind kind) throws Exception {
    start(kind);
    String constantPath = constant("section", "a");
    String named = config("named", "[::{section}]\n  x = 1\n");
    String b = config("b", "[b]\n  y = 1\n");
    String fleet = group(new JsonObject().put("name", "fleet").put("configIds", ids(named, b))).getString("id");
    String served = gateway.get("/api/config-groups/" + fleet + "/toml", owner).body();

    Reply clash = patch(constantPath, new JsonObject().put("value", "b"));
    assertEquals(400, clash.status(), "fleet would define [b] twice: " + clash);
    assertEquals("invalid_request", clash.error());
    JsonObject details = clash.json().getJsonObject("details");
    assertEquals("value", details.getString("field"), clash.toString());
    assertTrue(clash.message().startsWith("With this value, config group fleet could not be served: "),
        clash.message());
    assertEquals(groupRefs(fleet, "fleet"),
        details.getJsonArray("groups"));
    assertEquals(List.of(named, b), details.getJsonArray("configs").stream()
        .map(c -> ((JsonObject) c).getString("id")).toList(), "the members that clash");
    assertEquals("a", gateway.get(constantPath, owner).json().getString("value"), "unchanged");
    assertEquals(served, gateway.get("/api/config-groups/" + fleet + "/toml", owner).body(), "unchanged");
    assertEquals(200, patch(constantPath, new JsonObject().put("value", "c")).status(), "[c] clashes with nothing");

    String later = config("later", "[::{table}]\n  z = 1\n");
    assertEquals(200, patch("/api/config-groups/" + fleet, new JsonObject().put("configIds", ids(named, b, later)))
        .status(), "an undefined constant stands in neutrally until it is defined");
    Reply defined = gateway.post("/api/constants", owner, new JsonObject().put("name", "table").put("value", "b"));
    assertEquals(400, defined.status(), "defining it as b would define [b] twice: " + defined);
    assertEquals(groupRefs(fleet, "fleet"),
        defined.json().getJsonObject("details").getJsonArray("groups"));
    assertEquals(1, gateway.get("/api/constants", owner).json().getJsonArray("constants").size(), "not created");
    constant("table", "d");
    JsonNode document = new TomlMapper().readTree(gateway.get("/api/config-groups/" + fleet + "/toml", owner).body());
    assertTrue(document.has("b") && document.has("c") && document.has("d"), document.toString());
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aConstantInSeveralGroupsIsRefusedNamingTheGroupsItWouldBreak(StoreKind kind) throws Exception {
    start(kind);
    String constantPath = constant("section", "a");
    String named = config("named", "[::{section}]\n  x = 1\n");
    String b = config("b", "[b]\n  y = 1\n");
    String c = config("c", "[c]\n  z = 1\n");
    String alpha = group(new JsonObject().put("name", "alpha").put("configIds", ids(named, b))).getString("id");
    String beta = group(new JsonObject().put("name", "beta").put("configIds", ids(named, c))).getString("id");
    String delta = group(new JsonObject().put("name", "delta").put("configIds", ids(b, named))).getString("id");

    Reply onlyBeta = patch(constantPath, new JsonObject().put("value", "c"));
    assertEquals(400, onlyBeta.status(), onlyBeta.toString());
    assertEquals(groupRefs(beta, "beta"),
        onlyBeta.json().getJsonObject("details").getJsonArray("groups"));
    Reply two = patch(constantPath, new JsonObject().put("value", "b"));
    assertEquals(400, two.status(), two.toString());
    assertTrue(two.message().startsWith("With this value, config groups alpha, delta could not be served: "),
        two.message());
    assertEquals(groupRefs(alpha, "alpha", delta, "delta"),
        two.json().getJsonObject("details").getJsonArray("groups"));

    String later = config("later", "[::{table}]\n  w = 1\n");
    assertEquals(200, patch("/api/config-groups/" + alpha, new JsonObject().put("configIds", ids(named, b, later)))
        .status());
    String sparePath = constant("spare", "b");
    Reply renamed = patch(sparePath, new JsonObject().put("name", "table"));
    assertEquals(400, renamed.status(), "renamed to table, b would define [b] twice in alpha: " + renamed);
    assertEquals(groupRefs(alpha, "alpha"),
        renamed.json().getJsonObject("details").getJsonArray("groups"));
    assertEquals("spare", gateway.get(sparePath, owner).json().getString("name"), "unchanged");
    assertEquals(200, patch(sparePath, new JsonObject().put("name", "table").put("value", "e")).status());
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aGroupThatCannotBeServedAnywayDoesNotHoldItsMembersBack(StoreKind kind) throws Exception {
    start(kind);
    String constantPath = constant("section", "a");
    String named = config("named", "[::{section}]\n  x = 1\n");
    String b = config("b", "[b]\n  y = 1\n[e]\n  w = 1\n");
    String broken = group(new JsonObject().put("name", "broken").put("configIds", ids(named, b))).getString("id");
    // As a release that did not check a constant's value against groups left it: [b] is now defined twice.
    Await.of(stores.open(url, 1).query("UPDATE constants SET value = 'b' WHERE name = 'section'", Tuple.tuple()));

    Reply stillBroken = patch(constantPath, new JsonObject().put("value", "e"));
    assertEquals(200, stillBroken.status(), "[e] is defined twice now, but the group was broken before: "
        + stillBroken);
    assertEquals(200, patch("/api/configs/" + b, new JsonObject().put("name", "b2")
        .put("toml", "[b]\n  y = 1\n[e]\n  w = 1\n")).status(),
        "the TOML as stored, sent again with a new name (the console's Save does so)");
    Reply stillClashing = patch("/api/configs/" + b, new JsonObject().put("toml", "[e]\n  z = 2\n"));
    assertEquals(200, stillClashing.status(), "broken before this edit, not by it: " + stillClashing);
    assertEquals(2, stillClashing.json().getInteger("version"));
    Reply mended = patch("/api/configs/" + b, new JsonObject().put("toml", "[c]\n  z = 2\n"));
    assertEquals(200, mended.status(), mended.toString());
    assertEquals(400, patch("/api/configs/" + b, new JsonObject().put("toml", "[e]\n  z = 2\n")).status(),
        "the group is servable again, so breaking it is refused again");
    assertEquals(400, patch(constantPath, new JsonObject().put("value", "c")).status(),
        "and so is a value that breaks it");
    assertEquals(200, gateway.get("/api/config-groups/" + broken + "/toml", owner).status());
  }

  /**
   * What a group serves is at most 1 MiB of UTF-8, its comment lines counted: a probe filled in characters that are
   * three bytes each and was served 1,137,380 bytes (the characters were counted, and the lines naming the members
   * were not).
   */
  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aDocumentFilledInBeyondOneMebibyteOfUtf8IsRefused(StoreKind kind) throws Exception {
    start(kind);
    List<String> members = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      members.add(config("m-" + i, "[m" + i + "]\n  v = \"&{p:d}\"\n#" + "x".repeat(20_000) + "\n"));
    }
    String id = group(new JsonObject().put("name", "wide").put("configIds", new JsonArray(List.copyOf(members))))
        .getString("id");
    String path = "/api/config-groups/" + id + "/toml?p=";
    Reply small = gateway.get(path + "a", owner);
    assertEquals(200, small.status(), small.toString());
    // About 1,020,000 characters filled in, about 1,060,000 bytes.
    Reply refused = gateway.get(path + URLEncoder.encode("\u20ac".repeat(400), StandardCharsets.UTF_8), owner);
    assertEquals(400, refused.status(), "served " + refused.body().getBytes(StandardCharsets.UTF_8).length
        + " bytes");
    assertEquals("query", refused.json().getJsonObject("details").getString("field"), refused.toString());
  }

  /**
   * A group that no longer combines does not hold its members back, so they may grow beyond what one document may
   * hold together: a download refuses them once their TOML together passes 2 MiB, rather than holding it all (a
   * hundred members of 1 MiB would have been 200 MiB a read).
   */
  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void membersGrownInAGroupThatNoLongerCombinesAreRefusedTogether(StoreKind kind) throws Exception {
    start(kind);
    constant("section", "a");
    String named = config("named", "[::{section}]\n  x = 1\n");
    List<String> grown = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      grown.add(config("grown-" + i, "[b" + i + "]\n  y = 1\n"));
    }
    List<String> members = new ArrayList<>(List.of(named));
    members.addAll(grown);
    String broken = group(new JsonObject().put("name", "broken").put("configIds", new JsonArray(members)))
        .getString("id");
    // As a release that did not check a constant's value against groups left it: [b0] is now defined twice.
    Await.of(stores.open(url, 1).query("UPDATE constants SET value = 'b0' WHERE name = 'section'", Tuple.tuple()));
    String padding = "#" + "x".repeat(800 * 1024) + "\n";
    for (int i = 0; i < grown.size(); i++) {
      Reply grew = patch("/api/configs/" + grown.get(i), new JsonObject().put("toml", "[b" + i + "]\n  y = 1\n"
          + padding));
      assertEquals(200, grew.status(), grew.toString());
    }

    Reply refused = gateway.get("/api/config-groups/" + broken + "/toml", owner);
    assertEquals(400, refused.status(), refused.toString());
    assertEquals("configIds", refused.json().getJsonObject("details").getString("field"), refused.toString());
    assertEquals(200, gateway.get("/api/configs/" + grown.get(0) + "/toml", owner).status(),
        "each member is served alone");
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aConfigInAGroupCannotBeDeleted(StoreKind kind) throws Exception {
    start(kind);
    String cpu = config("cpu", CPU);
    String first = group(new JsonObject().put("name", "b-group").put("configIds", ids(cpu))).getString("id");
    String second = group(new JsonObject().put("name", "a-group").put("configIds", ids(cpu))).getString("id");
    Reply refused = gateway.call("DELETE", "/api/configs/" + cpu, owner, null);
    assertEquals(409, refused.status(), refused.toString());
    assertEquals("config_in_group", refused.error());
    assertEquals(groupRefs(second, "a-group", first, "b-group"),
        refused.json().getJsonObject("details").getJsonArray("groups"));
    assertEquals(200, gateway.get("/api/configs/" + cpu, owner).status(), "still there");

    assertEquals(204, gateway.call("DELETE", "/api/config-groups/" + first, owner, null).status());
    assertEquals(200, patch("/api/config-groups/" + second, new JsonObject().put("configIds", new JsonArray()))
        .status());
    assertEquals(204, gateway.call("DELETE", "/api/configs/" + cpu, owner, null).status());
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void permissions(StoreKind kind) throws Exception {
    start(kind);
    String cpu = config("cpu", CPU);
    Reply aliased = patch("/api/configs/" + cpu, new JsonObject().put("alias", "cpu"));
    assertEquals(200, aliased.status(), aliased.toString());
    String id = group(new JsonObject().put("name", "g").put("alias", "grp").put("configIds", ids(cpu)))
        .getString("id");
    Credentials viewer = team.session("viewer");
    assertEquals(200, gateway.get("/api/config-groups", viewer).status());
    assertEquals(200, gateway.get("/api/config-groups/" + id, viewer).status());
    assertEquals(200, gateway.get("/api/config-groups/" + id + "/toml", viewer).status());
    assertEquals(200, gateway.get("/c/grp", viewer).status());
    Reply viewerWrite = gateway.post("/api/config-groups", viewer, new JsonObject().put("name", "v"));
    assertEquals(403, viewerWrite.status());
    assertEquals("missing permission config-groups:write", viewerWrite.message());
    assertEquals(403, gateway.call("DELETE", "/api/config-groups/" + id, viewer, null).status());

    Credentials configsOnly = Credentials.bearer(team.token(owner, "configs only", List.of("configs:read"))
        .getString("token"));
    for (String path : List.of("/api/config-groups", "/api/config-groups/" + id, "/api/config-groups/grp/toml",
        "/c/grp")) {
      Reply refused = gateway.get(path, configsOnly);
      assertEquals(403, refused.status(), path);
      assertEquals("missing permission config-groups:read", refused.message(), path);
    }
    assertEquals(200, gateway.get("/c/cpu", configsOnly).status(), "a config's alias needs configs:read only");
    Credentials groupsOnly = Credentials.bearer(team.token(owner, "groups only", List.of("config-groups:read"))
        .getString("token"));
    assertEquals(200, gateway.get("/c/grp", groupsOnly).status());
    Reply noConfigs = gateway.get("/c/cpu", groupsOnly);
    assertEquals(403, noConfigs.status());
    assertEquals("missing permission configs:read", noConfigs.message());
    Credentials heartbeats = Credentials.bearer(team.token(owner, "beats", List.of("heartbeat:write"))
        .getString("token"));
    assertEquals(403, gateway.get("/c/no-such-alias", heartbeats).status(), "no read permission at all");
    assertEquals(404, gateway.get("/c/no-such-alias", configsOnly).status());
    assertEquals(404, gateway.get("/c/" + id, groupsOnly).status(), "/c/ takes aliases, not ids");
    assertEquals(404, gateway.get("/api/config-groups/no-such-group/toml", groupsOnly).status());
    assertEquals(401, gateway.get("/c/grp", Credentials.NONE).status());
    assertEquals(401, gateway.get("/api/config-groups", Credentials.NONE).status());
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aWatchingAgentReloadsExactlyWhenTheDocumentChanges(StoreKind kind) throws Exception {
    start(kind);
    String cpu = config("cpu", CPU);
    String mem = config("mem", MEM);
    String other = config("other", "[[inputs.disk]]\n");
    String label = gateway.post("/api/labels", owner, new JsonObject().put("name", "eu")).json().getString("id");
    String id = group(new JsonObject().put("name", "g").put("alias", "grp").put("configIds", ids(cpu, mem)))
        .getString("id");
    String token = team.token(owner, "agent", List.of("configs:read", "config-groups:read")).getString("token");
    String memName = "mem";
    for (String path : List.of("/api/config-groups/" + id + "/toml", "/c/grp")) {
      TelegrafConfigClient telegraf = new TelegrafConfigClient(gateway.api(path + "?name=x"), "Token " + token);
      assertEquals(200, telegraf.get().statusCode());
      assertFalse(telegraf.tick(), "baseline");
      assertFalse(telegraf.tick(), "no change, no reload");

      clock.advance(Duration.ofSeconds(3));
      assertEquals(200, patch("/api/config-groups/" + id, new JsonObject().put("name", "renamed-" + path.length())
          .put("description", "only metadata")).status());
      assertFalse(telegraf.tick(), "a group name or description change does not reload");
      assertEquals(200, patch("/api/config-groups/" + id, new JsonObject().put("configIds", ids(cpu, mem)))
          .status());
      assertFalse(telegraf.tick(), "the same members in the same order do not reload");
      assertEquals(200, patch("/api/configs/" + mem, new JsonObject().put("name", memName).put("description", "d"))
          .status());
      assertEquals(200, gateway.post("/api/configs/" + cpu + "/assign/" + label, owner, null).status());
      assertFalse(telegraf.tick(), "a member's description or label, or the name it has, does not reload");
      memName = "mem-" + path.length();
      assertEquals(200, patch("/api/configs/" + mem, new JsonObject().put("name", memName)).status());
      assertTrue(telegraf.tick(), "a member's new name reloads: the document names it");
      assertTrue(telegraf.get().body().contains("# config: " + memName), "the new name served");
      assertFalse(telegraf.tick(), "new baseline");
      assertEquals(200, patch("/api/configs/" + other, new JsonObject().put("toml", "[[inputs.disk]]\n#x\n"))
          .status());
      assertFalse(telegraf.tick(), "a config outside the group does not reload");

      clock.advance(Duration.ofSeconds(3));
      assertEquals(200, patch("/api/configs/" + mem, new JsonObject()
          .put("toml", MEM + "  fieldpass = [\"" + path + "\"]\n")).status());
      assertTrue(telegraf.tick(), "a member's TOML edit reloads");
      assertTrue(telegraf.get().body().contains("fieldpass"));
      assertFalse(telegraf.tick(), "new baseline");

      assertEquals(200, patch("/api/config-groups/" + id, new JsonObject().put("configIds", ids(mem, cpu)))
          .status());
      assertTrue(telegraf.tick(), "a new order reloads, even within the second of the member's edit");
      assertFalse(telegraf.tick(), "new baseline");
      assertEquals(200, patch("/api/config-groups/" + id, new JsonObject().put("configIds", ids(cpu))).status());
      assertTrue(telegraf.tick(), "removing the newest member reloads");
      assertFalse(telegraf.tick(), "new baseline");
      assertEquals(200, patch("/api/config-groups/" + id, new JsonObject().put("configIds", ids(cpu, mem)))
          .status());
      assertTrue(telegraf.tick(), "adding a member reloads");
    }
  }

  // Today (a helper's probe): a member's edit, or its constant's, was committed before the group's Last-Modified
  // moved, in a transaction of its own, so polls in between got the new document under the old date (an agent
  // watching with HEAD kept its old configuration until the next change), and a node dying in between left the
  // group's date behind for good. Now both move in one transaction, and a download whose group changed while its
  // members were read renders again.
  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void theDocumentNeverChangesUnderTheSameLastModified(StoreKind kind) throws Exception {
    start(kind);
    String constantPath = constant("INTERVAL", "10s");
    String cpu = config("cpu", "[agent]\n  interval = \"::{INTERVAL}\"\n");
    String mem = config("mem", MEM);
    String id = group(new JsonObject().put("name", "g").put("configIds", ids(cpu, mem))).getString("id");
    downloadWhileChanging("/api/config-groups/" + id + "/toml", served -> {
      if (served.status() == 503) {
        // A download that met a change at every attempt is refused rather than served inconsistent.
        assertEquals("The config group changed while it was read; try again", served.message());
        return false;
      }
      assertEquals(200, served.status(), served.toString());
      return true;
    }, () -> {
      for (int i = 0; i < 30; i++) {
        // Today a member's new name (on the document's comment line) was served under the Last-Modified before it.
        Reply changed = switch (i % 3) {
          case 0 -> patch("/api/configs/" + mem, new JsonObject().put("toml", MEM + "#" + i + "\n"));
          case 1 -> patch(constantPath, new JsonObject().put("value", i + "s"));
          default -> patch("/api/configs/" + mem, new JsonObject().put("name", "mem-" + i));
        };
        assertEquals(200, changed.status(), changed.toString());
      }
    });
  }

  /**
   * Downloads {@code path} from four clients, over and over, while {@code changes} run; {@code served} checks each
   * answer and says whether it is a document. Then each Last-Modified must have carried one document, and the
   * downloads must have seen more than one.
   */
  private void downloadWhileChanging(String path, Predicate<Reply> served, Runnable changes) throws Exception {
    Map<String, Set<String>> bodiesByDate = new ConcurrentHashMap<>();
    AtomicBoolean writing = new AtomicBoolean(true);
    ExecutorService readers = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> polls = new ArrayList<>();
      for (int r = 0; r < 4; r++) {
        polls.add(readers.submit(() -> {
          while (writing.get()) {
            Reply answer = gateway.get(path, owner);
            if (served.test(answer)) {
              bodiesByDate.computeIfAbsent(answer.header("Last-Modified"), date -> ConcurrentHashMap.newKeySet())
                  .add(answer.body());
            }
          }
        }));
      }
      changes.run();
      writing.set(false);
      for (Future<?> poll : polls) {
        poll.get();
      }
    } finally {
      writing.set(false);
      readers.shutdownNow();
    }
    bodiesByDate.forEach((date, bodies) -> assertEquals(1, bodies.size(),
        "one document under Last-Modified " + date + ": " + bodies.size()));
    assertTrue(bodiesByDate.size() > 1, "the downloads saw changes: " + bodiesByDate.keySet());
  }

  /**
   * A constant that every member of a large group uses, edited back to back: each download is served (a group was
   * read member after member, and one download that met a change at each of its ten attempts was a 503), with one
   * value throughout its document, and one document under each Last-Modified.
   */
  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void constantsEditedBackToBackDoNotRefuseDownloadsOfALargeGroup(StoreKind kind) throws Exception {
    start(kind);
    String constantPath = constant("INTERVAL", "0s");
    List<String> members = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      members.add(config("cpu-" + i, "[[inputs.cpu]]\n  name_override = \"cpu-" + i
          + "\"\n  interval = \"::{INTERVAL}\"\n"));
    }
    String id = group(new JsonObject().put("name", "large").put("configIds", new JsonArray(List.copyOf(members))))
        .getString("id");
    List<String> refusals = new CopyOnWriteArrayList<>();
    downloadWhileChanging("/api/config-groups/" + id + "/toml", served -> {
      if (served.status() != 200) {
        refusals.add(served.toString());
        return false;
      }
      Set<String> values = new HashSet<>(Pattern.compile("interval = \"([^\"]*)\"").matcher(served.body())
          .results().map(match -> match.group(1)).toList());
      assertEquals(1, values.size(), "one value of the constant in the whole document: " + values);
      return true;
    }, () -> {
      for (int i = 1; i <= 100; i++) {
        Reply changed = patch(constantPath, new JsonObject().put("value", i + "s"));
        assertEquals(200, changed.status(), changed.toString());
      }
    });
    assertEquals(List.of(), refusals, "every download served");
  }

  /**
   * A download of a group reads the store once (the group, its members' current versions and the constants they
   * use), whatever its number of members: it read each member apart, and the group twice.
   */
  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aDownloadOfAGroupReadsTheStoreOnceWhateverItsMembers(StoreKind kind) throws Exception {
    start(kind);
    constant("INTERVAL", "10s");
    List<String> members = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      members.add(config("cpu-" + i, "[[inputs.cpu]]\n  name_override = \"&{agent_id}-" + i
          + "\"\n  interval = \"::{INTERVAL}\"\n"));
    }
    String id = group(new JsonObject().put("name", "twenty").put("configIds", new JsonArray(List.copyOf(members))))
        .getString("id");
    Credentials prometheus = Credentials.bearer(team.token(owner, "prometheus", List.of("metrics:read"))
        .getString("token"));
    String path = "/api/config-groups/" + id + "/toml?agent_id=";
    assertEquals(200, gateway.get(path + "first", owner).status());
    Scrape before = Scrape.parse(gateway.get("/metrics", prometheus).body());
    Reply served = gateway.get(path + "second", owner);
    Scrape after = Scrape.parse(gateway.get("/metrics", prometheus).body());
    assertEquals(200, served.status(), served.toString());
    assertTrue(served.body().contains("name_override = \"second-19\""), served.body());
    String reads = "heartgate_config_render_store_reads_total";
    assertEquals(1, after.sum(reads, "of", "group") - before.sum(reads, "of", "group"), "reads of the group");
    assertEquals(0, after.sum(reads, "of", "config") - before.sum(reads, "of", "config"), "reads of a config");
  }

  /**
   * A group's members whose TOML is not in the cache of parsed templates (versions served for the first time, as
   * after a restart) are read a few at a time, not one statement each: a group of 20 is two reads.
   */
  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void theTomlOfAGroupsNewMembersIsReadAFewAtATime(StoreKind kind) throws Exception {
    start(kind);
    List<String> members = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      members.add(config("cpu-" + i, "[[inputs.cpu]]\n  name_override = \"cpu-" + i + "\"\n"));
    }
    Credentials prometheus = Credentials.bearer(team.token(owner, "prometheus", List.of("metrics:read"))
        .getString("token"));
    String reads = "heartgate_config_render_store_reads_total";
    Scrape before = Scrape.parse(gateway.get("/metrics", prometheus).body());
    String id = group(new JsonObject().put("name", "twenty").put("configIds", new JsonArray(List.copyOf(members))))
        .getString("id");
    Scrape created = Scrape.parse(gateway.get("/metrics", prometheus).body());
    Reply served = gateway.get("/api/config-groups/" + id + "/toml", owner);
    Scrape after = Scrape.parse(gateway.get("/metrics", prometheus).body());
    assertEquals(200, served.status(), served.toString());
    for (int i = 0; i < 20; i++) {
      assertTrue(served.body().contains("name_override = \"cpu-" + i + "\""), served.body());
    }
    assertEquals(2, created.sum(reads, "of", "toml") - before.sum(reads, "of", "toml"),
        "reads of TOML to check the new group's 20 members");
    assertEquals(0, after.sum(reads, "of", "toml") - created.sum(reads, "of", "toml"),
        "reads of TOML to serve them next");
  }

  /**
   * Telegraf compares Last-Modified as text, to the second: each change of what the group serves must move it to a
   * later second even when changes come faster than one a second, whichever member or constant changed.
   */
  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void everyChangeOfTheDocumentReloadsEvenWithinOneSecond(StoreKind kind) throws Exception {
    start(kind);
    assertEquals(201, gateway.post("/api/constants", owner, new JsonObject().put("name", "INTERVAL")
        .put("value", "10s")).status());
    String constant = gateway.get("/api/constants", owner).json().getJsonArray("constants").getJsonObject(0)
        .getString("id");
    String cpu = config("cpu", CPU);
    String mem = config("mem", MEM + "  interval = \"::{INTERVAL}\"\n");
    String id = group(new JsonObject().put("name", "g").put("configIds", ids(cpu, mem))).getString("id");
    String token = team.token(owner, "agent", List.of("configs:read", "config-groups:read")).getString("token");
    TelegrafConfigClient telegraf = new TelegrafConfigClient(
        gateway.api("/api/config-groups/" + id + "/toml?host=x"), "Token " + token);
    assertEquals(200, telegraf.get().statusCode());
    assertFalse(telegraf.tick(), "baseline");

    assertEquals(200, patch("/api/configs/" + cpu, new JsonObject().put("toml", CPU + "#1\n")).status());
    assertTrue(telegraf.tick(), "the first member's edit reloads");
    assertFalse(telegraf.tick(), "new baseline");
    assertEquals(200, patch("/api/configs/" + mem, new JsonObject().put("toml", MEM + "#2\n  interval = "
        + "\"::{INTERVAL}\"\n")).status());
    assertTrue(telegraf.tick(), "the second member's edit reloads too, though its own date was older");
    assertFalse(telegraf.tick(), "new baseline");
    assertEquals(200, patch("/api/constants/" + constant, new JsonObject().put("value", "20s")).status());
    assertTrue(telegraf.tick(), "a constant a member uses reloads");
    assertFalse(telegraf.tick(), "new baseline");
    assertTrue(telegraf.get().body().contains("interval = \"20s\""));
    assertEquals(200, patch("/api/config-groups/" + id, new JsonObject().put("configIds", ids(mem, cpu)))
        .status());
    assertTrue(telegraf.tick(), "a new order reloads after a constant change");
    assertFalse(telegraf.tick(), "new baseline");
    Reply versions = gateway.get("/api/configs/" + cpu + "/versions", owner);
    int first = versions.json().getJsonArray("versions").getJsonObject(1).getInteger("version");
    assertEquals(201, gateway.post("/api/configs/" + cpu + "/versions/" + first + "/rollback", owner, null)
        .status());
    assertTrue(telegraf.tick(), "a member's rollback reloads");
    assertFalse(telegraf.tick(), "new baseline");
    assertFalse(telegraf.tick(), "and then nothing changes");
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void missingNamesOfEveryMemberAreListedTogether(StoreKind kind) throws Exception {
    start(kind);
    String a = config("a", "[global_tags]\n  a = \"&{first}\"\n");
    String b = config("b", "[[inputs.cpu]]\n  tags = \"&{second}\"\n");
    String c = config("c", "[[inputs.mem]]\n  tag = \"::{UNDEFINED}\"\n");
    String two = group(new JsonObject().put("name", "two").put("configIds", ids(a, b))).getString("id");
    Reply refused = gateway.get("/api/config-groups/" + two + "/toml", owner);
    assertEquals(400, refused.status(), refused.toString());
    assertEquals(List.of("first", "second"), refused.json().getJsonObject("details").getJsonArray("missing")
        .getList());
    String three = group(new JsonObject().put("name", "three").put("configIds", ids(a, b, c))).getString("id");
    Reply undefined = gateway.get("/api/config-groups/" + three + "/toml", owner);
    assertEquals(400, undefined.status(), undefined.toString());
    assertEquals("constants", undefined.json().getJsonObject("details").getString("field"),
        "undefined constants are reported before missing parameters, as for one config");
    assertEquals(List.of("UNDEFINED"), undefined.json().getJsonObject("details").getJsonArray("missing").getList());
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void membersLargerTogetherThanOneConfigAreRefused(StoreKind kind) throws Exception {
    start(kind);
    String padding = "#" + "x".repeat(700 * 1024) + "\n";
    String a = config("a", CPU + padding);
    String b = config("b", MEM + padding);
    Reply refused = gateway.post("/api/config-groups", owner, new JsonObject().put("name", "big")
        .put("configIds", ids(a, b)));
    assertEquals(400, refused.status(), refused.toString());
    assertEquals("configIds", refused.json().getJsonObject("details").getString("field"));
    assertEquals(0, groups().size(), "nothing saved");
  }

  /**
   * A change of what a member serves (its TOML; a constant it uses) and a group's new member list, sent at the same
   * moment: each is checked before the other is written, so both pass unless they run one at a time, and together
   * they would leave the group unservable. One of them is refused, whichever came second, and the group is served.
   */
  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void racingChangesCannotTogetherBreakAGroup(StoreKind kind) throws Exception {
    start(kind);
    raceChangesAgainstNewMembers(gateway);
  }

  /** The same through two nodes sharing one PostgreSQL: the group saved on one, the member changed on the other. */
  @Test
  void racingChangesOnTwoNodesCannotTogetherBreakAGroup() throws Exception {
    start(StoreKind.POSTGRES);
    try (TestGateway other = TestGateway.start(url, clock)) {
      raceChangesAgainstNewMembers(other);
    }
  }

  /**
   * While another node holds the lock of such changes (here a connection of the test's), a change waits, and after
   * 10 s is refused with 503 and Retry-After, changing nothing; once it is free the change goes through, and no
   * connection keeps the lock after it. A change that cannot alter what anything serves (a constant's description)
   * does not wait.
   */
  @Test
  void aChangeWaitsForAnotherNodesAndGivesUpAfterTenSeconds() throws Exception {
    start(StoreKind.POSTGRES);
    String cpu = config("cpu", CPU);
    String described = constant("described", "x");
    PgConnection holder = Await.of(PgConnection.connect(stores.vertx(),
        TestPostgres.connectOptions((DatabaseUrl.Postgres) url)));
    String heldLocks = "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = "
        + (AdvisoryLock.GROUP_CONTENT.key() & 0xFFFFFFFFL)
        + " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())";
    try {
      Await.of(holder.query("SELECT pg_advisory_lock(" + AdvisoryLock.GROUP_CONTENT.key() + ")").execute());

      Reply refused = patch("/api/configs/" + cpu, new JsonObject().put("toml", MEM));

      assertEquals(503, refused.status(), refused.toString());
      assertEquals("unavailable", refused.error());
      assertNotEquals(null, refused.header("Retry-After"));
      assertEquals(CPU, gateway.get("/api/configs/" + cpu, owner).json().getString("toml"));
      Reply description = patch(described, new JsonObject().put("description", "written meanwhile"));
      assertEquals(200, description.status(), description.toString());
      assertEquals("written meanwhile", description.json().getString("description"));
    } finally {
      Await.of(holder.close());
    }
    assertEquals(200, patch("/api/configs/" + cpu, new JsonObject().put("toml", MEM)).status());
    PgConnection reader = Await.of(PgConnection.connect(stores.vertx(),
        TestPostgres.connectOptions((DatabaseUrl.Postgres) url)));
    try {
      assertEquals(0L, Await.of(reader.query(heldLocks).execute()).iterator().next().getLong(0));
    } finally {
      Await.of(reader.close());
    }
  }

  /**
   * A config deleted while a group takes it as a member: the group's change answered 404 "No such config" (about
   * the group, which exists) when the deletion came between its check and its read of the members (a helper's
   * probe, 4 rounds in 8). It is 400 naming the member, as when the config was gone before.
   */
  @Test
  void aMemberDeletedWhileAGroupTakesItIsNamedAsUnknown() throws Exception {
    start(StoreKind.SQLITE);
    String group = group(new JsonObject().put("name", "g").put("configIds", ids(config("kept", CPU))))
        .getString("id");
    for (int round = 0; round < 16; round++) {
      String member = config("gone" + round, MEM);
      List<Reply> replies = Concurrently.run(2, i -> i == 0
          ? patch("/api/config-groups/" + group, new JsonObject().put("configIds", ids(member)))
          : gateway.call("DELETE", "/api/configs/" + member, owner, null));
      Reply change = replies.get(0);
      assertTrue(change.status() == 200 || change.status() == 400, "round " + round + ": " + change);
      if (change.status() == 400) {
        assertEquals(ids(member), change.json().getJsonObject("details").getJsonArray("unknown"), change.toString());
      }
    }
  }

  private void raceChangesAgainstNewMembers(TestGateway changedOn) throws Exception {
    for (int round = 0; round < 12; round++) {
      String clashing = "[x" + round + "]\n";
      String a = config("a" + round, clashing);
      String change;
      JsonObject changes;
      String b;
      if (round % 2 == 0) {
        b = config("b" + round, "[y" + round + "]\n");
        change = "/api/configs/" + b;
        changes = new JsonObject().put("toml", clashing);
      } else {
        change = constant("section" + round, "y" + round);
        b = config("b" + round, "[::{section" + round + "}]\n");
        changes = new JsonObject().put("value", "x" + round);
      }
      String group = group(new JsonObject().put("name", "g" + round).put("configIds", ids(a))).getString("id");
      JsonObject members = new JsonObject().put("configIds", ids(a, b));

      List<Reply> replies = Concurrently.run(2, i -> i == 0 ? patch("/api/config-groups/" + group, members)
          : changedOn.call("PATCH", change, owner, changes));

      assertEquals(1, replies.stream().filter(reply -> reply.status() == 200).count(), "round " + round + ": "
          + replies);
      Reply refused = replies.stream().filter(reply -> reply.status() != 200).findFirst().orElseThrow();
      assertEquals(400, refused.status(), refused.toString());
      assertEquals(200, gateway.get("/api/config-groups/" + group + "/toml", owner).status(), "round " + round);
    }
  }
}
