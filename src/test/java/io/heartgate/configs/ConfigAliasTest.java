package io.heartgate.configs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.heartgate.heartbeat.HeartbeatRoutes;
import io.heartgate.testsupport.Credentials;
import io.heartgate.testsupport.Reply;
import io.heartgate.testsupport.StoreKind;
import io.heartgate.testsupport.Team;
import io.heartgate.testsupport.TelegrafAgent;
import io.heartgate.testsupport.TelegrafConfigClient;
import io.heartgate.testsupport.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Aliases of configs on both stores: set on create and PATCH, removed with null, resolved by
 * {@code /api/configs/{idOrAlias}/toml} and {@code /c/{alias}}; malformed and reserved ones refused; one namespace
 * with config groups; a renamed alias breaks the old URL.
 */
class ConfigAliasTest {
  private static final String TOML = "[global_tags]\n  host = \"&{host}\"\n  tier = \"&{tier:gold}\"\n";

  @TempDir
  Path tempDir;
  private TestGateway gateway;
  private Credentials owner;
  private String agentToken;

  private void start(StoreKind kind) throws Exception {
    gateway = TestGateway.start(kind.freshStore(tempDir));
    Team team = Team.create(gateway);
    owner = team.session("owner");
    agentToken = team.token(owner, "fleet", "telegraf-agent").getString("token");
  }

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  private Reply create(JsonObject body) {
    return gateway.post("/api/configs", owner, body);
  }

  private Reply patch(String id, JsonObject changes) {
    return gateway.call("PATCH", "/api/configs/" + id, owner, changes);
  }

  private HttpResponse<String> fetch(String path) {
    return new TelegrafConfigClient(gateway.api(path), "Token " + agentToken).get();
  }

  private JsonArray configs() {
    return gateway.get("/api/configs", owner).json().getJsonArray("configs");
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void anAliasNamesTheConfigUntilItIsRenamedOrRemoved(StoreKind kind) throws Exception {
    start(kind);
    Reply created = create(new JsonObject().put("name", "web").put("alias", "web-fleet").put("toml", TOML));
    assertEquals(201, created.status(), created.toString());
    assertEquals("web-fleet", created.json().getString("alias"));
    String id = created.json().getString("id");
    assertEquals("web-fleet", gateway.get("/api/configs/" + id, owner).json().getString("alias"));
    assertEquals("web-fleet", configs().getJsonObject(0).getString("alias"));

    String expected = TOML.replace("&{host}", "web-01").replace("&{tier:gold}", "gold");
    HttpResponse<String> byId = fetch("/api/configs/" + id + "/toml?host=web-01");
    assertEquals(200, byId.statusCode(), byId.body());
    assertEquals(expected, byId.body());
    for (String path : List.of("/api/configs/web-fleet/toml?host=web-01", "/c/web-fleet?host=web-01")) {
      HttpResponse<String> got = fetch(path);
      assertEquals(200, got.statusCode(), path + ": " + got.body());
      assertEquals(expected, got.body(), path);
      for (String header : List.of("Content-Type", "Last-Modified", "Content-Length", "Cache-Control")) {
        assertEquals(byId.headers().firstValue(header), got.headers().firstValue(header), path + " " + header);
      }
      HttpResponse<String> head = new TelegrafConfigClient(gateway.api(path), "Token " + agentToken).head();
      assertEquals(200, head.statusCode(), path);
      assertEquals(byId.headers().firstValue("Last-Modified"), head.headers().firstValue("Last-Modified"));
      assertEquals(byId.headers().firstValue("Content-Length"), head.headers().firstValue("Content-Length"));
    }
    assertEquals(400, fetch("/c/web-fleet").statusCode(), "the same parameter rules");

    Reply renamed = patch(id, new JsonObject().put("alias", "web"));
    assertEquals(200, renamed.status(), renamed.toString());
    assertEquals("web", renamed.json().getString("alias"));
    assertEquals(1, renamed.json().getInteger("version"), "an alias is not a TOML change");
    assertEquals(404, fetch("/c/web-fleet?host=a").statusCode(), "the old alias is gone on purpose");
    assertEquals(404, fetch("/api/configs/web-fleet/toml?host=a").statusCode());
    assertEquals(expected, fetch("/c/web?host=web-01").body());

    Reply removed = patch(id, new JsonObject().putNull("alias"));
    assertEquals(200, removed.status(), removed.toString());
    assertNull(removed.json().getString("alias"));
    assertEquals(404, fetch("/c/web?host=a").statusCode());
    assertEquals(200, fetch("/api/configs/" + id + "/toml?host=a").statusCode(), "the id still works");

    Reply freed = create(new JsonObject().put("name", "other").put("alias", "web-fleet").put("toml", ""));
    assertEquals(201, freed.status(), "a released alias can be taken again: " + freed);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void malformedAndReservedAliasesAreRefusedAndChangeNothing(StoreKind kind) throws Exception {
    start(kind);
    Reply created = create(new JsonObject().put("name", "web").put("alias", "web").put("toml", TOML));
    String id = created.json().getString("id");
    JsonObject before = gateway.get("/api/configs/" + id, owner).json();
    List<Object> bad = List.of("ab", "a".repeat(64), "-abc", "abc-", "ABC", "a_b", "a b", "bulk", "duplicate",
        "many", UUID.randomUUID().toString(), "", 7, new JsonArray());
    for (Object alias : bad) {
      Reply refused = create(new JsonObject().put("name", "new").put("alias", alias).put("toml", ""));
      assertEquals(400, refused.status(), alias + ": " + refused);
      assertEquals("alias", refused.json().getJsonObject("details").getString("field"), alias.toString());
      Reply patched = patch(id, new JsonObject().put("name", "renamed").put("alias", alias));
      assertEquals(400, patched.status(), alias + ": " + patched);
      Reply grouped = gateway.post("/api/config-groups", owner, new JsonObject().put("name", "g").put("alias", alias));
      assertEquals(400, grouped.status(), alias + ": " + grouped);
    }
    assertEquals(1, configs().size(), "nothing created");
    assertEquals(before, gateway.get("/api/configs/" + id, owner).json(), "nothing changed");
    assertEquals(0, gateway.get("/api/config-groups", owner).json().getJsonArray("configGroups").size());
    assertEquals(201, create(new JsonObject().put("name", "a").put("alias", "a".repeat(63)).put("toml", ""))
        .status(), "63 characters are allowed");
    assertEquals(201, create(new JsonObject().put("name", "b").put("alias", "0-9").put("toml", "")).status());
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void configsAndGroupsShareOneNamespace(StoreKind kind) throws Exception {
    start(kind);
    String id = create(new JsonObject().put("name", "web").put("alias", "shared").put("toml", TOML)).json()
        .getString("id");
    String other = create(new JsonObject().put("name", "db").put("alias", "db-1").put("toml", "")).json()
        .getString("id");

    Reply sameKind = create(new JsonObject().put("name", "web2").put("alias", "shared").put("toml", ""));
    assertEquals(409, sameKind.status(), sameKind.toString());
    assertEquals("alias_conflict", sameKind.error());
    Reply byPatch = patch(other, new JsonObject().put("alias", "shared").put("description", "changed"));
    assertEquals(409, byPatch.status(), byPatch.toString());
    assertEquals("alias_conflict", byPatch.error());
    Reply group = gateway.post("/api/config-groups", owner, new JsonObject().put("name", "g").put("alias", "shared"));
    assertEquals(409, group.status(), group.toString());
    assertEquals("alias_conflict", group.error());
    assertEquals(2, configs().size(), "nothing created");
    JsonObject db = gateway.get("/api/configs/" + other, owner).json();
    assertEquals("db-1", db.getString("alias"));
    assertEquals("", db.getString("description"), "a refused PATCH changes no field");
    assertEquals(0, gateway.get("/api/config-groups", owner).json().getJsonArray("configGroups").size());

    Reply grp = gateway.post("/api/config-groups", owner, new JsonObject().put("name", "g").put("alias", "grp"));
    assertEquals(201, grp.status(), grp.toString());
    Reply taken = patch(id, new JsonObject().put("alias", "grp"));
    assertEquals(409, taken.status(), taken.toString());
    assertEquals("alias_conflict", taken.error());
    assertEquals("shared", gateway.get("/api/configs/" + id, owner).json().getString("alias"));
    assertEquals(404, fetch("/api/configs/grp/toml").statusCode(), "a group's alias names no config");
    Reply sameAgain = patch(id, new JsonObject().put("alias", "shared"));
    assertEquals(200, sameAgain.status(), "keeping one's own alias is no conflict: " + sameAgain);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aConfigThatAgentsFetchByItsAliasIsInUse(StoreKind kind) throws Exception {
    start(kind);
    String shortId = create(new JsonObject().put("name", "a").put("alias", "by-short").put("toml", "")).json()
        .getString("id");
    String longer = create(new JsonObject().put("name", "b").put("alias", "by-long").put("toml", "")).json()
        .getString("id");
    String free = create(new JsonObject().put("name", "c").put("alias", "short").put("toml", "")).json()
        .getString("id");
    heartbeat("agent-1", "http://gw.example/c/by-short?agent_id=agent-1");
    heartbeat("agent-2", "http://gw.example/api/configs/by-long/toml", "http://gw.example"
        + Config.tomlPath(longer));
    heartbeat("agent-3", "http://gw.example/c/by-short-old");
    Reply byShortLink = gateway.call("DELETE", "/api/configs/" + shortId, owner, null);
    assertEquals(409, byShortLink.status(), byShortLink.toString());
    assertEquals("config_in_use", byShortLink.error());
    assertEquals(1, byShortLink.json().getJsonObject("details").getInteger("agents"));
    Reply byAliasPath = gateway.call("DELETE", "/api/configs/" + longer, owner, null);
    assertEquals(409, byAliasPath.status(), byAliasPath.toString());
    assertEquals(1, byAliasPath.json().getJsonObject("details").getInteger("agents"), "one agent, counted once");
    assertEquals(204, gateway.call("DELETE", "/api/configs/" + free, owner, null).status(),
        "agents naming aliases that contain this one use other configs");
  }

  private void heartbeat(String agentId, String... configurations) {
    JsonObject body = new JsonObject().put("id", agentId).put("version", TelegrafAgent.VERSION).put("schema", 1)
        .put("configurations", new JsonArray(List.of((Object[]) configurations)));
    HttpResponse<String> sent = TelegrafAgent.post(gateway.heartbeatListener(HeartbeatRoutes.PATH), agentToken,
        body.encode());
    assertEquals(204, sent.statusCode(), sent.body());
  }
}
