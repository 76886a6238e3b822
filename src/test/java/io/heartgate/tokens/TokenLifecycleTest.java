package io.heartgate.tokens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heartgate.testsupport.Credentials;
import io.heartgate.testsupport.ListingPages;
import io.heartgate.testsupport.MovableClock;
import io.heartgate.testsupport.Reply;
import io.heartgate.testsupport.StoreKind;
import io.heartgate.testsupport.Team;
import io.heartgate.testsupport.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** API tokens from creation to deletion, over HTTP, on both stores. */
class TokenLifecycleTest {
  @TempDir
  Path tempDir;
  private final MovableClock clock = new MovableClock();
  private TestGateway gateway;
  private Team team;

  private void start(StoreKind kind) throws Exception {
    gateway = TestGateway.start(kind.freshStore(tempDir), clock);
    team = Team.create(gateway);
  }

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  private Reply me(String token) {
    return gateway.get("/api/auth/me", Credentials.bearer(token));
  }

  private static List<String> permissions(JsonObject token) {
    return token.getJsonArray("permissions").stream().map(Object::toString).collect(Collectors.toList());
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void createUseRevokeRefusedOnTheVeryNextRequest(StoreKind kind) throws Exception {
    start(kind);
    JsonObject created = team.token(team.session("owner"), "ci", List.of("tokens:read", "configs:read"));
    String value = created.getString("token");
    assertTrue(value.matches("tc-apiv1_[0-9a-f]{64}"), value);
    assertEquals("api", created.getString("source"));
    assertEquals("active", created.getString("state"));
    assertEquals(List.of("configs:read", "tokens:read"), permissions(created));

    assertEquals(200, me(value).status(), "works on its very first request");
    assertEquals(200, gateway.get("/api/tokens", Credentials.tokenScheme(value)).status(), "Token scheme too");
    assertEquals(200, gateway.get("/api/tokens", Credentials.header("bEaReR " + value)).status(),
        "scheme is case-insensitive");

    Reply revoked = gateway.post("/api/tokens/" + created.getString("id") + "/revoke", team.session("owner"), null);
    assertEquals(200, revoked.status(), revoked.toString());
    assertEquals("revoked", revoked.json().getString("state"));
    assertNotNull(revoked.json().getString("revokedAt"));
    assertEquals(team.member("owner").id(), revoked.json().getString("revokedBy"));

    Reply refused = me(value);
    assertEquals(401, refused.status());
    assertEquals("Invalid token", refused.message());

    Reply again = gateway.post("/api/tokens/" + created.getString("id") + "/revoke", team.session("owner"), null);
    assertEquals(200, again.status(), "revoking twice is fine");
    assertEquals(revoked.json().getString("revokedAt"), again.json().getString("revokedAt"), "the first revocation stays");
    JsonArray listed = gateway.get("/api/tokens?state=revoked", team.session("owner")).json().getJsonArray("tokens");
    assertEquals(1, listed.size(), "the record is kept");
    assertFalse(listed.getJsonObject(0).containsKey("token"), "the value is never shown again");
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void reassignReclampsToTheNewOwnersRole(StoreKind kind) throws Exception {
    start(kind);
    JsonObject full = team.token(team.session("owner"), "full", "full");
    assertEquals(30, permissions(full).size());
    Reply moved = gateway.post("/api/tokens/" + full.getString("id") + "/reassign", team.session("administrator"),
        new JsonObject().put("userId", team.member("viewer").id()));
    assertEquals(200, moved.status(), moved.toString());
    assertEquals(List.of("configs:read", "agents:read", "heartbeat:read", "reporting-rules:read", "labels:read",
        "constants:read", "config-groups:read"), permissions(moved.json()));
    assertEquals("viewer", moved.json().getString("username"));
    assertEquals(403, gateway.get("/api/tokens", Credentials.bearer(full.getString("token"))).status(),
        "refused what the viewer cannot do, on the very next request");
    assertEquals(200, me(full.getString("token")).status());

    JsonObject usersOnly = team.token(team.session("owner"), "users-only", List.of("users:read"));
    Reply emptied = gateway.post("/api/tokens/" + usersOnly.getString("id") + "/reassign", team.session("owner"),
        new JsonObject().put("userId", team.member("manager").id()));
    assertEquals("revoked", emptied.json().getString("state"), "nothing left after clamping: revoked");
    assertEquals(401, me(usersOnly.getString("token")).status());

    Reply byManager = gateway.post("/api/tokens/" + full.getString("id") + "/reassign", team.session("manager"),
        new JsonObject().put("userId", team.member("manager").id()));
    assertEquals(403, byManager.status());
    Reply unknownUser = gateway.post("/api/tokens/" + full.getString("id") + "/reassign", team.session("owner"),
        new JsonObject().put("userId", "no-such-user"));
    assertEquals(404, unknownUser.status());

    // A disabled user: refused as such, every time (it was refused as a role "changed while the token was written").
    String disabled = Team.addUser(gateway, team.session("owner"), "disabled-manager", "manager").id();
    assertEquals(200, gateway.call("PATCH", "/api/users/" + disabled, team.session("owner"),
        new JsonObject().put("status", "disabled")).status());
    Reply toDisabled = gateway.post("/api/tokens/" + full.getString("id") + "/reassign", team.session("owner"),
        new JsonObject().put("userId", disabled));
    assertEquals(403, toDisabled.status(), toDisabled.toString());
    assertEquals("cannot reassign a token to a disabled user; enable the user first",
        toDisabled.json().getString("message"));
    assertEquals("viewer", gateway.get("/api/tokens/" + full.getString("id"), team.session("owner")).json()
        .getString("username"), "left where it was");
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void expiredTokenIsRefusedWithTokenExpired(StoreKind kind) throws Exception {
    start(kind);
    String expiresAt = clock.instant().plusSeconds(60).toString();
    Reply created = gateway.post("/api/tokens", team.session("owner"),
        new JsonObject().put("name", "short-lived").put("expiresAt", expiresAt));
    assertEquals(201, created.status(), created.toString());
    String value = created.json().getString("token");
    assertEquals(200, me(value).status(), "usable before it expires (and now cached)");
    assertFalse(created.json().getBoolean("expired"));

    clock.advance(Duration.ofSeconds(61));
    assertEquals(401, me(value).status(), "refused once the clock passes expiresAt, though cached");
    assertEquals("Token expired", me(value).message());
    JsonObject listed = gateway.get("/api/tokens/" + created.json().getString("id"), team.session("owner")).json();
    assertTrue(listed.getBoolean("expired"));
    assertEquals("active", listed.getString("state"));
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void deleteIsPermanent(StoreKind kind) throws Exception {
    start(kind);
    JsonObject created = team.token(team.session("manager"), "mine", null);
    Reply deleted = gateway.call("DELETE", "/api/tokens/" + created.getString("id"), team.session("manager"), null);
    assertEquals(204, deleted.status());
    assertEquals(401, me(created.getString("token")).status());
    assertEquals(404, gateway.get("/api/tokens/" + created.getString("id"), team.session("owner")).status());
    assertEquals(404, gateway.call("DELETE", "/api/tokens/" + created.getString("id"), team.session("owner"), null)
        .status());
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void bulkOperationsReportEachId(StoreKind kind) throws Exception {
    start(kind);
    JsonObject mine = team.token(team.session("manager"), "m1", null);
    JsonObject owners = team.token(team.session("owner"), "o1", null);
    Reply revoke = gateway.post("/api/tokens/bulk/revoke", team.session("manager"), new JsonObject()
        .put("ids", new JsonArray().add(mine.getString("id")).add(owners.getString("id")).add("nope")));
    assertEquals(200, revoke.status(), revoke.toString());
    assertEquals(new JsonArray()
            .add(new JsonObject().put("id", mine.getString("id")).put("status", "ok"))
            .add(new JsonObject().put("id", owners.getString("id")).put("status", "not_found"))
            .add(new JsonObject().put("id", "nope").put("status", "not_found")),
        revoke.json().getJsonArray("results"));
    assertEquals(401, me(mine.getString("token")).status());
    assertEquals(200, me(owners.getString("token")).status(), "a manager cannot touch others' tokens");

    JsonObject a = team.token(team.session("owner"), "a", null);
    JsonObject b = team.token(team.session("owner"), "b", null);
    Reply reassign = gateway.post("/api/tokens/bulk/reassign", team.session("owner"), new JsonObject()
        .put("ids", new JsonArray().add(a.getString("id")).add(b.getString("id")))
        .put("userId", team.member("manager").id()));
    assertEquals(List.of("ok", "ok"), reassign.json().getJsonArray("results").stream()
        .map(r -> ((JsonObject) r).getString("status")).toList());
    assertEquals(403, gateway.get("/api/users", Credentials.bearer(a.getString("token"))).status(),
        "clamped to manager");

    Reply delete = gateway.post("/api/tokens/bulk/delete", team.session("owner"), new JsonObject()
        .put("ids", new JsonArray().add(a.getString("id")).add(b.getString("id"))));
    assertEquals(200, delete.status());
    assertEquals(401, me(a.getString("token")).status());
    assertEquals(401, me(b.getString("token")).status());
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void presharedValuesAndNamesConflict(StoreKind kind) throws Exception {
    start(kind);
    String raw = "tc-apiv1_" + "0123456789abcdef".repeat(4);
    Reply created = gateway.post("/api/tokens", team.session("owner"),
        new JsonObject().put("name", "shared").put("rawToken", raw).put("permissions", "telegraf-agent"));
    assertEquals(201, created.status(), created.toString());
    assertEquals(raw, created.json().getString("token"));
    assertEquals("preshared", created.json().getString("source"));
    assertEquals(List.of("configs:read", "heartbeat:write"), permissions(created.json()));
    assertEquals(200, me(raw).status(), "a pre-shared token works at once");

    Reply sameValue = gateway.post("/api/tokens", team.session("owner"),
        new JsonObject().put("name", "other").put("rawToken", raw));
    assertEquals(409, sameValue.status());
    assertEquals("token_value_conflict", sameValue.error());
    Reply sameName = gateway.post("/api/tokens", team.session("owner"), new JsonObject().put("name", "shared"));
    assertEquals(409, sameName.status());
    assertEquals("token_name_conflict", sameName.error());
    assertEquals(1, gateway.get("/api/tokens", team.session("owner")).json().getJsonArray("tokens").size(),
        "conflicts change nothing");
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void tokenCreatedThroughATokenNeverExceedsIt(StoreKind kind) throws Exception {
    start(kind);
    String parent = team.token(team.session("owner"), "parent", List.of("tokens:write", "configs:read"))
        .getString("token");
    Reply full = gateway.post("/api/tokens", Credentials.bearer(parent), new JsonObject().put("name", "child"));
    assertEquals(201, full.status(), full.toString());
    assertEquals(List.of("configs:read", "tokens:write"), permissions(full.json()), "full = what the parent holds");
    Reply wider = gateway.post("/api/tokens", Credentials.bearer(parent),
        new JsonObject().put("name", "wider").put("permissions", new JsonArray().add("users:write")));
    assertEquals(403, wider.status());
    assertEquals("cannot grant permission users:write: you do not hold it", wider.message());
    Reply managerWide = gateway.post("/api/tokens", team.session("manager"),
        new JsonObject().put("name", "mgr").put("permissions", new JsonArray().add("users:read")));
    assertEquals(403, managerWide.status(), "a manager cannot mint user-management permissions");
  }

  // The listing is written 500 tokens at a time: read whole, a million tokens (a fleet of a token per agent) would
  // not fit in the heap the README recommends for them.
  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void theListingSpansPagesOldestFirstThenByNameEachTokenOnce(StoreKind kind) throws Exception {
    start(kind);
    clock.freeze();
    Credentials manager = team.session("manager");
    List<String> expected = new java.util.ArrayList<>();
    List<String> revoked = new java.util.ArrayList<>();
    for (int minute = 0; minute < 3; minute++) {
      List<String> sameTime = new java.util.ArrayList<>();
      for (int i = 399; i >= 0; i--) {
        JsonObject token = team.token(manager, String.format("m%d-%03d", 2 - minute, i), List.of("agents:read"));
        sameTime.add(0, token.getString("id"));
        if (i % 97 == 0) {
          assertEquals(200, gateway.post("/api/tokens/" + token.getString("id") + "/revoke", manager, null).status());
        }
      }
      expected.addAll(sameTime);
      clock.advance(Duration.ofMinutes(1));
    }
    JsonObject ownerToken = team.token(team.session("owner"), "owner's", null);
    for (String id : expected) {
      if (Integer.parseInt(gateway.get("/api/tokens/" + id, manager).json().getString("name").substring(3)) % 97 == 0) {
        revoked.add(id);
      }
    }
    assertSameList(expected, ids("/api/tokens", manager), "1,200 tokens in three minutes: by time, then by name");
    assertSameList(revoked, ids("/api/tokens?state=revoked", manager), "revoked");
    List<String> all = new java.util.ArrayList<>(expected);
    all.add(ownerToken.getString("id"));
    assertSameList(all, ids("/api/tokens", team.session("administrator")), "an administrator sees every token");
    assertSameList(expected, ids("/api/tokens?userId=" + team.member("manager").id(), team.session("owner")),
        "by owner");
    assertEquals(List.of(), ids("/api/tokens?userId=" + team.member("owner").id(), manager), "not another's");

    // The same listing asked a page at a time, as the console asks for it: a million tokens do not fit a browser.
    assertSameList(expected, pagedIds("/api/tokens", manager, 7), "7 at a time");
    assertSameList(expected, pagedIds("/api/tokens", manager, 400), "a page ends where a minute's tokens end");
    assertSameList(revoked, pagedIds("/api/tokens?state=revoked", manager, 3), "revoked, 3 at a time");
    assertSameList(all, pagedIds("/api/tokens", team.session("owner"), 1000), "two pages of an owner");
    String cursor = gateway.get("/api/tokens?limit=1", team.session("owner")).json().getString("nextCursor");
    assertSameList(expected.subList(1, 6), ids("/api/tokens?limit=5&cursor=" + cursor, manager),
        "an owner's cursor gives a manager only their tokens");
    assertEquals(List.of(), ids("/api/tokens?limit=5&userId=" + team.member("owner").id(), manager),
        "not another's, a page at a time either");
    ListingPages.refusesWhatIsNoPage(gateway, "/api/tokens", manager);
  }

  /** The ids of a listing read {@code limit} at a time along its {@code nextCursor}s. */
  private List<String> pagedIds(String path, Credentials as, int limit) {
    return ListingPages.ids(ListingPages.read(gateway, path, "tokens", as, limit));
  }

  private static void assertSameList(List<String> expected, List<String> actual, String message) {
    int first = 0;
    while (first < Math.min(expected.size(), actual.size()) && expected.get(first).equals(actual.get(first))) {
      first++;
    }
    assertEquals(expected.size() + " ids, first difference at " + expected.size(),
        actual.size() + " ids, first difference at " + first, message);
  }

  private List<String> ids(String path, Credentials as) {
    Reply listed = gateway.get(path, as);
    assertEquals(200, listed.status(), listed.toString());
    return listed.json().getJsonArray("tokens").stream().map(t -> ((JsonObject) t).getString("id")).toList();
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void visibilityOwnerAndAdministratorSeeAllManagerOnlyOwn(StoreKind kind) throws Exception {
    start(kind);
    JsonObject ownerToken = team.token(team.session("owner"), "o", null);
    JsonObject managerToken = team.token(team.session("manager"), "m", null);
    assertEquals(2, gateway.get("/api/tokens", team.session("administrator")).json().getJsonArray("tokens").size());
    JsonArray managerView = gateway.get("/api/tokens", team.session("manager")).json().getJsonArray("tokens");
    assertEquals(1, managerView.size());
    assertEquals(managerToken.getString("id"), managerView.getJsonObject(0).getString("id"));
    assertEquals(404, gateway.get("/api/tokens/" + ownerToken.getString("id"), team.session("manager")).status());
    assertEquals(1, gateway.get("/api/tokens?userId=" + team.member("manager").id(), team.session("owner")).json()
        .getJsonArray("tokens").size());
    assertEquals(403, gateway.get("/api/tokens", team.session("viewer")).status());
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void lastUsedAtIsRecordedOffTheRequestPathAndKeptAtShutdown(StoreKind kind) throws Exception {
    io.heartgate.settings.DatabaseUrl store = kind.freshStore(tempDir);
    gateway = TestGateway.start(store, clock);
    team = Team.create(gateway);
    JsonObject created = team.token(team.session("owner"), "used", null);
    assertNull(created.getString("lastUsedAt"));
    // Later than any real time the test reaches (sessions, 12 hours, stay valid): uses are stamped by the clock.
    clock.advance(Duration.ofHours(1));
    long before = clock.millis();
    assertEquals(200, me(created.getString("token")).status());
    assertNull(gateway.get("/api/tokens/" + created.getString("id"), team.session("owner")).json()
        .getString("lastUsedAt"), "not written on the request path");

    gateway.close();
    gateway = TestGateway.start(store, clock);
    String lastUsed = gateway.get("/api/tokens/" + created.getString("id"), Credentials.bearer(created.getString("token")))
        .json().getString("lastUsedAt");
    assertNotNull(lastUsed, "the pending batch was written when the node stopped");
    assertTrue(Instant.parse(lastUsed).toEpochMilli() >= before - 1, lastUsed);
  }
}
