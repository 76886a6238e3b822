package io.heartgate.tokens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.heartgate.testsupport.Credentials;
import io.heartgate.testsupport.Reply;
import io.heartgate.testsupport.StoreKind;
import io.heartgate.testsupport.Team;
import io.heartgate.testsupport.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Custom permissions are intersected with what the creator holds, not refused (issue 11, item 1): the overlap is
 * granted, the rest named in {@code droppedPermissions}; only an empty overlap is 403, over HTTP, on both stores.
 */
class TokenPermissionOverlapTest {
  @TempDir
  Path tempDir;
  private TestGateway gateway;
  private Team team;

  private void start(StoreKind kind) throws Exception {
    gateway = TestGateway.start(kind.freshStore(tempDir));
    team = Team.create(gateway);
  }

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  private Reply create(Credentials as, String name, Object permissions) {
    JsonObject body = new JsonObject().put("name", name);
    if (permissions != null) {
      body.put("permissions", permissions);
    }
    return gateway.post("/api/tokens", as, body);
  }

  private static List<String> strings(JsonObject object, String field) {
    return object.getJsonArray(field).stream().map(Object::toString).toList();
  }

  private int tokenCount() {
    return gateway.get("/api/tokens", team.session("owner")).json().getJsonArray("tokens").size();
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aManagerAskingForUserManagementGetsTheOverlapAndHearsWhatWasDropped(StoreKind kind) throws Exception {
    start(kind);
    Reply created = create(team.session("manager"), "mixed",
        new JsonArray().add("configs:read").add("users:write").add("configs:read"));
    assertEquals(201, created.status(), created.toString());
    assertEquals(List.of("configs:read"), strings(created.json(), "permissions"));
    assertEquals(List.of("users:write"), strings(created.json(), "droppedPermissions"));

    Credentials token = Credentials.bearer(created.json().getString("token"));
    assertEquals(200, gateway.get("/api/configs", token).status());
    Reply users = gateway.get("/api/users", token);
    assertEquals(403, users.status(), users.toString());
    assertEquals("missing permission users:write", gateway.post("/api/users", token, new JsonObject()
        .put("username", "x").put("password", Team.PASSWORD).put("role", "viewer")).message());

    Reply shown = gateway.get("/api/tokens/" + created.json().getString("id"), team.session("manager"));
    assertEquals(List.of("configs:read"), strings(shown.json(), "permissions"));
    assertFalse(shown.json().containsKey("droppedPermissions"), "only the creation answer says what was dropped");
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void nothingDroppedIsAnEmptyList(StoreKind kind) throws Exception {
    start(kind);
    Reply list = create(team.session("owner"), "list", new JsonArray().add("users:write").add("configs:read"));
    assertEquals(201, list.status(), list.toString());
    assertEquals(List.of("configs:read", "users:write"), strings(list.json(), "permissions"));
    assertEquals(List.of(), strings(list.json(), "droppedPermissions"));
    for (Object preset : new Object[] {"read-only", "telegraf-agent", "full", null}) {
      Reply created = create(team.session("manager"), "preset-" + preset, preset);
      assertEquals(201, created.status(), created.toString());
      assertEquals(List.of(), strings(created.json(), "droppedPermissions"), "a preset is within the role: " + preset);
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void anEmptyOverlapIsForbiddenAndCreatesNothing(StoreKind kind) throws Exception {
    start(kind);
    int before = tokenCount();
    Reply refused = create(team.session("manager"), "nothing", new JsonArray().add("users:write").add("users:read"));
    assertEquals(403, refused.status(), refused.toString());
    assertEquals("forbidden", refused.error());
    assertEquals(before, tokenCount(), "nothing was created");
    assertEquals(201, create(team.session("manager"), "nothing", new JsonArray().add("configs:read")).status(),
        "the name is still free");
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void throughATokenTheOverlapIsWithTheCreatingToken(StoreKind kind) throws Exception {
    start(kind);
    Credentials parent = Credentials.bearer(team.token(team.session("owner"), "parent",
        List.of("tokens:write", "configs:read")).getString("token"));
    Reply child = create(parent, "child", new JsonArray().add("users:write").add("configs:write").add("configs:read"));
    assertEquals(201, child.status(), child.toString());
    assertEquals(List.of("configs:read"), strings(child.json(), "permissions"));
    assertEquals(List.of("configs:write", "users:write"), strings(child.json(), "droppedPermissions"),
        "in the contract's order");

    Credentials managersParent = Credentials.bearer(team.token(team.session("manager"), "m-parent",
        List.of("tokens:write", "configs:read", "configs:write")).getString("token"));
    Reply managersChild = create(managersParent, "m-child",
        new JsonArray().add("configs:write").add("agents:write").add("users:read"));
    assertEquals(201, managersChild.status(), managersChild.toString());
    assertEquals(List.of("configs:write"), strings(managersChild.json(), "permissions"));
    assertEquals(List.of("agents:write", "users:read"), strings(managersChild.json(), "droppedPermissions"),
        "dropped for the token (agents:write) and for the role (users:read) alike");

    int before = tokenCount();
    Reply none = create(parent, "none", new JsonArray().add("agents:read"));
    assertEquals(403, none.status(), none.toString());
    assertEquals("forbidden", none.error());
    assertEquals(before, tokenCount(), "nothing was created");
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void anUnknownPermissionIsStillInvalidInAListThatOverlaps(StoreKind kind) throws Exception {
    start(kind);
    int before = tokenCount();
    Reply refused = create(team.session("manager"), "bad",
        new JsonArray().add("configs:read").add("users:write").add("configs:execute"));
    assertEquals(400, refused.status(), refused.toString());
    assertEquals("invalid_request", refused.error());
    assertEquals("permissions", refused.json().getJsonObject("details").getString("field"));
    assertEquals("unknown permission configs:execute", refused.message());
    assertEquals(before, tokenCount(), "nothing was created");
  }
}
