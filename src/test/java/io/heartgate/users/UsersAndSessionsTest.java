package io.heartgate.users;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heartgate.http.SessionCookie;
import io.heartgate.settings.DatabaseUrl;
import io.heartgate.testsupport.Concurrently;
import io.heartgate.testsupport.Credentials;
import io.heartgate.testsupport.MovableClock;
import io.heartgate.testsupport.Reply;
import io.heartgate.testsupport.StoreKind;
import io.heartgate.testsupport.Team;
import io.heartgate.testsupport.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Users, sessions, login lockout, the audit log and masked settings, over HTTP, on both stores. */
class UsersAndSessionsTest {
  private static final String INVALID_LOGIN = "Invalid username or password";
  private static final String MISSING_HEADER = "Missing or invalid Authorization header";
  private static final List<String> VIEWER_PERMISSIONS =
      List.of("configs:read", "agents:read", "heartbeat:read", "reporting-rules:read", "labels:read",
          "constants:read", "config-groups:read");

  @TempDir
  Path tempDir;
  private TestGateway gateway;
  private Team team;

  private void start(StoreKind kind, String... flags) throws Exception {
    gateway = TestGateway.start(kind.freshStore(tempDir), flags);
  }

  private void startWithTeam(StoreKind kind, String... flags) throws Exception {
    start(kind, flags);
    team = Team.create(gateway);
  }

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  private Reply login(String username, String password) {
    return gateway.post("/api/auth/login/local", Credentials.NONE,
        new JsonObject().put("username", username).put("password", password));
  }

  private Reply setup(String username, String password) {
    return gateway.post("/api/auth/setup", Credentials.NONE,
        new JsonObject().put("username", username).put("password", password));
  }

  private Reply me(Credentials as) {
    return gateway.get("/api/auth/me", as);
  }

  private Reply patch(String path, Credentials as, JsonObject body) {
    return gateway.call("PATCH", path, as, body);
  }

  private Reply delete(String path, Credentials as) {
    return gateway.call("DELETE", path, as, null);
  }

  private Reply createUser(Credentials as, String username, String role) {
    return gateway.post("/api/users", as,
        new JsonObject().put("username", username).put("password", Team.PASSWORD).put("role", role));
  }

  private static Credentials cookieOf(Reply reply) {
    String setCookie = reply.header("set-cookie");
    assertNotNull(setCookie, "a session cookie is set: " + reply);
    assertTrue(setCookie.startsWith(SessionCookie.NAME + "="), setCookie);
    return Credentials.session(setCookie.substring(0, setCookie.indexOf(';')));
  }

  private static List<String> strings(JsonArray array) {
    return array.stream().map(Object::toString).collect(Collectors.toList());
  }

  private static void assertError(Reply reply, int status, String error, String message) {
    assertEquals(status, reply.status(), reply.toString());
    assertEquals(error, reply.error(), reply.toString());
    if (message != null) {
      assertEquals(message, reply.message(), reply.toString());
    }
  }

  private static void assertInvalidField(Reply reply, String field) {
    assertError(reply, 400, "invalid_request", null);
    JsonObject details = reply.json().getJsonObject("details");
    assertNotNull(details, "a validation error has details: " + reply);
    assertEquals(field, details.getString("field"), reply.toString());
  }

  private boolean statusSaysSetupRequired() {
    Reply status = gateway.get("/api/auth/status", Credentials.NONE);
    assertEquals(200, status.status(), status.toString());
    assertEquals(List.of("local"), strings(status.json().getJsonArray("providers")));
    return status.json().getBoolean("setupRequired");
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void setupCreatesTheOwnerOnceAndRefusesShortPasswords(StoreKind kind) throws Exception {
    start(kind);
    assertTrue(statusSaysSetupRequired(), "a fresh store needs setup");

    Reply shortPassword = setup("owner", "1234567");
    assertInvalidField(shortPassword, "password");
    assertNull(shortPassword.header("set-cookie"), "no session for a refused setup");
    assertTrue(statusSaysSetupRequired(), "a refused setup creates nothing");
    assertError(login("owner", "1234567"), 401, "unauthorized", INVALID_LOGIN);

    Reply created = setup("owner", Team.PASSWORD);
    assertEquals(201, created.status(), created.toString());
    assertEquals("owner", created.json().getString("username"));
    assertEquals("owner", created.json().getString("role"));
    assertEquals("active", created.json().getString("status"));
    assertFalse(created.body().contains("pbkdf2"), "never the password hash");
    Credentials owner = cookieOf(created);
    assertFalse(statusSaysSetupRequired(), "setup is done");

    assertError(setup("intruder", Team.PASSWORD), 409, "setup_complete", null);
    assertError(setup("owner", Team.PASSWORD), 409, "setup_complete", null);
    assertFalse(statusSaysSetupRequired());
    JsonArray users = gateway.get("/api/users", owner).json().getJsonArray("users");
    assertEquals(1, users.size(), "a second setup creates nothing: " + users);
    assertEquals(created.json().getString("id"), users.getJsonObject(0).getString("id"));
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void fiveFailedLoginsLockTheUser(StoreKind kind) throws Exception {
    start(kind);
    assertEquals(201, setup("owner", Team.PASSWORD).status());

    for (int attempt = 1; attempt <= 5; attempt++) {
      Reply wrong = login("owner", "wrong password " + attempt);
      assertError(wrong, 401, "unauthorized", INVALID_LOGIN);
      assertNull(wrong.header("set-cookie"), "no session after a failed login");
    }
    Reply locked = login("owner", Team.PASSWORD);
    assertError(locked, 429, "too_many_attempts", null);
    assertNull(locked.header("set-cookie"), "the right password does not get through a lock");
    String retryAfter = locked.header("Retry-After");
    assertNotNull(retryAfter, "429 carries Retry-After");
    assertTrue(retryAfter.matches("[0-9]+"), retryAfter);
    int seconds = Integer.parseInt(retryAfter);
    assertTrue(seconds > 0 && seconds <= 15 * 60, "locked for at most 15 minutes: " + seconds);

    assertError(login("nobody", Team.PASSWORD), 401, "unauthorized", INVALID_LOGIN);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void anExpiredLockCountsFailuresFromZeroAgain(StoreKind kind) throws Exception {
    MovableClock clock = new MovableClock();
    gateway = TestGateway.start(kind.freshStore(tempDir), clock);
    assertEquals(201, setup("owner", Team.PASSWORD).status());
    for (int attempt = 1; attempt <= 5; attempt++) {
      assertError(login("owner", "wrong password " + attempt), 401, "unauthorized", INVALID_LOGIN);
    }
    assertError(login("owner", Team.PASSWORD), 429, "too_many_attempts", null);

    // Fifteen minutes pass: the lock ends.
    clock.advance(Duration.ofMinutes(15).plusSeconds(1));

    assertError(login("owner", "one more typo"), 401, "unauthorized", INVALID_LOGIN);
    Reply afterOneFailure = login("owner", Team.PASSWORD);
    assertEquals(200, afterOneFailure.status(), "one failure after a lock ended is not five: " + afterOneFailure);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void sessionsSurviveARestartAndEndAtLogout(StoreKind kind) throws Exception {
    DatabaseUrl store = kind.freshStore(tempDir);
    gateway = TestGateway.start(store);
    Credentials fromSetup = cookieOf(setup("owner", Team.PASSWORD));
    Credentials session = Team.login(gateway, "owner");
    assertEquals(200, me(session).status());

    gateway.close();
    gateway = null;
    gateway = TestGateway.start(store);

    Reply afterRestart = me(session);
    assertEquals(200, afterRestart.status(), "the session survives a restart: " + afterRestart);
    assertEquals("owner", afterRestart.json().getJsonObject("user").getString("username"));
    assertEquals("owner", afterRestart.json().getString("role"));
    assertNull(afterRestart.json().getString("tokenId"));

    Reply logout = gateway.post("/api/auth/logout", session, null);
    assertEquals(204, logout.status(), logout.toString());
    assertError(me(session), 401, "unauthorized", MISSING_HEADER);
    assertEquals(200, me(fromSetup).status(), "logout ends only that session");
    assertError(gateway.post("/api/auth/logout", session, null), 401, "unauthorized", MISSING_HEADER);
  }

  // Today (issue 11, item 8): every other session keeps working after a password change.
  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aPasswordChangeEndsTheUsersOtherSessions(StoreKind kind) throws Exception {
    startWithTeam(kind);
    String ownerId = team.member("owner").id();
    Credentials ownerHere = team.session("owner");
    Credentials ownerElsewhere = Team.login(gateway, "owner");
    Credentials ownerToken = Credentials.bearer(team.token(ownerHere, "own", null).getString("token"));

    Reply changed = patch("/api/users/" + ownerId, ownerHere, new JsonObject().put("password", "a new passphrase"));
    assertEquals(200, changed.status(), changed.toString());
    assertEquals(200, me(ownerHere).status(), "the session that made the change stays");
    assertError(me(ownerElsewhere), 401, "unauthorized", MISSING_HEADER);
    assertError(login("owner", Team.PASSWORD), 401, "unauthorized", INVALID_LOGIN);
    Credentials ownerAgain = cookieOf(login("owner", "a new passphrase"));

    Credentials managerElsewhere = Team.login(gateway, "manager");
    Reply managerChanged = patch("/api/users/" + team.member("manager").id(), ownerHere,
        new JsonObject().put("password", "another passphrase"));
    assertEquals(200, managerChanged.status(), managerChanged.toString());
    assertError(me(team.session("manager")), 401, "unauthorized", MISSING_HEADER);
    assertError(me(managerElsewhere), 401, "unauthorized", MISSING_HEADER);
    assertEquals(200, me(ownerHere).status(), "another user's change leaves the owner's sessions alone");

    Reply byToken = patch("/api/users/" + ownerId, ownerToken, new JsonObject().put("password", "a third passphrase"));
    assertEquals(200, byToken.status(), byToken.toString());
    assertError(me(ownerHere), 401, "unauthorized", MISSING_HEADER);
    assertError(me(ownerAgain), 401, "unauthorized", MISSING_HEADER);
    assertEquals(200, me(ownerToken).status(), "tokens are not sessions: they stay");
  }

  // Today (issue 11, item 10): never Secure without TLS, whatever the proxy says.
  @Test
  void theSessionCookieIsSecureWhenATrustedProxySaysHttps() throws Exception {
    start(StoreKind.SQLITE, "--trusted-proxies", "127.0.0.1");
    String plain = setup("owner", Team.PASSWORD).header("set-cookie");
    assertCookieFlags(plain, false);
    assertCookieFlags(loginThroughProxy("https"), true);
    assertCookieFlags(loginThroughProxy("http"), false);
    gateway.close();
    gateway = null;

    start(StoreKind.SQLITE);
    Team.create(gateway);
    assertCookieFlags(loginThroughProxy("https"), false);
  }

  // Today: the session cookie had one name under HTTPS too, and the first cookie of that name won, so a page of a
  // neighbouring subdomain could plant its own session (Domain=.example.com) in an operator's browser: the console
  // then acted as the planter's user (cookie tossing). Under HTTPS the cookie is __Host-heartgate_session, which a
  // browser takes from this very host alone, and a cookie without the prefix is not read there.
  @Test
  void underHttpsTheSessionCookieIsHostOnlyAndATossedCookieIsNotRead() throws Exception {
    startWithTeam(StoreKind.SQLITE, "--trusted-proxies", "127.0.0.1");
    String secure = loginThroughProxy("https");
    assertTrue(secure.startsWith("__Host-heartgate_session="), secure);
    assertTrue(secure.contains("Path=/") && !secure.toLowerCase(Locale.ROOT).contains("domain="), secure);
    String victim = secure.substring(0, secure.indexOf(';'));
    String tossed = cookieOf(login("manager", Team.PASSWORD)).cookie();
    assertTrue(tossed.startsWith("heartgate_session="), tossed);

    HttpResponse<String> both = meThroughProxy("https", tossed + "; " + victim);
    assertEquals(200, both.statusCode(), both.body());
    assertEquals("owner", new JsonObject(both.body()).getJsonObject("user").getString("username"),
        "the host-only cookie, not the one planted before it");
    assertEquals(401, meThroughProxy("https", tossed).statusCode(), "a cookie without the prefix is not read");
    assertEquals(200, meThroughProxy("http", victim).statusCode(), "the host-only cookie is good everywhere");

    HttpResponse<String> logout = TestGateway.send(HttpRequest.newBuilder(gateway.api("/api/auth/logout"))
        .header("Cookie", victim).header("X-Forwarded-Proto", "https")
        .POST(HttpRequest.BodyPublishers.noBody()).build());
    assertEquals(204, logout.statusCode(), logout.body());
    String emptied = logout.headers().firstValue("set-cookie").orElseThrow();
    assertTrue(emptied.startsWith("__Host-heartgate_session=;") && emptied.contains("Max-Age=0")
        && emptied.contains("Secure"), emptied);
    assertEquals(401, meThroughProxy("https", victim).statusCode(), "signed out");
  }

  private HttpResponse<String> meThroughProxy(String proto, String cookies) {
    return TestGateway.send(HttpRequest.newBuilder(gateway.api("/api/auth/me")).header("Cookie", cookies)
        .header("X-Forwarded-Proto", proto).GET().build());
  }

  // Today: the requests that lost the race to the store's unique index answered 500.
  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void parallelSetupsAndCreationsOfOneNameGetOneSuccessAndConflicts(StoreKind kind) throws Exception {
    start(kind);
    List<Reply> setups = Concurrently.run(8, i -> setup("owner-" + i, Team.PASSWORD));
    assertEquals(1, setups.stream().filter(r -> r.status() == 201).count(), setups.toString());
    setups.stream().filter(r -> r.status() != 201)
        .forEach(r -> assertError(r, 409, "setup_complete", "An owner already exists"));

    Credentials owner = cookieOf(setups.stream().filter(r -> r.status() == 201).findFirst().orElseThrow());
    List<Reply> creations = Concurrently.run(8, i -> gateway.post("/api/users", owner, new JsonObject()
        .put("username", "twin").put("password", Team.PASSWORD).put("role", "viewer")));
    assertEquals(1, creations.stream().filter(r -> r.status() == 201).count(), creations.toString());
    creations.stream().filter(r -> r.status() != 201)
        .forEach(r -> assertError(r, 409, "username_conflict", "A user with this username already exists"));
    Reply users = gateway.get("/api/users", owner);
    assertEquals(2, users.json().getJsonArray("users").size(), users.toString());
  }

  // Today: a logout left no event, nor did an administrator's refused change or deletion of the owner (a helper's
  // probe); the product's audit log covers sign-out, and a refused attempt is what an owner most wants to see.
  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void logoutsAndRefusedChangesOfUsersAreAudited(StoreKind kind) throws Exception {
    startWithTeam(kind);
    String ownerId = team.member("owner").id();
    Credentials admin = team.session("administrator");
    assertEquals(403, gateway.call("PATCH", "/api/users/" + ownerId, admin, new JsonObject().put("status", "disabled"))
        .status());
    assertEquals(403, gateway.call("DELETE", "/api/users/" + ownerId, admin, null).status());
    assertEquals(403, gateway.post("/api/users", admin, new JsonObject().put("username", "second-admin")
        .put("password", Team.PASSWORD).put("role", "administrator")).status());
    assertEquals(204, gateway.post("/api/auth/logout", team.session("viewer"), null).status());

    List<String> events = gateway.get("/api/audit", team.session("owner")).json().getJsonArray("events").stream()
        .map(e -> (JsonObject) e).map(e -> e.getString("action") + " " + e.getString("outcome") + " "
            + e.getString("targetId")).toList();
    assertTrue(events.contains("user.update failure " + ownerId), events.toString());
    assertTrue(events.contains("user.delete failure " + ownerId), events.toString());
    assertTrue(events.contains("user.create failure null"), events.toString());
    assertTrue(events.contains("auth.logout success " + team.member("viewer").id()), events.toString());
  }

  // Today (a helper's probe): anyone could write any 64 characters into the audit log as a failed login's target,
  // markup and U+202E included, since no user could bear that name anyway.
  @Test
  void aFailedLoginAsANameNoUserCanBearIsAuditedWithoutIt() throws Exception {
    start(StoreKind.SQLITE);
    setup("owner", Team.PASSWORD);
    String forged = "<img src=x onerror=alert(1)>\u202eowner";
    assertEquals(401, login(forged, "wrong password 1").status());
    assertEquals(401, login("nobody.here", "wrong password 1").status());

    List<String> targets = gateway.get("/api/audit", Team.login(gateway, "owner")).json().getJsonArray("events")
        .stream().map(e -> (JsonObject) e).filter(e -> "auth.login".equals(e.getString("action")))
        .map(e -> e.getString("targetId")).toList();
    assertFalse(targets.contains(forged), targets.toString());
    assertTrue(targets.contains("(not a valid username)"), targets.toString());
    assertTrue(targets.contains("nobody.here"), "a name a user could bear is kept: " + targets);
  }

  // Today: the audit log recorded the proxy (127.0.0.1), where the login limits counted the client behind it.
  @Test
  void theAuditLogRecordsTheClientBehindATrustedProxy() throws Exception {
    start(StoreKind.SQLITE, "--trusted-proxies", "127.0.0.1");
    setup("owner", Team.PASSWORD);
    loginThroughProxy("https");

    Reply audit = gateway.get("/api/audit", Team.login(gateway, "owner"));
    assertEquals(200, audit.status(), audit.toString());
    List<String> logins = audit.json().getJsonArray("events").stream().map(e -> (JsonObject) e)
        .filter(e -> "auth.login".equals(e.getString("action"))).map(e -> e.getString("clientIp")).toList();
    assertTrue(logins.contains("198.51.100.9"), "the client the proxy appended: " + logins);
    assertFalse(logins.contains("10.9.9.9"), "not what the client wrote itself: " + logins);
  }

  private String loginThroughProxy(String proto) {
    HttpResponse<String> reply = TestGateway.send(HttpRequest.newBuilder(gateway.api("/api/auth/login/local"))
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json")
        .header("X-Forwarded-Proto", proto)
        .header("X-Forwarded-For", "10.9.9.9, 198.51.100.9")
        .POST(HttpRequest.BodyPublishers.ofString(
            new JsonObject().put("username", "owner").put("password", Team.PASSWORD).encode()))
        .build());
    assertEquals(200, reply.statusCode(), reply.body());
    return reply.headers().firstValue("set-cookie").orElseThrow();
  }

  private static void assertCookieFlags(String setCookie, boolean secure) {
    List<String> attributes = Arrays.stream(setCookie.split(";")).map(String::strip)
        .map(a -> a.toLowerCase(Locale.ROOT)).toList();
    assertTrue(attributes.contains("httponly"), setCookie);
    assertTrue(attributes.contains("samesite=lax") || attributes.contains("samesite=strict"), setCookie);
    assertEquals(secure, attributes.contains("secure"), setCookie);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void disabledUserIsRefusedAtOnceAndReenabledAtOnce(StoreKind kind) throws Exception {
    startWithTeam(kind);
    String managerId = team.member("manager").id();
    Credentials token = Credentials.bearer(team.token(team.session("manager"), "mgr", null).getString("token"));
    assertEquals(200, gateway.get("/api/tokens", token).status(), "works before (and is now cached)");
    assertEquals(200, gateway.get("/api/tokens", team.session("manager")).status());

    Reply disabled = patch("/api/users/" + managerId, team.session("owner"),
        new JsonObject().put("status", "disabled"));
    assertEquals(200, disabled.status(), disabled.toString());
    assertEquals("disabled", disabled.json().getString("status"));
    assertEquals("manager", disabled.json().getString("role"));

    assertError(gateway.get("/api/tokens", token), 401, "unauthorized", "Invalid token");
    assertError(me(token), 401, "unauthorized", "Invalid token");
    assertError(gateway.get("/api/tokens", team.session("manager")), 401, "unauthorized", null);
    assertError(login("manager", Team.PASSWORD), 401, "unauthorized", INVALID_LOGIN);

    Reply enabled = patch("/api/users/" + managerId, team.session("owner"),
        new JsonObject().put("status", "active"));
    assertEquals(200, enabled.status(), enabled.toString());
    assertEquals("active", enabled.json().getString("status"));
    assertEquals(200, gateway.get("/api/tokens", token).status(), "the token works again at once");
    assertEquals(200, me(Team.login(gateway, "manager")).status(), "and the user can log in again");
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void roleChangeReclampsStoredTokenPermissions(StoreKind kind) throws Exception {
    startWithTeam(kind);
    String managerId = team.member("manager").id();
    JsonObject full = team.token(team.session("manager"), "mgr-full", "full");
    assertEquals(23, full.getJsonArray("permissions").size(), full.toString());
    JsonObject tokensOnly = team.token(team.session("manager"), "mgr-tokens",
        List.of("tokens:read", "tokens:write"));
    Credentials fullToken = Credentials.bearer(full.getString("token"));
    assertEquals(200, gateway.get("/api/tokens", fullToken).status(), "works before (and is now cached)");

    Reply demoted = patch("/api/users/" + managerId, team.session("owner"), new JsonObject().put("role", "viewer"));
    assertEquals(200, demoted.status(), demoted.toString());
    assertEquals("viewer", demoted.json().getString("role"));

    Reply shown = gateway.get("/api/tokens/" + full.getString("id"), team.session("owner"));
    assertEquals(200, shown.status(), shown.toString());
    assertEquals(VIEWER_PERMISSIONS, strings(shown.json().getJsonArray("permissions")));
    assertEquals("active", shown.json().getString("state"));
    assertError(gateway.get("/api/tokens", fullToken), 403, "forbidden", "missing permission tokens:read");
    Reply meByToken = me(fullToken);
    assertEquals(200, meByToken.status(), meByToken.toString());
    assertEquals("viewer", meByToken.json().getString("role"));
    assertEquals(VIEWER_PERMISSIONS, strings(meByToken.json().getJsonArray("permissions")));

    Reply emptied = gateway.get("/api/tokens/" + tokensOnly.getString("id"), team.session("owner"));
    assertEquals("revoked", emptied.json().getString("state"), "nothing left after clamping: revoked " + emptied);
    assertEquals(team.member("owner").id(), emptied.json().getString("revokedBy"), "revoked by who changed the role");
    assertError(me(Credentials.bearer(tokensOnly.getString("token"))), 401, "unauthorized", "Invalid token");

    Reply promotedBack = patch("/api/users/" + managerId, team.session("owner"),
        new JsonObject().put("role", "manager"));
    assertEquals(200, promotedBack.status(), promotedBack.toString());
    assertEquals(VIEWER_PERMISSIONS, strings(gateway.get("/api/tokens/" + full.getString("id"),
        team.session("owner")).json().getJsonArray("permissions")), "the clamp is stored, not recomputed");
    assertError(gateway.get("/api/tokens", fullToken), 403, "forbidden", "missing permission tokens:read");
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void deletingAUserDeletesTheirTokens(StoreKind kind) throws Exception {
    startWithTeam(kind);
    String managerId = team.member("manager").id();
    JsonObject created = team.token(team.session("manager"), "mgr", null);
    Credentials token = Credentials.bearer(created.getString("token"));
    assertEquals(200, me(token).status(), "works before (and is now cached)");
    JsonObject ownerToken = team.token(team.session("owner"), "own", null);

    Reply deleted = delete("/api/users/" + managerId, team.session("owner"));
    assertEquals(204, deleted.status(), deleted.toString());
    assertEquals("", deleted.body());

    assertError(me(token), 401, "unauthorized", "Invalid token");
    assertError(me(team.session("manager")), 401, "unauthorized", null);
    List<String> listed = gateway.get("/api/tokens", team.session("owner")).json().getJsonArray("tokens").stream()
        .map(t -> ((JsonObject) t).getString("id")).toList();
    assertEquals(List.of(ownerToken.getString("id")), listed, "only the owner's token is left");
    assertError(gateway.get("/api/tokens/" + created.getString("id"), team.session("owner")), 404, "not_found", null);
    assertError(gateway.get("/api/users/" + managerId, team.session("owner")), 404, "not_found", null);
    assertError(delete("/api/users/" + managerId, team.session("owner")), 404, "not_found", null);
    assertError(login("manager", Team.PASSWORD), 401, "unauthorized", INVALID_LOGIN);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void onlyTheOwnerManagesAdministratorsAndTheOwnerStays(StoreKind kind) throws Exception {
    startWithTeam(kind);
    Credentials owner = team.session("owner");
    Credentials admin = team.session("administrator");
    String ownerId = team.member("owner").id();

    assertError(createUser(admin, "admin2", "administrator"), 403, "forbidden", null);
    Reply byOwner = createUser(owner, "admin2", "administrator");
    assertEquals(201, byOwner.status(), byOwner.toString());
    assertEquals("administrator", byOwner.json().getString("role"));
    assertEquals("active", byOwner.json().getString("status"));
    assertEquals("admin2", byOwner.json().getString("username"));
    assertNotNull(byOwner.json().getString("createdAt"));
    Reply managerByAdmin = createUser(admin, "manager2", "manager");
    assertEquals(201, managerByAdmin.status(), "an administrator may create a manager: " + managerByAdmin);

    assertError(patch("/api/users/" + ownerId, admin, new JsonObject().put("status", "disabled")),
        403, "forbidden", null);
    assertError(patch("/api/users/" + byOwner.json().getString("id"), admin,
        new JsonObject().put("role", "viewer")), 403, "forbidden", null);
    assertError(patch("/api/users/" + team.member("viewer").id(), admin,
        new JsonObject().put("role", "administrator")), 403, "forbidden", null);
    assertError(patch("/api/users/" + ownerId, owner, new JsonObject().put("role", "administrator")),
        409, "owner_required", null);
    assertError(patch("/api/users/" + ownerId, owner, new JsonObject().put("status", "disabled")),
        409, "owner_required", null);
    assertError(delete("/api/users/" + ownerId, owner), 409, "owner_required", null);
    assertError(delete("/api/users/" + ownerId, admin), 403, "forbidden", null);

    assertInvalidField(createUser(owner, "second-owner", "owner"), "role");
    assertInvalidField(patch("/api/users/" + team.member("viewer").id(), owner,
        new JsonObject().put("role", "owner")), "role");
    assertError(createUser(owner, "viewer", "viewer"), 409, "username_conflict", null);
    assertInvalidField(createUser(owner, "rooty", "root"), "role");

    Reply ownerNow = gateway.get("/api/users/" + ownerId, owner);
    assertEquals("owner", ownerNow.json().getString("role"));
    assertEquals("active", ownerNow.json().getString("status"));
    List<String> usernames = gateway.get("/api/users", owner).json().getJsonArray("users").stream()
        .map(u -> ((JsonObject) u).getString("username")).sorted().toList();
    assertEquals(List.of("admin2", "administrator", "manager", "manager2", "owner", "viewer"), usernames,
        "refused requests create nothing");
    assertError(gateway.get("/api/users", team.session("manager")), 403, "forbidden", "missing permission users:read");
  }

  /**
   * Today (the open list of earlier stops): an administrator could not change their own password, since every
   * change of an administrator was the owner's; it is no promotion. Their own role and status stay the owner's, and
   * so does their password for their tokens: one narrowed to users:write would win the role's every permission.
   */
  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void anAdministratorChangesTheirOwnPasswordButNotTheirRoleOrStatus(StoreKind kind) throws Exception {
    startWithTeam(kind);
    String adminId = team.member("administrator").id();
    Credentials adminHere = team.session("administrator");
    Credentials adminElsewhere = Team.login(gateway, "administrator");
    Reply admin2 = createUser(team.session("owner"), "admin2", "administrator");
    assertEquals(201, admin2.status(), admin2.toString());

    assertError(patch("/api/users/" + adminId, adminHere, new JsonObject().put("password", "a new passphrase")
        .put("role", "manager")), 403, "forbidden", null);
    assertError(patch("/api/users/" + adminId, adminHere, new JsonObject().put("status", "disabled")),
        403, "forbidden", null);
    assertError(patch("/api/users/" + admin2.json().getString("id"), adminHere,
        new JsonObject().put("password", "a new passphrase")), 403, "forbidden", null);
    Credentials adminToken = Credentials.bearer(team.token(adminHere, "narrow", List.of("users:write"))
        .getString("token"));
    assertError(patch("/api/users/" + adminId, adminToken, new JsonObject().put("password", "a new passphrase")),
        403, "forbidden", null);
    assertError(patch("/api/users/" + adminId, adminHere, new JsonObject()), 403, "forbidden", null);
    assertEquals(200, login("administrator", Team.PASSWORD).status(), "nothing refused changed anything");

    Reply changed = patch("/api/users/" + adminId, adminHere, new JsonObject().put("password", "a new passphrase"));
    assertEquals(200, changed.status(), changed.toString());
    assertEquals("administrator", changed.json().getString("role"));
    assertEquals(200, me(adminHere).status(), "the session that made the change stays");
    assertError(me(adminElsewhere), 401, "unauthorized", MISSING_HEADER);
    assertError(login("administrator", Team.PASSWORD), 401, "unauthorized", INVALID_LOGIN);
    assertEquals(200, login("administrator", "a new passphrase").status());
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void meShowsRoleAndEffectivePermissions(StoreKind kind) throws Exception {
    startWithTeam(kind);
    JsonObject agent = team.token(team.session("owner"), "agent", "telegraf-agent");
    Reply byToken = me(Credentials.bearer(agent.getString("token")));
    assertEquals(200, byToken.status(), byToken.toString());
    assertEquals("owner", byToken.json().getString("role"));
    assertEquals(List.of("configs:read", "heartbeat:write"), strings(byToken.json().getJsonArray("permissions")));
    assertEquals(agent.getString("id"), byToken.json().getString("tokenId"));
    assertEquals("owner", byToken.json().getJsonObject("user").getString("username"));
    assertEquals(team.member("owner").id(), byToken.json().getJsonObject("user").getString("id"));

    Reply ownerSession = me(team.session("owner"));
    assertEquals(30, ownerSession.json().getJsonArray("permissions").size(), ownerSession.toString());
    assertNull(ownerSession.json().getString("tokenId"));
    Reply viewerSession = me(team.session("viewer"));
    assertEquals("viewer", viewerSession.json().getString("role"));
    assertEquals(VIEWER_PERMISSIONS, strings(viewerSession.json().getJsonArray("permissions")));
    assertError(me(Credentials.NONE), 401, "unauthorized", MISSING_HEADER);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void failedLoginIsAudited(StoreKind kind) throws Exception {
    startWithTeam(kind);
    String userAgent = "UsersAndSessionsTest/1.0 (audit check)";
    HttpResponse<String> failed = TestGateway.send(HttpRequest.newBuilder(gateway.api("/api/auth/login/local"))
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json")
        .header("User-Agent", userAgent)
        .POST(HttpRequest.BodyPublishers.ofString(
            new JsonObject().put("username", "viewer").put("password", "not the password").encode()))
        .build());
    assertEquals(401, failed.statusCode(), failed.body());

    Reply audit = gateway.get("/api/audit", team.session("owner"));
    assertEquals(200, audit.status(), audit.toString());
    List<JsonObject> failures = audit.json().getJsonArray("events").stream().map(e -> (JsonObject) e)
        .filter(e -> "auth.login".equals(e.getString("action")) && "failure".equals(e.getString("outcome")))
        .toList();
    assertEquals(1, failures.size(), audit.toString());
    JsonObject event = failures.get(0);
    assertEquals("127.0.0.1", event.getString("clientIp"));
    assertEquals(userAgent, event.getString("userAgent"));
    assertEquals(team.member("viewer").id(), event.getString("targetId"));
    assertNotNull(Instant.parse(event.getString("at")));
    assertFalse(audit.body().contains("not the password"), "never the password");

    String later = Instant.now().plusSeconds(3600).toString();
    Reply future = gateway.get("/api/audit?from=" + later, team.session("owner"));
    assertEquals(200, future.status(), future.toString());
    assertEquals(0, future.json().getJsonArray("events").size(), "from filters: " + future);

    assertError(gateway.get("/api/audit", team.session("viewer")), 403, "forbidden", "missing permission audit:read");
    assertInvalidField(gateway.get("/api/audit?from=yesterday", team.session("owner")), "from");
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void settingsMaskSecrets(StoreKind kind) throws Exception {
    String sessionSecret = "S3ssionSecretForUsersAndSessionsTest-40c";
    assertEquals(40, sessionSecret.length());
    String ownerToken = "tc-apiv1_" + "5eed0fa1".repeat(8);
    startWithTeam(kind, "--session-secret", sessionSecret, "--owner-token", ownerToken);

    Reply settings = gateway.get("/api/settings", team.session("owner"));
    assertEquals(200, settings.status(), settings.toString());
    assertEquals("****", settings.json().getString("sessionSecret"));
    assertEquals("****", settings.json().getString("ownerToken"));
    assertFalse(settings.body().contains(sessionSecret), "the session secret never appears");
    assertFalse(settings.body().contains(ownerToken), "the owner token never appears");
    assertFalse(settings.body().contains("5eed0fa1"), "no part of the owner token appears");
    assertEquals(200, me(team.session("viewer")).status(), "sessions signed with the configured secret work");

    assertError(gateway.get("/api/settings", team.session("manager")), 403, "forbidden",
        "missing permission settings:read");
  }
}
