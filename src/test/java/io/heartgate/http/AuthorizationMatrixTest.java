package io.heartgate.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heartgate.testsupport.Credentials;
import io.heartgate.testsupport.Reply;
import io.heartgate.testsupport.StoreKind;
import io.heartgate.testsupport.Team;
import io.heartgate.testsupport.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every route of tokens, users, reporting rules, configs, config groups, audit and settings × every role × a session, a token
 * holding the route's permission and a token without it, and no credentials at all: the exact status of each.
 */
class AuthorizationMatrixTest {
  private static final List<String> ROLES = List.of("owner", "administrator", "manager", "viewer");
  private static final AtomicInteger UNIQUE = new AtomicInteger();

  @TempDir
  Path tempDir;

  /**
   * One route: how to call it (path and body built afresh per call, so destructive calls get their own
   * target) and the status for owner, administrator, manager and viewer when they hold the permission.
   */
  private record Route(String method, Supplier<String> path, Supplier<Object> body, boolean needsPermission,
      int owner, int administrator, int manager, int viewer) {
    int expectedFor(String role) {
      return Map.of("owner", owner, "administrator", administrator, "manager", manager, "viewer", viewer).get(role);
    }

    String describe() {
      return method + " " + path.get().replaceAll("/[0-9a-f-]{36}", "/{id}");
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void everyRouteTimesEveryRoleAndCredential(StoreKind kind) throws Exception {
    try (TestGateway gateway = TestGateway.start(kind.freshStore(tempDir))) {
      Team team = Team.create(gateway);
      Credentials owner = team.session("owner");
      Supplier<String> ownersToken = () -> team.token(owner, "target-" + UNIQUE.incrementAndGet(), null)
          .getString("id");
      Supplier<String> freshUser = () -> Team.addUser(gateway, owner, "u" + UNIQUE.incrementAndGet(), "viewer").id();
      String viewerId = team.member("viewer").id();
      String managerId = team.member("manager").id();
      Supplier<String> freshRule = () -> {
        Reply rule = gateway.post("/api/reporting-rules", owner, new JsonObject()
            .put("name", "rule-" + UNIQUE.incrementAndGet()).put("notReportingAfterSeconds", 120));
        assertEquals(201, rule.status(), rule.toString());
        return rule.json().getString("id");
      };
      String ruleId = freshRule.get();
      Supplier<String> freshConfig = () -> {
        Reply config = gateway.post("/api/configs", owner, new JsonObject()
            .put("name", "config-" + UNIQUE.incrementAndGet()).put("toml", "instance_id = \"&{agent_id}\"\n"));
        assertEquals(201, config.status(), config.toString());
        return config.json().getString("id");
      };
      String configId = freshConfig.get();
      Supplier<String> freshLabel = () -> {
        Reply label = gateway.post("/api/labels", owner, new JsonObject().put("name", "label-" + UNIQUE.incrementAndGet()));
        assertEquals(201, label.status(), label.toString());
        return label.json().getString("id");
      };
      String labelId = freshLabel.get();
      Supplier<String> freshConstant = () -> {
        Reply constant = gateway.post("/api/constants", owner, new JsonObject()
            .put("name", "constant_" + UNIQUE.incrementAndGet()).put("value", "v"));
        assertEquals(201, constant.status(), constant.toString());
        return constant.json().getString("id");
      };
      String constantId = freshConstant.get();
      Reply aliased = gateway.call("PATCH", "/api/configs/" + configId, owner,
          new JsonObject().put("alias", "matrix-config"));
      assertEquals(200, aliased.status(), aliased.toString());
      Supplier<String> freshGroup = () -> {
        Reply group = gateway.post("/api/config-groups", owner, new JsonObject()
            .put("name", "group-" + UNIQUE.incrementAndGet()).put("configIds", new JsonArray().add(configId)));
        assertEquals(201, group.status(), group.toString());
        return group.json().getString("id");
      };
      String groupId = freshGroup.get();
      Reply groupAliased = gateway.call("PATCH", "/api/config-groups/" + groupId, owner,
          new JsonObject().put("alias", "matrix-group"));
      assertEquals(200, groupAliased.status(), groupAliased.toString());
      Supplier<Object> agentAssignment = () -> new JsonObject().put("ids", new JsonArray().add("no-such-agent"))
          .put("labelIds", new JsonArray().add(labelId));
      Supplier<Object> configAssignment = () -> new JsonObject().put("ids", new JsonArray().add(configId))
          .put("labelIds", new JsonArray().add(labelId));

      List<Route> routes = List.of(
          new Route("GET", () -> "/api/auth/me", () -> null, false, 200, 200, 200, 200),
          new Route("GET", () -> "/api/tokens", () -> null, true, 200, 200, 200, 403),
          new Route("POST", () -> "/api/tokens", () -> new JsonObject().put("name", "t" + UNIQUE.incrementAndGet())
              .put("permissions", "read-only"), true, 201, 201, 201, 403),
          new Route("GET", () -> "/api/tokens/" + ownersToken.get(), () -> null, true, 200, 200, 404, 403),
          new Route("POST", () -> "/api/tokens/" + ownersToken.get() + "/revoke", () -> null, true, 200, 200, 404, 403),
          new Route("POST", () -> "/api/tokens/" + ownersToken.get() + "/reassign",
              () -> new JsonObject().put("userId", managerId), true, 200, 200, 403, 403),
          new Route("DELETE", () -> "/api/tokens/" + ownersToken.get(), () -> null, true, 204, 204, 404, 403),
          new Route("POST", () -> "/api/tokens/bulk/revoke",
              () -> new JsonObject().put("ids", new JsonArray().add(ownersToken.get())), true, 200, 200, 200, 403),
          new Route("POST", () -> "/api/tokens/bulk/delete",
              () -> new JsonObject().put("ids", new JsonArray().add(ownersToken.get())), true, 200, 200, 200, 403),
          new Route("POST", () -> "/api/tokens/bulk/reassign", () -> new JsonObject()
              .put("ids", new JsonArray().add(ownersToken.get())).put("userId", managerId), true, 200, 200, 200, 403),
          new Route("GET", () -> "/api/users", () -> null, true, 200, 200, 403, 403),
          new Route("POST", () -> "/api/users", () -> new JsonObject().put("username", "n" + UNIQUE.incrementAndGet())
              .put("password", Team.PASSWORD).put("role", "viewer"), true, 201, 201, 403, 403),
          new Route("GET", () -> "/api/users/" + viewerId, () -> null, true, 200, 200, 403, 403),
          new Route("PATCH", () -> "/api/users/" + viewerId, () -> new JsonObject().put("status", "active"), true,
              200, 200, 403, 403),
          new Route("DELETE", () -> "/api/users/" + freshUser.get(), () -> null, true, 204, 204, 403, 403),
          new Route("GET", () -> "/api/reporting-rules", () -> null, true, 200, 200, 200, 200),
          new Route("POST", () -> "/api/reporting-rules", () -> new JsonObject()
              .put("name", "r" + UNIQUE.incrementAndGet()).put("notReportingAfterSeconds", 60), true, 201, 201, 201, 403),
          new Route("GET", () -> "/api/reporting-rules/" + ruleId, () -> null, true, 200, 200, 200, 200),
          new Route("PATCH", () -> "/api/reporting-rules/" + ruleId,
              () -> new JsonObject().put("notReportingAfterSeconds", 90), true, 200, 200, 200, 403),
          new Route("DELETE", () -> "/api/reporting-rules/" + freshRule.get(), () -> null, true, 204, 204, 204, 403),
          // The narrow token holds configs:read, so the read routes of configs are no 403 for it.
          new Route("GET", () -> "/api/configs", () -> null, false, 200, 200, 200, 200),
          new Route("POST", () -> "/api/configs", () -> new JsonObject().put("name", "c" + UNIQUE.incrementAndGet())
              .put("toml", "a = 1\n"), true, 201, 201, 201, 403),
          new Route("GET", () -> "/api/configs/" + configId, () -> null, false, 200, 200, 200, 200),
          new Route("PATCH", () -> "/api/configs/" + configId,
              () -> new JsonObject().put("description", "d" + UNIQUE.incrementAndGet()), true, 200, 200, 200, 403),
          new Route("DELETE", () -> "/api/configs/" + freshConfig.get(), () -> null, true, 204, 204, 204, 403),
          new Route("GET", () -> "/api/configs/" + configId + "/toml?agent_id=a", () -> null, false,
              200, 200, 200, 200),
          new Route("HEAD", () -> "/api/configs/" + configId + "/toml?agent_id=a", () -> null, false,
              200, 200, 200, 200),
          new Route("GET", () -> "/api/configs/" + configId + "/versions", () -> null, false, 200, 200, 200, 200),
          new Route("GET", () -> "/api/configs/" + configId + "/versions/1", () -> null, false, 200, 200, 200, 200),
          new Route("GET", () -> "/api/configs/" + configId + "/versions/1/diff/1", () -> null, false,
              200, 200, 200, 200),
          new Route("POST", () -> "/api/configs/" + configId + "/versions/1/rollback", () -> null, true,
              201, 201, 201, 403),
          // A config of its own per call: pruning configId would take the version 1 the rows above read.
          new Route("DELETE", () -> "/api/configs/" + freshConfig.get() + "/versions?keepLatest=1", () -> null, true,
              200, 200, 200, 403),
          new Route("GET", () -> "/api/labels", () -> null, true, 200, 200, 200, 200),
          new Route("POST", () -> "/api/labels", () -> new JsonObject().put("name", "l" + UNIQUE.incrementAndGet()),
              true, 201, 201, 201, 403),
          new Route("GET", () -> "/api/labels/" + labelId, () -> null, true, 200, 200, 200, 200),
          new Route("PATCH", () -> "/api/labels/" + labelId,
              () -> new JsonObject().put("description", "d" + UNIQUE.incrementAndGet()), true, 200, 200, 200, 403),
          new Route("DELETE", () -> "/api/labels/" + freshLabel.get(), () -> null, true, 204, 204, 204, 403),
          new Route("DELETE", () -> "/api/labels",
              () -> new JsonObject().put("ids", new JsonArray().add(freshLabel.get())), true, 200, 200, 200, 403),
          // Assigning needs write on the target and labels:read; no agent exists here, so the allowed get 404.
          new Route("PUT", () -> "/api/agents/no-such-agent/labels/" + labelId, () -> null, true, 404, 404, 404, 403),
          new Route("DELETE", () -> "/api/agents/no-such-agent/labels/" + labelId, () -> null, true,
              404, 404, 404, 403),
          new Route("PUT", () -> "/api/agents/bulk/labels/assign", agentAssignment, true, 200, 200, 200, 403),
          new Route("PUT", () -> "/api/agents/bulk/labels/remove", agentAssignment, true, 200, 200, 200, 403),
          new Route("POST", () -> "/api/configs/" + configId + "/assign/" + labelId, () -> null, true,
              200, 200, 200, 403),
          new Route("DELETE", () -> "/api/configs/" + configId + "/labels/" + labelId, () -> null, true,
              200, 200, 200, 403),
          new Route("PUT", () -> "/api/configs/bulk/labels/assign", configAssignment, true, 200, 200, 200, 403),
          new Route("PUT", () -> "/api/configs/bulk/labels/remove", configAssignment, true, 200, 200, 200, 403),
          new Route("GET", () -> "/api/constants", () -> null, true, 200, 200, 200, 200),
          new Route("POST", () -> "/api/constants", () -> new JsonObject()
              .put("name", "k" + UNIQUE.incrementAndGet()).put("value", "v"), true, 201, 201, 201, 403),
          new Route("GET", () -> "/api/constants/" + constantId, () -> null, true, 200, 200, 200, 200),
          new Route("PATCH", () -> "/api/constants/" + constantId,
              () -> new JsonObject().put("value", "v" + UNIQUE.incrementAndGet()), true, 200, 200, 200, 403),
          new Route("DELETE", () -> "/api/constants/" + freshConstant.get(), () -> null, true, 204, 204, 204, 403),
          new Route("GET", () -> "/api/config-groups", () -> null, true, 200, 200, 200, 200),
          new Route("POST", () -> "/api/config-groups", () -> new JsonObject()
              .put("name", "g" + UNIQUE.incrementAndGet()), true, 201, 201, 201, 403),
          new Route("GET", () -> "/api/config-groups/" + groupId, () -> null, true, 200, 200, 200, 200),
          new Route("PATCH", () -> "/api/config-groups/" + groupId,
              () -> new JsonObject().put("description", "d" + UNIQUE.incrementAndGet()), true, 200, 200, 200, 403),
          new Route("DELETE", () -> "/api/config-groups/" + freshGroup.get(), () -> null, true, 204, 204, 204, 403),
          new Route("GET", () -> "/api/config-groups/" + groupId + "/toml?agent_id=a", () -> null, true,
              200, 200, 200, 200),
          new Route("HEAD", () -> "/api/config-groups/" + groupId + "/toml?agent_id=a", () -> null, true,
              200, 200, 200, 200),
          // The short link asks for the permission of what the alias names.
          new Route("GET", () -> "/c/matrix-config?agent_id=a", () -> null, false, 200, 200, 200, 200),
          new Route("HEAD", () -> "/c/matrix-config?agent_id=a", () -> null, false, 200, 200, 200, 200),
          new Route("GET", () -> "/c/matrix-group?agent_id=a", () -> null, true, 200, 200, 200, 200),
          new Route("HEAD", () -> "/c/matrix-group?agent_id=a", () -> null, true, 200, 200, 200, 200),
          new Route("GET", () -> "/api/audit", () -> null, true, 200, 200, 403, 403),
          new Route("GET", () -> "/api/settings", () -> null, true, 200, 200, 403, 403),
          // Last: it ends the session the other routes use.
          new Route("POST", () -> "/api/auth/logout", () -> null, false, 204, 204, 204, 204));

      List<String> mismatches = new ArrayList<>();
      for (String role : ROLES) {
        Map<String, Credentials> credentials = credentialsOf(gateway, team, role);
        for (Route route : routes) {
          for (Map.Entry<String, Credentials> credential : credentials.entrySet()) {
            int expected = credential.getKey().equals("token without permission") && route.needsPermission()
                ? 403 : route.expectedFor(role);
            check(gateway, route, credential.getValue(), expected, role + " with " + credential.getKey(), mismatches);
          }
        }
      }
      for (Route route : routes) {
        check(gateway, route, Credentials.NONE, 401, "no credentials", mismatches);
      }
      assertTrue(mismatches.isEmpty(), mismatches.size() + " mismatches:\n" + String.join("\n", mismatches));
    }
  }

  private static void check(TestGateway gateway, Route route, Credentials credentials, int expected, String who,
      List<String> mismatches) {
    String path = route.path().get();
    Reply reply = gateway.call(route.method(), path, credentials, route.body().get());
    if (reply.status() != expected) {
      mismatches.add(route.describe() + " as " + who + ": expected " + expected + ", got " + reply);
    } else if (expected == 403 && route.needsPermission() && !route.method().equals("HEAD")) {
      // A HEAD answer has no body to carry the message.
      String message = reply.message();
      if (!message.startsWith("missing permission ") && !message.startsWith("only the owner")) {
        mismatches.add(route.describe() + " as " + who + ": 403 without the contract's message: " + reply);
      }
    }
  }

  /**
   * A session, a token with every permission of the role, and a token holding only configs:read (which no
   * route here needs). Viewers cannot create tokens, so the owner makes theirs and hands them over.
   */
  private static Map<String, Credentials> credentialsOf(TestGateway gateway, Team team, String role) {
    Credentials owner = team.session("owner");
    JsonObject full = team.token(owner, role + "-full-" + UNIQUE.incrementAndGet(), "full");
    JsonObject narrow = team.token(owner, role + "-narrow-" + UNIQUE.incrementAndGet(), List.of("configs:read"));
    if (!role.equals("owner")) {
      for (JsonObject token : List.of(full, narrow)) {
        Reply moved = gateway.post("/api/tokens/" + token.getString("id") + "/reassign", owner,
            new JsonObject().put("userId", team.member(role).id()));
        assertEquals(200, moved.status(), moved.toString());
      }
    }
    return Map.of(
        "session", Team.login(gateway, team.member(role).username()),
        "token with permission", Credentials.bearer(full.getString("token")),
        "token without permission", Credentials.bearer(narrow.getString("token")));
  }
}
