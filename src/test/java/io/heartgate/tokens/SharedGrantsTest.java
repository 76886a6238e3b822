package io.heartgate.tokens;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.heartgate.testsupport.Credentials;
import io.heartgate.testsupport.Reply;
import io.heartgate.testsupport.StoreKind;
import io.heartgate.testsupport.Team;
import io.heartgate.testsupport.TestGateway;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Cached grants share their owner's id, name and permission set with the other grants holding equal ones (issue
 * 15, item 2): a change to one user still reaches every cached token of that user on the next request, and no
 * token of another user holding the same shared values. Over HTTP, on both stores.
 */
class SharedGrantsTest {
  @TempDir
  Path tempDir;
  private TestGateway gateway;

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  private Credentials token(Team team, Credentials as, String name) {
    return Credentials.bearer(team.token(as, name, "full").getString("token"));
  }

  private int users(Credentials as) {
    return gateway.get("/api/users", as).status();
  }

  private JsonObject me(Credentials as) {
    Reply me = gateway.get("/api/auth/me", as);
    assertEquals(200, me.status(), me.toString());
    return me.json();
  }

  private void patch(Team team, String userId, JsonObject change) {
    Reply patched = gateway.call("PATCH", "/api/users/" + userId, team.session("owner"), change);
    assertEquals(200, patched.status(), patched.toString());
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aUserChangeReachesEveryCachedTokenOfThatUserAndNoOther(StoreKind kind) throws Exception {
    gateway = TestGateway.start(kind.freshStore(tempDir));
    Team team = Team.create(gateway);
    Team.Member other = Team.addUser(gateway, team.session("owner"), "other-admin", "administrator");
    String adminId = team.member("administrator").id();
    // Two tokens of one administrator, one of another: equal owners and equal permission sets, shared when cached.
    Credentials first = token(team, team.session("administrator"), "first");
    Credentials second = token(team, team.session("administrator"), "second");
    Credentials others = token(team, other.session(), "others");
    for (Credentials as : new Credentials[] {first, second, others}) {
      assertEquals(200, users(as), "works before, and is now cached");
    }
    int adminPermissions = me(others).getJsonArray("permissions").size();
    assertEquals(adminPermissions, me(first).getJsonArray("permissions").size());

    patch(team, adminId, new JsonObject().put("role", "manager"));
    for (Credentials as : new Credentials[] {first, second}) {
      assertEquals(403, users(as), "a demoted user's every token");
      assertEquals("manager", me(as).getString("role"));
    }
    assertEquals(200, users(others), "another administrator's token with the same permissions keeps them");
    assertEquals("administrator", me(others).getString("role"));
    assertEquals(adminPermissions, me(others).getJsonArray("permissions").size());
    assertEquals("other-admin", me(others).getJsonObject("user").getString("username"));

    patch(team, other.id(), new JsonObject().put("status", "disabled"));
    assertEquals(401, users(others), "a disabled user's token");
    assertEquals(200, gateway.get("/api/configs", first).status(), "the first user's tokens are not that user's");
    assertEquals(200, gateway.get("/api/configs", second).status());

    Reply deleted = gateway.call("DELETE", "/api/users/" + adminId, team.session("owner"), null);
    assertEquals(204, deleted.status(), deleted.toString());
    assertEquals(401, gateway.get("/api/configs", first).status(), "a deleted user's every token");
    assertEquals(401, gateway.get("/api/configs", second).status());

    patch(team, other.id(), new JsonObject().put("status", "active"));
    assertEquals(200, users(others), "re-enabled: the token works again, with its role's permissions");
    assertEquals(adminPermissions, me(others).getJsonArray("permissions").size());
  }
}
