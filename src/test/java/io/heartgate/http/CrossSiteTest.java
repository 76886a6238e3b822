package io.heartgate.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heartgate.testsupport.Credentials;
import io.heartgate.testsupport.StoreKind;
import io.heartgate.testsupport.Team;
import io.heartgate.testsupport.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A page on another site cannot make a signed-in browser change anything: state-changing requests carrying the
 * session cookie are refused when the browser says they come from elsewhere; scripts and tokens are unaffected.
 */
class CrossSiteTest {
  @TempDir
  static Path tempDir;
  private static TestGateway gateway;
  private static Team team;

  @BeforeAll
  static void start() throws Exception {
    gateway = TestGateway.start(StoreKind.SQLITE.freshStore(tempDir));
    team = Team.create(gateway);
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  private static HttpResponse<String> post(String path, Credentials as, String... headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(gateway.api(path)).POST(HttpRequest.BodyPublishers.noBody());
    if (as.cookie() != null) {
      request.header("Cookie", as.cookie());
    }
    if (as.authorization() != null) {
      request.header("Authorization", as.authorization());
    }
    if (headers.length > 0) {
      request.headers(headers);
    }
    return TestGateway.send(request.build());
  }

  private static String state(String tokenId) {
    return gateway.get("/api/tokens/" + tokenId, team.session("owner")).json().getString("state");
  }

  @Test
  void aCrossSiteRevokeWithTheSessionCookieIsRefusedAndChangesNothing() {
    String id = team.token(team.session("owner"), "csrf-target", "telegraf-agent").getString("id");
    String own = "http://127.0.0.1:" + gateway.apiPort();
    for (String[] crossSite : new String[][] {{"Origin", "https://evil.example"},
        {"Sec-Fetch-Site", "cross-site"}, {"Sec-Fetch-Site", "same-site"},
        {"Sec-Fetch-Site", "cross-site", "Origin", own},
        {"Origin", "http://127.0.0.1:1"}, {"Origin", "null"},
        // Today the first of two was read alone (a helper's probe; no browser sends two).
        {"Sec-Fetch-Site", "same-origin", "Sec-Fetch-Site", "cross-site"},
        {"Origin", own, "Origin", "https://evil.example"}}) {
      HttpResponse<String> refused = post("/api/tokens/" + id + "/revoke", team.session("owner"), crossSite);
      assertEquals(403, refused.statusCode(), String.join(" ", crossSite));
      assertEquals("csrf_rejected", new JsonObject(refused.body()).getString("error"));
      assertEquals("active", state(id), "nothing changed");
    }
    HttpResponse<String> logout = post("/api/auth/logout", team.session("owner"), "Origin", "https://evil.example");
    assertEquals(403, logout.statusCode());
    assertEquals(200, gateway.get("/api/auth/me", team.session("owner")).status(), "still signed in");
  }

  // Today (a helper's probe): a login said to come from another site opened a session (login CSRF).
  @Test
  void aLoginFromAnotherSiteIsRefused() {
    String own = "http://127.0.0.1:" + gateway.apiPort();
    String body = new JsonObject().put("username", "owner").put("password", Team.PASSWORD).encode();
    for (String[] crossSite : new String[][] {{"Origin", "https://evil.example"}, {"Sec-Fetch-Site", "cross-site"}}) {
      HttpResponse<String> refused = TestGateway.send(HttpRequest.newBuilder(gateway.api("/api/auth/login/local"))
          .header("Content-Type", "application/json").headers(crossSite)
          .POST(HttpRequest.BodyPublishers.ofString(body)).build());
      assertEquals(403, refused.statusCode(), String.join(" ", crossSite) + ": " + refused.body());
      assertEquals("csrf_rejected", new JsonObject(refused.body()).getString("error"));
      assertTrue(refused.headers().allValues("Set-Cookie").isEmpty(), "no session");
    }
    HttpResponse<String> sameOrigin = TestGateway.send(HttpRequest.newBuilder(gateway.api("/api/auth/login/local"))
        .header("Content-Type", "application/json").header("Origin", own).header("Sec-Fetch-Site", "same-origin")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    assertEquals(200, sameOrigin.statusCode(), sameOrigin.body());
  }

  @Test
  void sameOriginRequestsScriptsAndTokensPass() {
    String own = "http://127.0.0.1:" + gateway.apiPort();
    String first = team.token(team.session("owner"), "same-origin", "telegraf-agent").getString("id");
    assertEquals(200, post("/api/tokens/" + first + "/revoke", team.session("owner"), "Origin", own,
        "Sec-Fetch-Site", "same-origin").statusCode());
    String second = team.token(team.session("owner"), "typed-address", "telegraf-agent").getString("id");
    assertEquals(200, post("/api/tokens/" + second + "/revoke", team.session("owner"), "Sec-Fetch-Site", "none")
        .statusCode());
    String third = team.token(team.session("owner"), "curl", "telegraf-agent").getString("id");
    assertEquals(200, post("/api/tokens/" + third + "/revoke", team.session("owner")).statusCode(), "no header: curl");
    String scripted = team.token(team.session("owner"), "script", "full").getString("token");
    String fourth = team.token(team.session("owner"), "by-token", "telegraf-agent").getString("id");
    assertEquals(200, post("/api/tokens/" + fourth + "/revoke", Credentials.bearer(scripted), "Origin",
        "https://evil.example").statusCode(), "a token is never attached by a browser on its own");
  }
}
