package io.heartgate.tokens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heartgate.auth.Permissions;
import io.heartgate.auth.TokenFormat;
import io.heartgate.settings.DatabaseUrl;
import io.heartgate.settings.InvalidSettingException;
import io.heartgate.testsupport.Credentials;
import io.heartgate.testsupport.Reply;
import io.heartgate.testsupport.StoreKind;
import io.heartgate.testsupport.Team;
import io.heartgate.testsupport.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * OWNER_TOKEN (--owner-token), re-evaluated at every start as the product notes §3 say, over HTTP, on both
 * stores. A restart is a new node on the same store with other flags.
 */
class OwnerTokenBootstrapTest {
  private static final String[] OWNER = {"--owner-username", "owner", "--owner-password", Team.PASSWORD};

  @TempDir
  Path tempDir;
  private DatabaseUrl store;
  private TestGateway gateway;

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
      gateway = null;
    }
  }

  /** Stops the running node, if any, and starts a new one on the same store with these flags. */
  private void start(String... flags) throws Exception {
    stop();
    gateway = TestGateway.start(store, flags);
  }

  private void startWithOwner(String... moreFlags) throws Exception {
    List<String> flags = new ArrayList<>(List.of(OWNER));
    flags.addAll(List.of(moreFlags));
    start(flags.toArray(String[]::new));
  }

  private void fresh(StoreKind kind) {
    store = kind.freshStore(tempDir);
  }

  private Reply me(String token) {
    return gateway.get("/api/auth/me", Credentials.bearer(token));
  }

  private Credentials ownerSession() {
    return Team.login(gateway, "owner");
  }

  /** Every token, as the owner sees them. */
  private List<JsonObject> tokens() {
    Reply listed = gateway.get("/api/tokens", ownerSession());
    assertEquals(200, listed.status(), listed.toString());
    return listed.json().getJsonArray("tokens").stream().map(t -> (JsonObject) t).collect(Collectors.toList());
  }

  private static List<JsonObject> bootstrapTokens(List<JsonObject> tokens) {
    return tokens.stream().filter(t -> "bootstrap".equals(t.getString("source"))).toList();
  }

  private static JsonObject only(List<JsonObject> tokens) {
    assertEquals(1, tokens.size(), tokens.toString());
    return tokens.get(0);
  }

  private void assertReady() {
    HttpResponse<String> ready = TestGateway.get(gateway.api("/health/ready"));
    assertEquals(200, ready.statusCode(), ready.body());
    assertEquals(new JsonObject().put("ready", true), new JsonObject(ready.body()));
  }

  private static List<String> strings(JsonObject object, String field) {
    return object.getJsonArray(field).stream().map(Object::toString).toList();
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void withoutAnOwnerTheTokenOnlyWarnsAndDoesNotWork(StoreKind kind) throws Exception {
    fresh(kind);
    String value = TokenFormat.generate();
    start("--owner-token", value);
    assertReady();
    Reply refused = me(value);
    assertEquals(401, refused.status(), refused.toString());
    assertEquals("Invalid token", refused.message());
    assertEquals(true, gateway.get("/api/auth/status", Credentials.NONE).json().getBoolean("setupRequired"),
        "the token did not create an owner either");

    Reply setup = gateway.post("/api/auth/setup", Credentials.NONE,
        new JsonObject().put("username", "owner").put("password", Team.PASSWORD));
    assertEquals(201, setup.status(), setup.toString());
    assertEquals(List.of(), tokens(), "nothing was provisioned without an owner");
    assertEquals(401, me(value).status(), "setup alone does not provision it; the next start does");

    start("--owner-token", value);
    assertEquals(200, me(value).status(), "provisioned at the first start with an owner");
    assertEquals("bootstrap-token", only(bootstrapTokens(tokens())).getString("name"));
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void withAnOwnerTheTokenHasFullOwnerAccessAndIsListedAsBootstrap(StoreKind kind) throws Exception {
    fresh(kind);
    String value = TokenFormat.generate();
    startWithOwner("--owner-token", value);

    Reply me = me(value);
    assertEquals(200, me.status(), me.toString());
    assertEquals("owner", me.json().getString("role"));
    assertEquals("owner", me.json().getJsonObject("user").getString("username"));
    assertEquals(Permissions.ALL, strings(me.json(), "permissions"), "full owner permissions");
    String tokenId = me.json().getString("tokenId");
    assertNotNull(tokenId);

    for (Credentials as : List.of(Credentials.bearer(value), ownerSession())) {
      Reply listed = gateway.get("/api/tokens", as);
      assertEquals(200, listed.status(), listed.toString());
      JsonObject token = only(listed.json().getJsonArray("tokens").stream().map(t -> (JsonObject) t).toList());
      assertEquals(tokenId, token.getString("id"));
      assertEquals("bootstrap-token", token.getString("name"));
      assertEquals("bootstrap", token.getString("source"));
      assertEquals("active", token.getString("state"));
      assertEquals("owner", token.getString("username"));
      assertNull(token.getString("expiresAt"), "never expires");
      assertEquals(false, token.getBoolean("expired"));
      assertEquals(Permissions.ALL, strings(token, "permissions"));
      assertTrue(!token.containsKey("token") && !token.encode().contains(value), "never the value");
    }
    assertEquals(200, gateway.get("/api/users", Credentials.bearer(value)).status(), "owner-only areas too");
    assertEquals(200, gateway.get("/api/settings", Credentials.bearer(value)).status());
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void theSameValueOnRestartChangesNothing(StoreKind kind) throws Exception {
    fresh(kind);
    String value = TokenFormat.generate();
    startWithOwner("--owner-token", value);
    JsonObject before = only(tokens());

    startWithOwner("--owner-token", value);
    JsonObject after = only(tokens());
    assertEquals(before.getString("id"), after.getString("id"), "the same record");
    assertEquals(before.getString("createdAt"), after.getString("createdAt"));
    assertEquals("active", after.getString("state"));
    assertEquals("bootstrap-token", after.getString("name"));
    assertEquals(200, me(value).status());

    start("--owner-token", value);
    assertEquals(before.getString("id"), only(tokens()).getString("id"), "a third start changes nothing either");
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aChangedValueProvisionsTheNewTokenAndRevokesTheOld(StoreKind kind) throws Exception {
    fresh(kind);
    String oldValue = TokenFormat.generate();
    String newValue = TokenFormat.generate();
    startWithOwner("--owner-token", oldValue);
    String oldId = me(oldValue).json().getString("tokenId");

    startWithOwner("--owner-token", newValue);
    Reply works = me(newValue);
    assertEquals(200, works.status(), works.toString());
    assertEquals(Permissions.ALL, strings(works.json(), "permissions"));
    Reply refused = me(oldValue);
    assertEquals(401, refused.status(), refused.toString());
    assertEquals("Invalid token", refused.message());

    List<JsonObject> bootstrap = bootstrapTokens(tokens());
    assertEquals(2, bootstrap.size(), bootstrap.toString());
    JsonObject old = bootstrap.stream().filter(t -> t.getString("id").equals(oldId)).findFirst().orElseThrow();
    assertEquals("revoked", old.getString("state"), "the old record is kept, revoked");
    assertNotNull(old.getString("revokedAt"));
    JsonObject current = bootstrap.stream().filter(t -> !t.getString("id").equals(oldId)).findFirst().orElseThrow();
    assertEquals(works.json().getString("tokenId"), current.getString("id"));
    assertEquals("active", current.getString("state"));
    assertTrue(current.getString("name").startsWith("bootstrap-token"), current.toString());
    assertNotEquals(old.getString("name"), current.getString("name"), "names stay unique");
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void removingTheVariableKeepsTheToken(StoreKind kind) throws Exception {
    fresh(kind);
    String value = TokenFormat.generate();
    startWithOwner("--owner-token", value);
    String id = only(tokens()).getString("id");

    start();
    assertEquals(200, me(value).status(), "the current bootstrap token keeps working");
    JsonObject kept = only(tokens());
    assertEquals(id, kept.getString("id"));
    assertEquals("active", kept.getString("state"));
    assertEquals("bootstrap", kept.getString("source"));
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aTokenRevokedByHandStaysRevoked(StoreKind kind) throws Exception {
    fresh(kind);
    String value = TokenFormat.generate();
    startWithOwner("--owner-token", value);
    String id = only(tokens()).getString("id");
    Reply revoked = gateway.post("/api/tokens/" + id + "/revoke", ownerSession(), null);
    assertEquals(200, revoked.status(), revoked.toString());
    assertEquals(401, me(value).status());

    startWithOwner("--owner-token", value);
    Reply refused = me(value);
    assertEquals(401, refused.status(), "stays revoked after a restart with the same value");
    assertEquals("Invalid token", refused.message());
    JsonObject record = only(tokens());
    assertEquals(id, record.getString("id"), "no new bootstrap token");
    assertEquals("revoked", record.getString("state"));
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aTokenDeletedByHandIsRecreatedAtTheNextStart(StoreKind kind) throws Exception {
    fresh(kind);
    String value = TokenFormat.generate();
    startWithOwner("--owner-token", value);
    String id = only(tokens()).getString("id");
    Reply deleted = gateway.call("DELETE", "/api/tokens/" + id, ownerSession(), null);
    assertEquals(204, deleted.status(), deleted.toString());
    assertEquals(401, me(value).status());
    assertEquals(List.of(), tokens());

    startWithOwner("--owner-token", value);
    Reply works = me(value);
    assertEquals(200, works.status(), works.toString());
    JsonObject recreated = only(tokens());
    assertNotEquals(id, recreated.getString("id"), "a new record");
    assertEquals(works.json().getString("tokenId"), recreated.getString("id"));
    assertEquals("bootstrap-token", recreated.getString("name"));
    assertEquals("bootstrap", recreated.getString("source"));
    assertEquals("active", recreated.getString("state"));
  }

  /** A malformed value is a setting that cannot be used: start-up stops (exit code 2 from Main), naming the flag. */
  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aMalformedValueStopsStartUp(StoreKind kind) throws Exception {
    fresh(kind);
    String almost = "tc-apiv1_" + "ABCDEF0123456789".repeat(4);
    for (String malformed : List.of("not-a-token", almost)) {
      InvalidSettingException refused = assertThrows(InvalidSettingException.class,
          () -> startWithOwner("--owner-token", malformed));
      assertEquals("invalid --owner-token: not an API token; expected tc-apiv1_ followed by 64 lowercase hex "
          + "characters", refused.getMessage(), "upper-case hex is malformed too");
    }
    startWithOwner();
    assertEquals(List.of(), tokens(), "nothing provisioned");
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void theValueOfAnExistingNormalTokenIsLeftAlone(StoreKind kind) throws Exception {
    fresh(kind);
    String value = TokenFormat.generate();
    startWithOwner();
    Reply created = gateway.post("/api/tokens", ownerSession(), new JsonObject().put("name", "agents")
        .put("rawToken", value).put("permissions", "telegraf-agent"));
    assertEquals(201, created.status(), created.toString());

    startWithOwner("--owner-token", value);
    assertReady();
    JsonObject record = only(tokens());
    assertEquals(created.json().getString("id"), record.getString("id"));
    assertEquals("agents", record.getString("name"));
    assertEquals("preshared", record.getString("source"), "still pre-shared");
    assertEquals("active", record.getString("state"));
    assertEquals(List.of("configs:read", "heartbeat:write"), strings(record, "permissions"));
    Reply me = me(value);
    assertEquals(200, me.status());
    assertEquals(List.of("configs:read", "heartbeat:write"), strings(me.json(), "permissions"),
        "not widened to full access");
    assertEquals(403, gateway.get("/api/tokens", Credentials.bearer(value)).status());

    startWithOwner("--owner-token", value);
    assertEquals(List.of(), bootstrapTokens(tokens()), "not on a second start either");
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aTakenNameGetsASuffix(StoreKind kind) throws Exception {
    fresh(kind);
    String value = TokenFormat.generate();
    startWithOwner();
    Reply normal = gateway.post("/api/tokens", ownerSession(), new JsonObject().put("name", "bootstrap-token"));
    assertEquals(201, normal.status(), normal.toString());

    startWithOwner("--owner-token", value);
    assertEquals(200, me(value).status());
    List<JsonObject> all = tokens();
    assertEquals(2, all.size(), all.toString());
    JsonObject bootstrap = only(bootstrapTokens(all));
    assertEquals("bootstrap-token-1", bootstrap.getString("name"));
    assertEquals("active", bootstrap.getString("state"));
    JsonObject untouched = all.stream().filter(t -> t.getString("id").equals(normal.json().getString("id")))
        .findFirst().orElseThrow();
    assertEquals("bootstrap-token", untouched.getString("name"));
    assertEquals("api", untouched.getString("source"));
    assertEquals("active", untouched.getString("state"));
    assertEquals(200, me(normal.json().getString("token")).status());
  }
}
