package io.heartgate.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heartgate.settings.DatabaseUrl;
import io.heartgate.testsupport.Credentials;
import io.heartgate.testsupport.Poll;
import io.heartgate.testsupport.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenAPI document is enforced, not decorative: against a real gateway, a request of every operation it lists
 * (its success and its main refusals), each answer judged by {@link OpenApiResponses} (vertx-openapi's response
 * validator and the rules it leaves out). An operation of the document that no step replays fails the last test,
 * and so does any answer the document does not allow. The steps build on each other, in order. Run against each
 * store by its subclasses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class OpenApiContractTest {
  private static final Logger LOG = Logger.getLogger(OpenApiContractTest.class.getName());
  private static final String PASSWORD = "correct horse battery";
  private static final String JSON = "application/json";

  @TempDir
  static Path tempDir;
  private TestGateway gateway;
  private OpenApiResponses documented;

  private Credentials owner;
  private Credentials manager;
  private Credentials viewer;
  private String managerId;
  private String viewerId;
  private String ownerToken;
  private String managerToken;
  private String agentToken;
  private String readOnlyToken;
  private String heartbeatOnlyToken;
  private String configId;
  private String spareConfigId;

  /** A fresh, empty store for the gateway under test. */
  abstract DatabaseUrl store(Path tempDir);

  /** Stops the store as an outage would; false when this store is not stopped by the test. */
  boolean stopStore() {
    return false;
  }

  /** Starts the store again after {@link #stopStore()}. */
  void startStore() {
  }

  /** Removes the store once the gateway has stopped. */
  void closeStore() {
  }

  @BeforeAll
  void start() throws Exception {
    gateway = TestGateway.start(store(tempDir));
    HttpResponse<String> json = TestGateway.get(gateway.api("/api/openapi.json"));
    assertEquals(200, json.statusCode(), json.body());
    documented = new OpenApiResponses(new JsonObject(json.body()));
  }

  @AfterAll
  void stop() {
    if (documented != null) {
      documented.close();
    }
    if (gateway != null) {
      gateway.close();
    }
    closeStore();
  }

  @Test
  @Order(1)
  void publicOperations() {
    get("redirectToConsole", 302, "/", Credentials.NONE);
    get("getLiveness", 200, "/health/live", Credentials.NONE);
    get("getReadiness", 200, "/health/ready", Credentials.NONE);
    get("getOpenApiJson", 200, "/api/openapi.json", Credentials.NONE);
    get("getOpenApiYaml", 200, "/api/openapi.yaml", Credentials.NONE);
    get("getApiDocs", 200, "/api/docs", Credentials.NONE);
    get("getAuthStatus", 200, "/api/auth/status", Credentials.NONE);
    // Two Authorization headers: refused before any route, on every path.
    send("getOpenApiJson", 400, "GET", "/api/openapi.json", Credentials.header("Bearer one"), null, null,
        Map.of("Authorization", "Bearer two"));
    send("redirectToConsole", 400, "GET", "/", Credentials.header("Bearer one"), null, null,
        Map.of("Authorization", "Bearer two"));
  }

  @Test
  @Order(2)
  void setupAndSignIn() {
    JsonObject weak = credentials("owner", "short");
    send("setupOwner", 400, "POST", "/api/auth/setup", Credentials.NONE, JSON, weak.encode());
    send("setupOwner", 415, "POST", "/api/auth/setup", Credentials.NONE, "text/plain", "owner");
    send("setupOwner", 413, "POST", "/api/auth/setup", Credentials.NONE, JSON,
        credentials("owner", "x".repeat(20_000)).encode());
    owner = cookie(send("setupOwner", 201, "POST", "/api/auth/setup", Credentials.NONE, JSON,
        credentials("owner", PASSWORD).encode()));
    send("setupOwner", 409, "POST", "/api/auth/setup", Credentials.NONE, JSON,
        credentials("second", PASSWORD).encode());

    managerId = user("manager", "manager");
    viewerId = user("viewer", "viewer");
    user("administrator", "administrator");
    manager = login("manager");
    viewer = login("viewer");
    send("loginLocal", 401, "POST", "/api/auth/login/local", Credentials.NONE, JSON,
        credentials("viewer", "not the password").encode());
    send("loginLocal", 400, "POST", "/api/auth/login/local", Credentials.NONE, JSON,
        new JsonObject().put("username", "viewer").encode());
    send("loginLocal", 415, "POST", "/api/auth/login/local", Credentials.NONE, "text/plain", "viewer");
    send("loginLocal", 413, "POST", "/api/auth/login/local", Credentials.NONE, JSON,
        credentials("viewer", "x".repeat(20_000)).encode());
  }

  @Test
  @Order(3)
  void users() {
    get("getMe", 200, "/api/auth/me", owner);
    get("getMe", 401, "/api/auth/me", Credentials.NONE);
    get("listUsers", 200, "/api/users", owner);
    get("listUsers", 401, "/api/users", Credentials.header("Bearer nope"));
    get("listUsers", 403, "/api/users", viewer);
    json("createUser", 400, "POST", "/api/users", owner, credentials("norole", PASSWORD));
    json("createUser", 403, "POST", "/api/users", viewer, credentials("x", PASSWORD).put("role", "viewer"));
    json("createUser", 409, "POST", "/api/users", owner, credentials("viewer", PASSWORD).put("role", "viewer"));
    send("createUser", 415, "POST", "/api/users", owner, "text/plain", "x");
    send("createUser", 413, "POST", "/api/users", owner, JSON, credentials("x", "y".repeat(1_100_000)).encode());
    get("getUser", 200, "/api/users/" + viewerId, owner);
    get("getUser", 404, "/api/users/no-such-user", owner);
    get("getUser", 403, "/api/users/" + viewerId, viewer);
    json("updateUser", 200, "PATCH", "/api/users/" + viewerId, owner, new JsonObject().put("status", "active"));
    json("updateUser", 400, "PATCH", "/api/users/" + viewerId, owner, new JsonObject().put("status", "asleep"));
    json("updateUser", 404, "PATCH", "/api/users/no-such-user", owner, new JsonObject().put("status", "active"));
    json("updateUser", 403, "PATCH", "/api/users/" + viewerId, viewer, new JsonObject().put("status", "active"));
    String ownerId = new JsonObject(get("getMe", 200, "/api/auth/me", owner).body())
        .getJsonObject("user").getString("id");
    json("updateUser", 409, "PATCH", "/api/users/" + ownerId, owner, new JsonObject().put("status", "disabled"));
    send("updateUser", 415, "PATCH", "/api/users/" + viewerId, owner, "text/plain", "x");
    send("updateUser", 413, "PATCH", "/api/users/" + viewerId, owner, JSON,
        new JsonObject().put("password", "y".repeat(1_100_000)).encode());
    String leaving = user("leaving", "viewer");
    delete("deleteUser", 403, "/api/users/" + leaving, viewer);
    delete("deleteUser", 204, "/api/users/" + leaving, owner);
    delete("deleteUser", 404, "/api/users/" + leaving, owner);
    delete("deleteUser", 409, "/api/users/" + ownerId, owner);

    Credentials passing = login("viewer");
    send("logout", 403, "POST", "/api/auth/logout", passing, null, null, Map.of("Sec-Fetch-Site", "cross-site"));
    send("logout", 204, "POST", "/api/auth/logout", passing, null, null);
    send("logout", 401, "POST", "/api/auth/logout", passing, null, null);
  }

  @Test
  @Order(4)
  void tokens() {
    ownerToken = token(owner, "owner full", null);
    managerToken = token(manager, "manager full", null);
    agentToken = token(owner, "agent", "telegraf-agent");
    readOnlyToken = token(owner, "read only", "read-only");
    heartbeatOnlyToken = token(owner, "heartbeats only", new JsonArray().add("heartbeat:write"));
    json("createToken", 400, "POST", "/api/tokens", owner, new JsonObject());
    json("createToken", 403, "POST", "/api/tokens", viewer, new JsonObject().put("name", "viewer's"));
    json("createToken", 409, "POST", "/api/tokens", owner, new JsonObject().put("name", "agent"));
    send("createToken", 415, "POST", "/api/tokens", owner, "text/plain", "name=x");
    send("createToken", 413, "POST", "/api/tokens", owner, JSON,
        new JsonObject().put("name", "x".repeat(1_100_000)).encode());

    get("listTokens", 200, "/api/tokens?state=active", Credentials.bearer(ownerToken));
    get("listTokens", 200, "/api/tokens", Credentials.tokenScheme(managerToken));
    get("listTokens", 400, "/api/tokens?state=sleeping", owner);
    pages("listTokens", "/api/tokens", owner);
    get("listTokens", 401, "/api/tokens", Credentials.NONE);
    get("listTokens", 403, "/api/tokens", viewer);

    String spare = id(json("createToken", 201, "POST", "/api/tokens", manager, new JsonObject().put("name", "spare")));
    get("getToken", 200, "/api/tokens/" + spare, manager);
    get("getToken", 404, "/api/tokens/no-such-token", owner);
    get("getToken", 401, "/api/tokens/" + spare, Credentials.bearer("tc-apiv1_" + "0".repeat(64)));
    get("getToken", 403, "/api/tokens/" + spare, viewer);

    json("reassignToken", 200, "POST", "/api/tokens/" + spare + "/reassign", owner,
        new JsonObject().put("userId", viewerId));
    json("reassignToken", 400, "POST", "/api/tokens/" + spare + "/reassign", owner, new JsonObject());
    json("reassignToken", 403, "POST", "/api/tokens/" + spare + "/reassign", manager,
        new JsonObject().put("userId", managerId));
    json("reassignToken", 404, "POST", "/api/tokens/no-such-token/reassign", owner,
        new JsonObject().put("userId", viewerId));
    send("reassignToken", 415, "POST", "/api/tokens/" + spare + "/reassign", owner, "text/plain", "x");
    send("reassignToken", 413, "POST", "/api/tokens/" + spare + "/reassign", owner, JSON,
        new JsonObject().put("userId", "x".repeat(1_100_000)).encode());

    send("revokeToken", 200, "POST", "/api/tokens/" + spare + "/revoke", owner, null, null);
    send("revokeToken", 404, "POST", "/api/tokens/no-such-token/revoke", owner, null, null);
    send("revokeToken", 403, "POST", "/api/tokens/" + spare + "/revoke", viewer, null, null);
    delete("deleteToken", 403, "/api/tokens/" + spare, viewer);
    delete("deleteToken", 204, "/api/tokens/" + spare, owner);
    delete("deleteToken", 404, "/api/tokens/" + spare, owner);

    String one = tokenId(owner, "bulk one");
    String two = tokenId(owner, "bulk two");
    JsonObject ids = new JsonObject().put("ids", new JsonArray().add(one).add("no-such-token"));
    json("bulkReassignTokens", 200, "POST", "/api/tokens/bulk/reassign", owner, ids.copy().put("userId", managerId));
    json("bulkReassignTokens", 400, "POST", "/api/tokens/bulk/reassign", owner, ids);
    json("bulkReassignTokens", 403, "POST", "/api/tokens/bulk/reassign", viewer, ids.copy().put("userId", viewerId));
    send("bulkReassignTokens", 415, "POST", "/api/tokens/bulk/reassign", owner, "text/plain", "x");
    send("bulkReassignTokens", 413, "POST", "/api/tokens/bulk/reassign", owner, JSON, huge("ids"));
    json("bulkRevokeTokens", 200, "POST", "/api/tokens/bulk/revoke", owner, ids);
    json("bulkRevokeTokens", 400, "POST", "/api/tokens/bulk/revoke", owner, new JsonObject().put("ids",
        new JsonArray()));
    json("bulkRevokeTokens", 403, "POST", "/api/tokens/bulk/revoke", viewer, ids);
    send("bulkRevokeTokens", 415, "POST", "/api/tokens/bulk/revoke", owner, "text/plain", "x");
    send("bulkRevokeTokens", 413, "POST", "/api/tokens/bulk/revoke", owner, JSON, huge("ids"));
    json("bulkDeleteTokens", 200, "POST", "/api/tokens/bulk/delete", owner,
        new JsonObject().put("ids", new JsonArray().add(one).add(two)));
    json("bulkDeleteTokens", 400, "POST", "/api/tokens/bulk/delete", owner, new JsonObject());
    json("bulkDeleteTokens", 403, "POST", "/api/tokens/bulk/delete", viewer, ids);
    send("bulkDeleteTokens", 415, "POST", "/api/tokens/bulk/delete", owner, "text/plain", "x");
    send("bulkDeleteTokens", 413, "POST", "/api/tokens/bulk/delete", owner, JSON, huge("ids"));
    get("getMe", 200, "/api/auth/me", Credentials.bearer(readOnlyToken));
  }

  @Test
  @Order(5)
  void configs() {
    JsonObject regional = new JsonObject().put("name", "regional").put("description", "by region")
        .put("toml", "[global_tags]\n  region = \"&{region}\"\n  tier = \"&{tier:gold}\"\n");
    configId = id(json("createConfig", 201, "POST", "/api/configs", owner, regional));
    spareConfigId = id(json("createConfig", 201, "POST", "/api/configs", owner,
        new JsonObject().put("name", "spare").put("template", "agent")));
    json("createConfig", 400, "POST", "/api/configs", owner, new JsonObject().put("name", "bad").put("toml", "a ="));
    json("createConfig", 403, "POST", "/api/configs", viewer, new JsonObject().put("name", "x").put("toml", ""));
    json("createConfig", 409, "POST", "/api/configs", owner, regional);
    send("createConfig", 415, "POST", "/api/configs", owner, "application/toml", "a = 1");
    send("createConfig", 413, "POST", "/api/configs", owner, JSON,
        new JsonObject().put("name", "huge").put("toml", "#" + "x".repeat(1_100_000)).encode());
    get("createConfig", 401, "/api/configs", Credentials.NONE, "POST");

    get("listConfigs", 200, "/api/configs", Credentials.bearer(agentToken));
    get("listConfigs", 403, "/api/configs", Credentials.bearer(heartbeatOnlyToken));
    pages("listConfigs", "/api/configs", viewer);
    get("getConfig", 200, "/api/configs/" + configId, viewer);
    get("getConfig", 404, "/api/configs/no-such-config", viewer);
    get("getConfig", 403, "/api/configs/" + configId, Credentials.bearer(heartbeatOnlyToken));

    json("updateConfig", 200, "PATCH", "/api/configs/" + configId, owner,
        new JsonObject().put("description", "by region and tier"));
    json("updateConfig", 400, "PATCH", "/api/configs/" + configId, owner, new JsonObject());
    json("updateConfig", 404, "PATCH", "/api/configs/no-such-config", owner, new JsonObject().put("name", "x"));
    json("updateConfig", 409, "PATCH", "/api/configs/" + spareConfigId, owner,
        new JsonObject().put("name", "regional"));
    json("updateConfig", 403, "PATCH", "/api/configs/" + configId, viewer, new JsonObject().put("name", "x"));
    send("updateConfig", 415, "PATCH", "/api/configs/" + configId, owner, "text/plain", "x");
    send("updateConfig", 413, "PATCH", "/api/configs/" + configId, owner, JSON,
        new JsonObject().put("toml", "#" + "x".repeat(1_100_000)).encode());

    String toml = "/api/configs/" + configId + "/toml";
    get("downloadConfigToml", 200, toml + "?region=eu&region=us", Credentials.bearer(agentToken));
    get("downloadConfigToml", 400, toml, Credentials.bearer(agentToken));
    get("downloadConfigToml", 404, "/api/configs/no-such-config/toml", Credentials.bearer(agentToken));
    get("downloadConfigToml", 401, toml, Credentials.NONE);
    get("downloadConfigToml", 403, toml, Credentials.bearer(heartbeatOnlyToken));
    get("headConfigToml", 200, toml + "?region=eu", Credentials.bearer(agentToken), "HEAD");
    get("headConfigToml", 400, toml, Credentials.bearer(agentToken), "HEAD");
    get("headConfigToml", 404, "/api/configs/no-such-config/toml", Credentials.bearer(agentToken), "HEAD");
    get("headConfigToml", 401, toml, Credentials.NONE, "HEAD");
    get("headConfigToml", 403, toml, Credentials.bearer(heartbeatOnlyToken), "HEAD");

    String versions = "/api/configs/" + configId + "/versions";
    json("updateConfig", 200, "PATCH", "/api/configs/" + configId, owner, new JsonObject()
        .put("toml", "[global_tags]\n  region = \"&{region}\"\n").put("note", "tier left to the agent"));
    json("updateConfig", 400, "PATCH", "/api/configs/" + configId, owner,
        new JsonObject().put("toml", "a = 1\n").put("note", "n".repeat(1001)));
    get("listConfigVersions", 200, versions, viewer);
    get("listConfigVersions", 404, "/api/configs/no-such-config/versions", viewer);
    get("listConfigVersions", 403, versions, Credentials.bearer(heartbeatOnlyToken));
    pages("listConfigVersions", versions, viewer);
    get("getConfigVersion", 200, versions + "/1", viewer);
    get("getConfigVersion", 404, versions + "/99", viewer);
    get("getConfigVersion", 403, versions + "/1", Credentials.bearer(heartbeatOnlyToken));
    get("diffConfigVersions", 200, versions + "/1/diff/2", viewer);
    get("diffConfigVersions", 404, versions + "/1/diff/99", viewer);
    get("diffConfigVersions", 403, versions + "/1/diff/2", Credentials.bearer(heartbeatOnlyToken));
    json("rollbackConfig", 201, "POST", versions + "/1/rollback", owner, new JsonObject().put("note", "undo"));
    send("rollbackConfig", 201, "POST", versions + "/2/rollback", owner, null, null);
    json("rollbackConfig", 400, "POST", versions + "/1/rollback", owner, new JsonObject().put("note", 7));
    json("rollbackConfig", 404, "POST", versions + "/99/rollback", owner, new JsonObject());
    json("rollbackConfig", 403, "POST", versions + "/1/rollback", viewer, new JsonObject());
    send("rollbackConfig", 415, "POST", versions + "/1/rollback", owner, "text/plain", "x");
    delete("pruneConfigVersions", 400, versions + "?keepLatest=0", owner);
    delete("pruneConfigVersions", 403, versions + "?keepLatest=1", viewer);
    delete("pruneConfigVersions", 404, "/api/configs/no-such-config/versions?keepLatest=1", owner);
    delete("pruneConfigVersions", 200, versions + "?keepLatest=2", owner);
  }

  @Test
  @Order(6)
  void heartbeatsAndAgents() {
    String using = "http://127.0.0.1:" + gateway.apiPort() + "/api/configs/" + configId + "/toml";
    JsonObject beat = new JsonObject().put("id", "agent-1").put("version", "Telegraf 1.39.3").put("schema", 1)
        .put("hostname", "host-1").put("status", "OK").put("configurations", new JsonArray().add(using))
        .put("statistics", new JsonObject().put("errors", 0).put("warnings", 1).put("metrics", 42))
        .put("logs", new JsonArray().add(new JsonObject().put("time", "2026-12-03T06:00:00Z").put("level", "WARN")
            .put("source", "outputs.heartbeat").put("message", "slow")));
    heartbeat(204, Credentials.bearer(agentToken), JSON, beat.encode());
    heartbeat(204, Credentials.bearer(agentToken), JSON, beat.copy().put("id", "agent-2").encode());
    heartbeat(400, Credentials.bearer(agentToken), JSON, new JsonObject().put("id", "agent-3").encode());
    heartbeat(401, Credentials.NONE, JSON, beat.encode());
    heartbeat(403, Credentials.bearer(readOnlyToken), JSON, beat.encode());
    heartbeat(413, Credentials.bearer(agentToken), JSON,
        beat.copy().put("hostname", "h".repeat(1_100_000)).encode());
    heartbeat(415, Credentials.bearer(agentToken), "text/plain", beat.encode());

    get("listAgents", 200, "/api/agents?sortBy=lastSeen&sortOrder=desc&limit=1", viewer);
    get("listAgents", 400, "/api/agents?status=asleep", viewer);
    get("listAgents", 401, "/api/agents", Credentials.NONE);
    get("listAgents", 403, "/api/agents", Credentials.bearer(agentToken));
    get("getAgentSummary", 200, "/api/agents/summary", viewer);
    get("getAgentSummary", 403, "/api/agents/summary", Credentials.bearer(agentToken));
    get("getAgent", 200, "/api/agents/agent-1", viewer);
    get("getAgent", 404, "/api/agents/no-such-agent", viewer);
    get("getAgent", 403, "/api/agents/agent-1", Credentials.bearer(agentToken));
    json("updateAgent", 200, "PATCH", "/api/agents/agent-1", manager, new JsonObject().putNull("reportingRuleId"));
    json("updateAgent", 400, "PATCH", "/api/agents/agent-1", manager, new JsonObject());
    json("updateAgent", 400, "PATCH", "/api/agents/agent-1", manager,
        new JsonObject().put("labels", new JsonArray().add("eu")));
    json("updateAgent", 404, "PATCH", "/api/agents/no-such-agent", manager,
        new JsonObject().putNull("reportingRuleId"));
    json("updateAgent", 403, "PATCH", "/api/agents/agent-1", viewer, new JsonObject().putNull("reportingRuleId"));
    send("updateAgent", 415, "PATCH", "/api/agents/agent-1", manager, "text/plain", "x");
    send("updateAgent", 413, "PATCH", "/api/agents/agent-1", manager, JSON, huge("labels"));
    get("getLatestHeartbeat", 200, "/api/heartbeat/agent/agent-1/latest-heartbeat", viewer);
    get("getLatestHeartbeat", 404, "/api/heartbeat/agent/no-such-agent/latest-heartbeat", viewer);
    get("getLatestHeartbeat", 403, "/api/heartbeat/agent/agent-1/latest-heartbeat", Credentials.bearer(agentToken));
    delete("deleteAgent", 403, "/api/agents/agent-2", viewer);
    delete("deleteAgent", 204, "/api/agents/agent-2", manager);
    delete("deleteAgent", 404, "/api/agents/agent-2", manager);

    delete("deleteConfig", 409, "/api/configs/" + configId, owner);
    delete("deleteConfig", 403, "/api/configs/" + spareConfigId, viewer);
    delete("deleteConfig", 204, "/api/configs/" + spareConfigId, owner);
    delete("deleteConfig", 404, "/api/configs/" + spareConfigId, owner);
  }

  @Test
  @Order(7)
  void reportingRules() {
    get("listReportingRules", 200, "/api/reporting-rules", viewer);
    get("listReportingRules", 403, "/api/reporting-rules", Credentials.bearer(heartbeatOnlyToken));
    pages("listReportingRules", "/api/reporting-rules", viewer);
    String defaultRule = new JsonObject(get("listReportingRules", 200, "/api/reporting-rules", viewer).body())
        .getJsonArray("rules").stream().map(JsonObject.class::cast).filter(r -> r.getBoolean("default"))
        .findFirst().orElseThrow().getString("id");
    JsonObject rule = new JsonObject().put("name", "lab").put("notReportingAfterSeconds", 600)
        .put("autoDeleteAfterSeconds", 86_400);
    String ruleId = id(json("createReportingRule", 201, "POST", "/api/reporting-rules", manager, rule));
    json("createReportingRule", 400, "POST", "/api/reporting-rules", manager, new JsonObject().put("name", "x"));
    json("createReportingRule", 409, "POST", "/api/reporting-rules", manager, rule);
    json("createReportingRule", 403, "POST", "/api/reporting-rules", viewer, rule);
    send("createReportingRule", 415, "POST", "/api/reporting-rules", manager, "text/plain", "x");
    send("createReportingRule", 413, "POST", "/api/reporting-rules", manager, JSON, huge("name"));
    get("getReportingRule", 200, "/api/reporting-rules/" + ruleId, viewer);
    get("getReportingRule", 404, "/api/reporting-rules/no-such-rule", viewer);
    get("getReportingRule", 401, "/api/reporting-rules/" + ruleId, Credentials.NONE);
    get("getReportingRule", 403, "/api/reporting-rules/" + ruleId, Credentials.bearer(heartbeatOnlyToken));
    json("updateReportingRule", 200, "PATCH", "/api/reporting-rules/" + ruleId, manager,
        new JsonObject().putNull("autoDeleteAfterSeconds"));
    json("updateReportingRule", 400, "PATCH", "/api/reporting-rules/" + ruleId, manager,
        new JsonObject().putNull("name"));
    json("updateReportingRule", 404, "PATCH", "/api/reporting-rules/no-such-rule", manager,
        new JsonObject().put("name", "x"));
    json("updateReportingRule", 409, "PATCH", "/api/reporting-rules/" + defaultRule, manager,
        new JsonObject().put("default", false));
    json("updateReportingRule", 403, "PATCH", "/api/reporting-rules/" + ruleId, viewer,
        new JsonObject().put("name", "x"));
    send("updateReportingRule", 415, "PATCH", "/api/reporting-rules/" + ruleId, manager, "text/plain", "x");
    send("updateReportingRule", 413, "PATCH", "/api/reporting-rules/" + ruleId, manager, JSON, huge("name"));
    delete("deleteReportingRule", 409, "/api/reporting-rules/" + defaultRule, manager);
    delete("deleteReportingRule", 403, "/api/reporting-rules/" + ruleId, viewer);
    delete("deleteReportingRule", 204, "/api/reporting-rules/" + ruleId, manager);
    delete("deleteReportingRule", 404, "/api/reporting-rules/" + ruleId, manager);
  }

  /** Aliases, config groups, their TOML and the short links /c/{alias} (after configs exist). */
  @Test
  @Order(7)
  void configGroups() {
    Credentials agent = Credentials.bearer(agentToken);
    Credentials readOnly = Credentials.bearer(readOnlyToken);
    Credentials heartbeatOnly = Credentials.bearer(heartbeatOnlyToken);
    json("updateConfig", 200, "PATCH", "/api/configs/" + configId, owner, new JsonObject().put("alias", "regional"));
    json("updateConfig", 400, "PATCH", "/api/configs/" + configId, owner, new JsonObject().put("alias", "bulk"));
    String cpuId = id(json("createConfig", 201, "POST", "/api/configs", owner, new JsonObject().put("name", "cpu")
        .put("alias", "cpu-metrics").put("toml", "[[inputs.cpu]]\n")));
    json("createConfig", 400, "POST", "/api/configs", owner, new JsonObject().put("name", "x").put("alias", "-x-")
        .put("toml", ""));
    json("createConfig", 409, "POST", "/api/configs", owner, new JsonObject().put("name", "x").put("alias",
        "regional").put("toml", ""));
    get("downloadConfigToml", 200, "/api/configs/regional/toml?region=eu", agent);

    JsonObject fleet = new JsonObject().put("name", "fleet").put("alias", "fleet").put("description", "all hosts")
        .put("configIds", new JsonArray().add(configId).add(cpuId));
    json("createConfigGroup", 201, "POST", "/api/config-groups", manager, fleet);
    json("createConfigGroup", 400, "POST", "/api/config-groups", manager, new JsonObject().put("name", "bad")
        .put("configIds", new JsonArray().add("no-such-config")));
    json("createConfigGroup", 409, "POST", "/api/config-groups", manager, fleet.copy().put("alias", "fleet-2"));
    json("createConfigGroup", 409, "POST", "/api/config-groups", manager, new JsonObject().put("name", "other")
        .put("alias", "cpu-metrics"));
    json("createConfigGroup", 403, "POST", "/api/config-groups", viewer, new JsonObject().put("name", "x"));
    send("createConfigGroup", 415, "POST", "/api/config-groups", manager, "text/plain", "x");
    send("createConfigGroup", 413, "POST", "/api/config-groups", manager, JSON, huge("name"));
    get("listConfigGroups", 200, "/api/config-groups", viewer);
    get("listConfigGroups", 403, "/api/config-groups", heartbeatOnly);
    pages("listConfigGroups", "/api/config-groups", viewer);
    get("getConfigGroup", 200, "/api/config-groups/fleet", viewer);
    get("getConfigGroup", 404, "/api/config-groups/no-such-group", viewer);
    get("getConfigGroup", 403, "/api/config-groups/fleet", heartbeatOnly);
    json("updateConfigGroup", 200, "PATCH", "/api/config-groups/fleet", manager,
        new JsonObject().put("description", "every host"));
    json("updateConfigGroup", 400, "PATCH", "/api/config-groups/fleet", manager,
        new JsonObject().put("configIds", new JsonArray().add(cpuId).add(cpuId)));
    json("updateConfigGroup", 404, "PATCH", "/api/config-groups/no-such-group", manager,
        new JsonObject().put("name", "x"));
    json("updateConfigGroup", 409, "PATCH", "/api/config-groups/fleet", manager,
        new JsonObject().put("alias", "regional"));
    json("updateConfigGroup", 403, "PATCH", "/api/config-groups/fleet", viewer, new JsonObject().put("name", "x"));
    send("updateConfigGroup", 415, "PATCH", "/api/config-groups/fleet", manager, "text/plain", "x");
    send("updateConfigGroup", 413, "PATCH", "/api/config-groups/fleet", manager, JSON, huge("name"));

    for (String method : List.of("GET", "HEAD")) {
      String group = method.equals("GET") ? "downloadConfigGroupToml" : "headConfigGroupToml";
      String path = "/api/config-groups/fleet/toml";
      get(group, 200, path + "?region=eu", readOnly, method);
      get(group, 400, path, readOnly, method);
      get(group, 404, "/api/config-groups/no-such-group/toml", readOnly, method);
      get(group, 401, path, Credentials.NONE, method);
      get(group, 403, path + "?region=eu", agent, method);
      String alias = method.equals("GET") ? "downloadAliasToml" : "headAliasToml";
      get(alias, 200, "/c/regional?region=eu", agent, method);
      get(alias, 200, "/c/fleet?region=eu", readOnly, method);
      get(alias, 400, "/c/regional", agent, method);
      get(alias, 404, "/c/no-such-alias", agent, method);
      get(alias, 401, "/c/regional", Credentials.NONE, method);
      get(alias, 403, "/c/fleet?region=eu", agent, method);
      get(alias, 403, "/c/regional?region=eu", heartbeatOnly, method);
    }

    delete("deleteConfig", 409, "/api/configs/" + cpuId, owner);
    delete("deleteConfigGroup", 403, "/api/config-groups/fleet", viewer);
    delete("deleteConfigGroup", 204, "/api/config-groups/fleet", manager);
    delete("deleteConfigGroup", 404, "/api/config-groups/fleet", manager);
    delete("deleteConfig", 204, "/api/configs/" + cpuId, owner);
  }

  /** Labels, their assignment to agents and configs, and the ?label= filters (after agents and configs exist). */
  @Test
  @Order(7)
  void labels() {
    get("listLabels", 200, "/api/labels", viewer);
    get("listLabels", 403, "/api/labels", Credentials.bearer(heartbeatOnlyToken));
    pages("listLabels", "/api/labels", viewer);
    JsonObject label = new JsonObject().put("name", "lab").put("description", "the lab").put("color", "#12AB3c");
    String labelId = id(json("createLabel", 201, "POST", "/api/labels", manager, label));
    String otherId = id(json("createLabel", 201, "POST", "/api/labels", manager, new JsonObject().put("name", "o")));
    json("createLabel", 400, "POST", "/api/labels", manager, new JsonObject().put("name", "x").put("color", "red"));
    json("createLabel", 409, "POST", "/api/labels", manager, label);
    json("createLabel", 403, "POST", "/api/labels", viewer, label);
    send("createLabel", 415, "POST", "/api/labels", manager, "text/plain", "x");
    send("createLabel", 413, "POST", "/api/labels", manager, JSON, huge("name"));
    get("getLabel", 200, "/api/labels/" + labelId, viewer);
    get("getLabel", 404, "/api/labels/no-such-label", viewer);
    get("getLabel", 403, "/api/labels/" + labelId, Credentials.bearer(heartbeatOnlyToken));
    json("updateLabel", 200, "PATCH", "/api/labels/" + labelId, manager, new JsonObject().put("color", "#abcdef"));
    json("updateLabel", 400, "PATCH", "/api/labels/" + labelId, manager, new JsonObject().putNull("name"));
    json("updateLabel", 404, "PATCH", "/api/labels/no-such-label", manager, new JsonObject().put("name", "x"));
    json("updateLabel", 409, "PATCH", "/api/labels/" + otherId, manager, new JsonObject().put("name", "lab"));
    json("updateLabel", 403, "PATCH", "/api/labels/" + labelId, viewer, new JsonObject().put("name", "x"));
    send("updateLabel", 415, "PATCH", "/api/labels/" + labelId, manager, "text/plain", "x");
    send("updateLabel", 413, "PATCH", "/api/labels/" + labelId, manager, JSON, huge("name"));

    send("assignAgentLabel", 200, "PUT", "/api/agents/agent-1/labels/" + labelId, manager, null, null);
    send("assignAgentLabel", 404, "PUT", "/api/agents/no-such-agent/labels/" + labelId, manager, null, null);
    send("assignAgentLabel", 404, "PUT", "/api/agents/agent-1/labels/no-such-label", manager, null, null);
    send("assignAgentLabel", 403, "PUT", "/api/agents/agent-1/labels/" + labelId, viewer, null, null);
    get("getAgent", 200, "/api/agents/agent-1", viewer);
    get("listAgents", 200, "/api/agents?label=" + labelId + "&label=" + labelId, viewer);
    get("listAgents", 400, "/api/agents?label=", viewer);
    get("getAgentSummary", 200, "/api/agents/summary?label=" + labelId, viewer);
    get("getAgentSummary", 400, "/api/agents/summary?label=", viewer);
    delete("removeAgentLabel", 200, "/api/agents/agent-1/labels/" + labelId, manager);
    delete("removeAgentLabel", 404, "/api/agents/agent-1/labels/no-such-label", manager);
    delete("removeAgentLabel", 403, "/api/agents/agent-1/labels/" + labelId, viewer);
    JsonObject agents = new JsonObject().put("ids", new JsonArray().add("agent-1").add("no-such-agent"))
        .put("labelIds", new JsonArray().add(labelId).add(otherId));
    JsonObject unknownLabel = agents.copy().put("labelIds", new JsonArray().add("no-such-label"));
    for (String operation : List.of("bulkAssignAgentLabels", "bulkRemoveAgentLabels")) {
      String path = "/api/agents/bulk/labels/" + (operation.startsWith("bulkAssign") ? "assign" : "remove");
      json(operation, 200, "PUT", path, manager, agents);
      json(operation, 400, "PUT", path, manager, new JsonObject().put("ids", new JsonArray()));
      json(operation, 404, "PUT", path, manager, unknownLabel);
      json(operation, 403, "PUT", path, viewer, agents);
      send(operation, 415, "PUT", path, manager, "text/plain", "x");
      send(operation, 413, "PUT", path, manager, JSON, huge("ids"));
    }

    send("assignConfigLabel", 200, "POST", "/api/configs/" + configId + "/assign/" + labelId, manager, null, null);
    send("assignConfigLabel", 404, "POST", "/api/configs/no-such-config/assign/" + labelId, manager, null, null);
    send("assignConfigLabel", 403, "POST", "/api/configs/" + configId + "/assign/" + labelId, viewer, null, null);
    get("listConfigs", 200, "/api/configs?label=" + labelId, viewer);
    get("listConfigs", 400, "/api/configs?label=", viewer);
    get("getConfig", 200, "/api/configs/" + configId, viewer);
    delete("removeConfigLabel", 200, "/api/configs/" + configId + "/labels/" + labelId, manager);
    delete("removeConfigLabel", 404, "/api/configs/" + configId + "/labels/no-such-label", manager);
    delete("removeConfigLabel", 403, "/api/configs/" + configId + "/labels/" + labelId, viewer);
    JsonObject configs = new JsonObject().put("ids", new JsonArray().add(configId).add("no-such-config"))
        .put("labelIds", new JsonArray().add(labelId));
    for (String operation : List.of("bulkAssignConfigLabels", "bulkRemoveConfigLabels")) {
      String path = "/api/configs/bulk/labels/" + (operation.startsWith("bulkAssign") ? "assign" : "remove");
      json(operation, 200, "PUT", path, manager, configs);
      json(operation, 400, "PUT", path, manager, new JsonObject().put("ids", new JsonArray()));
      json(operation, 404, "PUT", path, manager, unknownLabel);
      json(operation, 403, "PUT", path, viewer, configs);
      send(operation, 415, "PUT", path, manager, "text/plain", "x");
      send(operation, 413, "PUT", path, manager, JSON, huge("ids"));
    }

    JsonObject ids = new JsonObject().put("ids", new JsonArray().add(otherId).add("no-such-label"));
    json("bulkDeleteLabels", 403, "DELETE", "/api/labels", viewer, ids);
    json("bulkDeleteLabels", 400, "DELETE", "/api/labels", manager, new JsonObject().put("ids", new JsonArray()));
    send("bulkDeleteLabels", 415, "DELETE", "/api/labels", manager, "text/plain", "x");
    send("bulkDeleteLabels", 413, "DELETE", "/api/labels", manager, JSON, huge("ids"));
    json("bulkDeleteLabels", 200, "DELETE", "/api/labels", manager, ids);
    delete("deleteLabel", 403, "/api/labels/" + labelId, viewer);
    delete("deleteLabel", 204, "/api/labels/" + labelId, manager);
    delete("deleteLabel", 404, "/api/labels/" + labelId, manager);
  }

  /** Constants, filled into a config's TOML, guarded while in use (after configs exist). */
  @Test
  @Order(7)
  void constants() {
    get("listConstants", 200, "/api/constants", viewer);
    get("listConstants", 403, "/api/constants", Credentials.bearer(heartbeatOnlyToken));
    pages("listConstants", "/api/constants", viewer);
    String usingId = id(json("createConfig", 201, "POST", "/api/configs", manager, new JsonObject()
        .put("name", "uses constants").put("toml", "[agent]\n  hostname = \"::{host}\"\n  interval = ::{every}\n")));
    get("downloadConfigToml", 400, "/api/configs/" + usingId + "/toml", Credentials.bearer(agentToken));
    get("headConfigToml", 400, "/api/configs/" + usingId + "/toml", Credentials.bearer(agentToken), "HEAD");
    JsonObject host = new JsonObject().put("name", "host").put("value", "web-01").put("description", "the host");
    String hostId = id(json("createConstant", 201, "POST", "/api/constants", manager, host));
    json("createConstant", 400, "POST", "/api/constants", manager, new JsonObject().put("name", "every")
        .put("value", "10 s"));
    json("createConstant", 400, "POST", "/api/constants", manager, new JsonObject().put("name", "1x")
        .put("value", "v"));
    String everyId = id(json("createConstant", 201, "POST", "/api/constants", manager, new JsonObject()
        .put("name", "every").put("value", "'10s'")));
    get("downloadConfigToml", 200, "/api/configs/" + usingId + "/toml", Credentials.bearer(agentToken));
    json("createConstant", 409, "POST", "/api/constants", manager, host);
    json("createConstant", 403, "POST", "/api/constants", viewer, host);
    send("createConstant", 415, "POST", "/api/constants", manager, "text/plain", "x");
    send("createConstant", 413, "POST", "/api/constants", manager, JSON, huge("value"));
    get("getConstant", 200, "/api/constants/" + hostId, viewer);
    get("getConstant", 404, "/api/constants/no-such-constant", viewer);
    get("getConstant", 403, "/api/constants/" + hostId, Credentials.bearer(heartbeatOnlyToken));
    json("updateConstant", 200, "PATCH", "/api/constants/" + hostId, manager, new JsonObject().put("value", "web-02"));
    json("updateConstant", 400, "PATCH", "/api/constants/" + hostId, manager, new JsonObject().put("value", "a\"b"));
    json("updateConstant", 400, "PATCH", "/api/constants/" + everyId, manager, new JsonObject().put("value", "#"));
    json("updateConstant", 404, "PATCH", "/api/constants/no-such-constant", manager,
        new JsonObject().put("value", "x"));
    json("updateConstant", 409, "PATCH", "/api/constants/" + hostId, manager, new JsonObject().put("name", "every"));
    json("updateConstant", 409, "PATCH", "/api/constants/" + hostId, manager, new JsonObject().put("name", "h"));
    json("updateConstant", 403, "PATCH", "/api/constants/" + hostId, viewer, new JsonObject().put("value", "x"));
    send("updateConstant", 415, "PATCH", "/api/constants/" + hostId, manager, "text/plain", "x");
    send("updateConstant", 413, "PATCH", "/api/constants/" + hostId, manager, JSON, huge("value"));
    delete("deleteConstant", 409, "/api/constants/" + hostId, manager);
    delete("deleteConstant", 403, "/api/constants/" + hostId, viewer);
    delete("deleteConfig", 204, "/api/configs/" + usingId, manager);
    delete("deleteConstant", 204, "/api/constants/" + hostId, manager);
    delete("deleteConstant", 404, "/api/constants/" + hostId, manager);
  }

  @Test
  @Order(8)
  void auditAndSettings() {
    get("listAuditEvents", 200, "/api/audit?limit=5&from=2020-01-01T00:00:00Z", owner);
    get("listAuditEvents", 400, "/api/audit?from=yesterday", owner);
    get("listAuditEvents", 401, "/api/audit", Credentials.NONE);
    get("listAuditEvents", 403, "/api/audit", manager);
    get("getSettings", 200, "/api/settings", Credentials.bearer(ownerToken));
    get("getSettings", 401, "/api/settings", Credentials.NONE);
    get("getSettings", 403, "/api/settings", viewer);
  }

  /** The version (public) and the metrics (metrics:read: owner and administrator only). */
  @Test
  @Order(9)
  void versionAndMetrics() {
    get("getVersion", 200, "/api/version", Credentials.NONE);
    get("getMetrics", 200, "/metrics", Credentials.bearer(ownerToken));
    get("getMetrics", 401, "/metrics", Credentials.NONE);
    get("getMetrics", 403, "/metrics", Credentials.bearer(managerToken));
  }

  /**
   * Two refusals every operation that lists them gives alike, whatever its route: a malformed request (two
   * Authorization headers, refused before any route) and, where credentials are needed, a request without them.
   */
  @Test
  @Order(10)
  void everyOperationRefusesMalformedAndAnonymousRequests() {
    for (String operationId : documented.operationIds()) {
      String method = documented.method(operationId);
      String path = replayPath(operationId);
      Set<Integer> statuses = documented.documentedStatuses(operationId);
      if (statuses.contains(400)) {
        send(operationId, 400, method, path, Credentials.header("Bearer one"), null, null,
            Map.of("Authorization", "Bearer two"));
      }
      if (statuses.contains(401) && !documented.isPublic(operationId)) {
        send(operationId, 401, method, path, Credentials.NONE, null, null);
      }
    }
  }

  /**
   * While the store is down, every operation that lists 503 answers it, with Retry-After: each request is one that
   * would otherwise succeed or reach the store (a valid body, a cached token), so the 503 comes from where the store
   * is needed, not from validation.
   */
  @Test
  @Order(11)
  void everyOperationAnswers503WhileTheStoreIsDown() {
    Assumptions.assumeTrue(stopStore(), "this store is not stopped by the test");
    try {
      Poll.until(Duration.ofSeconds(15), "ready turns 503",
          () -> TestGateway.get(gateway.api("/health/ready")).statusCode() == 503);
      Map<String, JsonObject> bodies = outageBodies();
      for (String operationId : documented.operationIds()) {
        if (!documented.documentedStatuses(operationId).contains(503)) {
          continue;
        }
        // A cached token passes without the store; logout, settings and metrics need nothing else, so they get a
        // session, which the store must resolve.
        Credentials as = documented.isPublic(operationId) ? Credentials.NONE
            : Set.of("logout", "getSettings", "getMetrics").contains(operationId) ? owner
            : operationId.equals("postHeartbeat") ? Credentials.bearer(agentToken)
            : Credentials.bearer(ownerToken);
        JsonObject body = bodies.get(operationId);
        send(operationId, 503, documented.method(operationId),
            replayPath(operationId), as, body == null ? null : JSON,
            body == null ? null : body.encode());
      }
    } finally {
      startStore();
    }
    Poll.until(Duration.ofSeconds(30), "ready turns 200 again",
        () -> TestGateway.get(gateway.api("/health/ready")).statusCode() == 200);
  }

  /**
   * The operation's path as the loops above send it: {@code {id}} names nothing, a version number is 1, and a
   * required query parameter has a valid value, so that only the store (or the credentials) can refuse it.
   */
  private String replayPath(String operationId) {
    String path = documented.path(operationId).replace("{n}", "1").replace("{a}", "1").replace("{b}", "1")
        .replaceAll("\\{[^}]+}", "no-such-id");
    return operationId.equals("pruneConfigVersions") ? path + "?keepLatest=1" : path;
  }

  /** Bodies that pass validation, so that only the store can refuse them. */
  private Map<String, JsonObject> outageBodies() {
    JsonObject ids = new JsonObject().put("ids", new JsonArray().add("no-such-id"));
    return Map.ofEntries(
        Map.entry("setupOwner", credentials("outage", PASSWORD)),
        Map.entry("loginLocal", credentials("outage", PASSWORD)),
        Map.entry("createUser", credentials("outage", PASSWORD).put("role", "viewer")),
        Map.entry("updateUser", new JsonObject().put("status", "active")),
        Map.entry("createToken", new JsonObject().put("name", "outage")),
        Map.entry("reassignToken", new JsonObject().put("userId", viewerId)),
        Map.entry("bulkRevokeTokens", ids),
        Map.entry("bulkDeleteTokens", ids),
        Map.entry("bulkReassignTokens", ids.copy().put("userId", viewerId)),
        Map.entry("postHeartbeat", new JsonObject().put("id", "outage").put("version", "Telegraf 1.39.3")),
        Map.entry("updateAgent", new JsonObject().putNull("reportingRuleId")),
        Map.entry("createLabel", new JsonObject().put("name", "outage")),
        Map.entry("updateLabel", new JsonObject().put("name", "outage")),
        Map.entry("bulkDeleteLabels", ids),
        Map.entry("bulkAssignAgentLabels", ids.copy().put("labelIds", new JsonArray().add("no-such-id"))),
        Map.entry("bulkRemoveAgentLabels", ids.copy().put("labelIds", new JsonArray().add("no-such-id"))),
        Map.entry("bulkAssignConfigLabels", ids.copy().put("labelIds", new JsonArray().add("no-such-id"))),
        Map.entry("bulkRemoveConfigLabels", ids.copy().put("labelIds", new JsonArray().add("no-such-id"))),
        Map.entry("createConstant", new JsonObject().put("name", "outage").put("value", "v")),
        Map.entry("updateConstant", new JsonObject().put("value", "v")),
        Map.entry("createConfig", new JsonObject().put("name", "outage").put("toml", "")),
        Map.entry("createConfigGroup", new JsonObject().put("name", "outage")),
        Map.entry("updateConfigGroup", new JsonObject().put("name", "outage")),
        Map.entry("updateConfig", new JsonObject().put("name", "outage")),
        Map.entry("createReportingRule", new JsonObject().put("name", "outage").put("notReportingAfterSeconds", 60)),
        Map.entry("updateReportingRule", new JsonObject().put("name", "outage")));
  }

  /** Last among the logins: it locks one user name out of this client address for 15 minutes. */
  @Test
  @Order(12)
  void loginLockout() {
    JsonObject guess = credentials("nobody", "not the password");
    for (int i = 0; i < 5; i++) {
      send("loginLocal", 401, "POST", "/api/auth/login/local", Credentials.NONE, JSON, guess.encode());
    }
    send("loginLocal", 429, "POST", "/api/auth/login/local", Credentials.NONE, JSON, guess.encode());
  }

  @Test
  @Order(13)
  void everyOperationOfTheDocumentWasReplayed() {
    Map<String, Set<Integer>> judged = documented.judged();
    List<String> missing = new ArrayList<>();
    for (String operationId : documented.operationIds()) {
      if (!judged.containsKey(operationId)) {
        missing.add(operationId + " (" + documented.describe(operationId) + ")");
      }
    }
    assertEquals(List.of(), missing, "operations of the document that no step replays");
    // Statuses the document allows that no step provoked (store outages, races): listed, not failed.
    List<String> unprovoked = new ArrayList<>();
    for (String operationId : judged.keySet()) {
      Set<Integer> left = new TreeSet<>(documented.documentedStatuses(operationId));
      left.removeAll(judged.get(operationId));
      if (!left.isEmpty()) {
        unprovoked.add(operationId + " " + left);
      }
    }
    LOG.info("documented statuses not replayed: " + unprovoked);
  }

  // --- requests, each answer judged against the document ---

  /** A listing asked a page at a time: its first page of one item, the page its cursor leads to, and refusals. */
  private void pages(String operationId, String path, Credentials as) {
    String cursor = new JsonObject(get(operationId, 200, path + "?limit=1", as).body()).getString("nextCursor");
    get(operationId, 200, path + (cursor == null ? "?limit=1000" : "?cursor=" + cursor), as);
    get(operationId, 400, path + "?limit=0", as);
    get(operationId, 400, path + "?cursor=elsewhere", as);
  }

  private HttpResponse<String> get(String operationId, int status, String path, Credentials as) {
    return get(operationId, status, path, as, "GET");
  }

  private HttpResponse<String> get(String operationId, int status, String path, Credentials as, String method) {
    return send(operationId, status, method, path, as, null, null);
  }

  private HttpResponse<String> delete(String operationId, int status, String path, Credentials as) {
    return send(operationId, status, "DELETE", path, as, null, null);
  }

  private HttpResponse<String> json(String operationId, int status, String method, String path, Credentials as,
      JsonObject body) {
    return send(operationId, status, method, path, as, JSON, body.encode());
  }

  private HttpResponse<String> heartbeat(int status, Credentials as, String contentType, String body) {
    return send("postHeartbeat", status, "POST", gateway.heartbeatListener("/agents/heartbeat"), as, contentType,
        body, Map.of());
  }

  private HttpResponse<String> send(String operationId, int status, String method, String path, Credentials as,
      String contentType, String body) {
    return send(operationId, status, method, path, as, contentType, body, Map.of());
  }

  private HttpResponse<String> send(String operationId, int status, String method, String path, Credentials as,
      String contentType, String body, Map<String, String> headers) {
    return send(operationId, status, method, gateway.api(path), as, contentType, body, headers);
  }

  private HttpResponse<String> send(String operationId, int status, String method, URI uri, Credentials as,
      String contentType, String body, Map<String, String> headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    if (as.authorization() != null) {
      request.header("Authorization", as.authorization());
    }
    if (as.cookie() != null) {
      request.header("Cookie", as.cookie());
    }
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    headers.forEach(request::header);
    HttpResponse<String> answer = TestGateway.send(request.build());
    assertEquals(status, answer.statusCode(), operationId + " " + method + " " + uri + ": " + answer.body());
    documented.check(operationId, answer);
    return answer;
  }

  // --- the team and its credentials, made through documented operations ---

  private static JsonObject credentials(String username, String password) {
    return new JsonObject().put("username", username).put("password", password);
  }

  private String user(String username, String role) {
    return id(json("createUser", 201, "POST", "/api/users", owner, credentials(username, PASSWORD).put("role", role)));
  }

  private Credentials login(String username) {
    return cookie(json("loginLocal", 200, "POST", "/api/auth/login/local", Credentials.NONE,
        credentials(username, PASSWORD)));
  }

  private String token(Credentials as, String name, Object permissions) {
    JsonObject body = new JsonObject().put("name", name);
    if (permissions != null) {
      body.put("permissions", permissions);
    }
    return new JsonObject(json("createToken", 201, "POST", "/api/tokens", as, body).body()).getString("token");
  }

  private String tokenId(Credentials as, String name) {
    return id(json("createToken", 201, "POST", "/api/tokens", as, new JsonObject().put("name", name)));
  }

  private static Credentials cookie(HttpResponse<String> answer) {
    String setCookie = answer.headers().firstValue("Set-Cookie").orElseThrow();
    return Credentials.session(setCookie.substring(0, setCookie.indexOf(';')));
  }

  private static String id(HttpResponse<String> answer) {
    return new JsonObject(answer.body()).getString("id");
  }

  /** A JSON body just over the 1 MiB limit, with one long string field. */
  private static String huge(String field) {
    return new JsonObject().put(field, "x".repeat(1_100_000)).encode();
  }
}
