package io.heartgate.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.heartgate.testsupport.Credentials;
import io.heartgate.testsupport.Reply;
import io.heartgate.testsupport.StoreKind;
import io.heartgate.testsupport.Team;
import io.heartgate.testsupport.TestGateway;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad input gets a clear error and changes nothing. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputTest {
  private static final String HEX64 = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  private TestGateway gateway;
  private Credentials owner;

  @BeforeAll
  void start(@TempDir Path tempDir) throws Exception {
    gateway = TestGateway.start(StoreKind.SQLITE.freshStore(tempDir));
    owner = Team.create(gateway).session("owner");
  }

  @AfterAll
  void stop() {
    gateway.close();
  }

  private int tokenCount() {
    return gateway.get("/api/tokens", owner).json().getJsonArray("tokens").size();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "malformed JSON|{\"name\":|400||The request body is not valid JSON",
      "empty body||400||The request body is empty; expected a JSON object",
      "array instead of object|[]|400||The request body must be a JSON object",
      "name missing|{}|400|name|name is required",
      "name of wrong type|{\"name\":42}|400|name|name must be a string",
      "empty name|{\"name\":\"\"}|400|name|name must not be empty",
      "permissions of wrong type|{\"name\":\"a\",\"permissions\":42}|400|permissions|permissions must be an array of strings",
      "permission of wrong type|{\"name\":\"a\",\"permissions\":[1]}|400|permissions|permissions must be an array of strings",
      "unknown permission|{\"name\":\"a\",\"permissions\":[\"configs:execute\"]}|400|permissions|unknown permission configs:execute",
      "unknown preset|{\"name\":\"a\",\"permissions\":\"everything\"}|400|permissions|unknown preset everything; expected one of telegraf-agent, read-only, full or an array of permissions",
      "empty permission list|{\"name\":\"a\",\"permissions\":[]}|400|permissions|permissions must grant at least one permission",
      "expiry of wrong type|{\"name\":\"a\",\"expiresAt\":123}|400|expiresAt|expiresAt must be a string",
      "expiry not a date|{\"name\":\"a\",\"expiresAt\":\"tomorrow\"}|400|expiresAt|expiresAt must be an RFC 3339 time such as 2027-01-31T00:00:00Z",
      "expiry in the past|{\"name\":\"a\",\"expiresAt\":\"2020-01-01T00:00:00Z\"}|400|expiresAt|expiresAt must be in the future",
      "short raw token|{\"name\":\"a\",\"rawToken\":\"tc-apiv1_abc\"}|400|rawToken|Invalid token format: rawToken must be tc-apiv1_ followed by 64 lowercase hex characters",
      "uppercase raw token|{\"name\":\"a\",\"rawToken\":\"tc-apiv1_0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef\"}|400|rawToken|Invalid token format: rawToken must be tc-apiv1_ followed by 64 lowercase hex characters",
      "raw token with a wrong prefix|{\"name\":\"a\",\"rawToken\":\"tc-apiv2_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"}|400|rawToken|Invalid token format: rawToken must be tc-apiv1_ followed by 64 lowercase hex characters",
      "name with NUL|{\"name\":\"a\\u0000b\"}|400|name|name must not contain NUL characters",
      "name with a lone surrogate|{\"name\":\"sur\\ud800x\"}|400|name|name must be valid Unicode text (it holds an unpaired surrogate)",
      "permission with NUL|{\"name\":\"a\",\"permissions\":[\"configs:read\\u0000\"]}|400|permissions|permissions must not contain NUL characters",
      "repeated key|{\"name\":\"a\",\"name\":\"b\"}|400||The request body repeats a field: Duplicate field 'name'",
      "comment|{\"name\":\"a\" /* hidden */}|400||The request body is not valid JSON",
      "trailing data|{\"name\":\"a\"} {}|400||The request body is not valid JSON",
  })
  void createTokenRefusesBadBodies(String name, String body, int status, String field, String message) {
    int before = tokenCount();
    Reply reply = gateway.post("/api/tokens", owner, body == null ? "" : body);
    assertEquals(status, reply.status(), reply.toString());
    assertEquals("invalid_request", reply.error());
    assertEquals(message, reply.message());
    if (field != null) {
      assertEquals(field, reply.json().getJsonObject("details").getString("field"));
    }
    assertEquals(before, tokenCount(), "nothing was created");
  }

  @org.junit.jupiter.api.Test
  void nameLengthLimitIs255() {
    assertEquals(201, gateway.post("/api/tokens", owner, new io.vertx.core.json.JsonObject().put("name", "n".repeat(255)))
        .status());
    Reply tooLong = gateway.post("/api/tokens", owner, new io.vertx.core.json.JsonObject().put("name", "m".repeat(256)));
    assertEquals(400, tooLong.status());
    assertEquals("name must be at most 255 characters", tooLong.message());
  }

  @org.junit.jupiter.api.Test
  void bodyThatIsNotJsonIs415AndOversizedIs413() {
    int before = tokenCount();
    HttpResponse<String> text = TestGateway.send(HttpRequest.newBuilder(gateway.api("/api/tokens"))
        .header("Cookie", owner.cookie()).header("Content-Type", "text/plain")
        .POST(HttpRequest.BodyPublishers.ofString("name=a")).build());
    assertEquals(415, text.statusCode());
    for (String notJson : new String[] {"application/jsonp", "application/json-patch+json", "text/json"}) {
      HttpResponse<String> lookalike = TestGateway.send(HttpRequest.newBuilder(gateway.api("/api/tokens"))
          .header("Cookie", owner.cookie()).header("Content-Type", notJson)
          .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"a\"}")).build());
      assertEquals(415, lookalike.statusCode(), notJson);
    }
    HttpResponse<String> withCharset = TestGateway.send(HttpRequest.newBuilder(gateway.api("/api/tokens"))
        .header("Cookie", owner.cookie()).header("Content-Type", "Application/JSON; charset=utf-8")
        .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"with charset\"}")).build());
    assertEquals(201, withCharset.statusCode(), withCharset.body());
    before++;
    HttpResponse<String> huge = TestGateway.send(HttpRequest.newBuilder(gateway.api("/api/tokens"))
        .header("Cookie", owner.cookie()).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + "x".repeat(1024 * 1024) + "\"}")).build());
    assertEquals(413, huge.statusCode());
    assertEquals("payload_too_large", new io.vertx.core.json.JsonObject(huge.body()).getString("error"));
    HttpResponse<String> notUtf8 = TestGateway.send(HttpRequest.newBuilder(gateway.api("/api/tokens"))
        .header("Cookie", owner.cookie()).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"',
            (byte) 0xC3, (byte) 0x28, '"', '}'})).build());
    assertEquals(400, notUtf8.statusCode());
    assertEquals(before, tokenCount());
  }

  @ParameterizedTest(name = "[{0}]")
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "Bearer|Missing or invalid Authorization header",
      "`Bearer   `|Missing or invalid Authorization header",
      "Basic dXNlcjpwYXNz|Missing or invalid Authorization header",
      "tc-apiv1_" + HEX64 + "|Missing or invalid Authorization header",
      "Bearer tc-apiv1_abc|Invalid token format",
      "Bearer " + HEX64 + "|Invalid token format",
      "Token tc-apiv1_0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef|Invalid token format",
      "Bearer tc-apiv1_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeg|Invalid token format",
      "Bearer tc-apiv1_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0|Invalid token format",
      "Bearer tc-apiv1_" + HEX64 + "|Invalid token",
  })
  void badAuthorizationHeadersGetTheContractMessage(String header, String message) {
    Reply reply = gateway.get("/api/auth/me", Credentials.header(header));
    assertEquals(401, reply.status(), reply.toString());
    assertEquals("unauthorized", reply.error());
    assertEquals(message, reply.message());
  }

  @org.junit.jupiter.api.Test
  void unknownIdsAre404() {
    List<Reply> replies = new ArrayList<>(List.of(
        gateway.get("/api/tokens/no-such-token", owner),
        gateway.post("/api/tokens/no-such-token/revoke", owner, null),
        gateway.call("DELETE", "/api/tokens/no-such-token", owner, null),
        gateway.get("/api/users/no-such-user", owner),
        gateway.call("PATCH", "/api/users/no-such-user", owner, "{\"status\":\"active\"}"),
        gateway.call("DELETE", "/api/users/no-such-user", owner, null)));
    for (Reply reply : replies) {
      assertEquals(404, reply.status(), reply.toString());
      assertEquals("not_found", reply.error());
    }
  }

  @org.junit.jupiter.api.Test
  void badQueryParametersAre400() {
    assertEquals(400, gateway.get("/api/tokens?state=paused", owner).status());
    assertEquals(400, gateway.get("/api/audit?limit=0", owner).status());
    assertEquals(400, gateway.get("/api/audit?from=yesterday", owner).status());
    Reply expiresSoon = gateway.post("/api/tokens", owner, new io.vertx.core.json.JsonObject().put("name", "later")
        .put("expiresAt", Instant.now().plusSeconds(3600).toString()));
    assertEquals(201, expiresSoon.status(), "a future RFC 3339 time is fine");
  }

  /**
   * A parameter given twice: the first one counted and the second was never checked (?sortBy=lastSeen&sortBy=bogus
   * listed, and a prune kept the versions of the first keepLatest of two).
   */
  @org.junit.jupiter.api.Test
  void aQueryParameterGivenTwiceIs400NamingIt() {
    for (String query : List.of("/api/agents?sortBy=lastSeen&sortBy=bogus", "/api/agents?status=ok&status=ok",
        "/api/audit?from=2026-01-01T00:00:00Z&from=yesterday", "/api/tokens?state=active&state=revoked")) {
      Reply twice = gateway.get(query, owner);
      assertEquals(400, twice.status(), query);
      String name = query.substring(query.lastIndexOf('&') + 1, query.lastIndexOf('='));
      assertEquals(name + " is given more than once", twice.json().getString("message"), query);
    }
    Reply created = gateway.post("/api/configs", owner, new io.vertx.core.json.JsonObject().put("name", "twice")
        .put("toml", "a = 1"));
    String versions = "/api/configs/" + created.json().getString("id") + "/versions";
    assertEquals(200, gateway.call("PATCH", "/api/configs/" + created.json().getString("id"), owner,
        new io.vertx.core.json.JsonObject().put("toml", "a = 2")).status());
    assertEquals(400, gateway.call("DELETE", versions + "?keepLatest=1&keepLatest=2", owner, null).status());
    assertEquals(2, gateway.get(versions, owner).json().getJsonArray("versions").size(), "none pruned");
    assertEquals(200, gateway.get("/api/agents?label=a&label=b", owner).status(), "label repeats by design");
  }

  /**
   * The checks of the query were skipped for a path that began with /c/ as written: /c/../api/agents is routed as
   * /api/agents, and took a NUL or a parameter given twice (a helper's probe).
   */
  @org.junit.jupiter.api.Test
  void aPathThatOnlyLooksLikeADownloadHasItsQueryChecked() {
    for (String query : List.of("/c/../api/agents?search=a%00b", "/c/../api/tokens?state=active&state=revoked",
        "/c/%2e%2e/api/agents?search=a%00b")) {
      Reply refused = gateway.get(query, owner);
      assertEquals(400, refused.status(), query + " " + refused.body());
    }
  }

  /**
   * Only {@code &} separates query parameters, as on a config's download (and in HTML forms): a literal {@code ;}
   * separated them on /api/, so ?state=active;state=revoked named state twice and ?limit=1;from=… read a page of
   * a page of one audit event.
   */
  @org.junit.jupiter.api.Test
  void aSemicolonInTheQueryIsPartOfItsValue() {
    Reply state = gateway.get("/api/tokens?state=active;state=revoked", owner);
    assertEquals(400, state.status());
    assertEquals("state must be active or revoked", state.json().getString("message"));
    Reply limit = gateway.get("/api/audit?limit=1;from=2026-01-01T00:00:00Z", owner);
    assertEquals(400, limit.status(), limit.body());
    assertEquals("limit", limit.json().getJsonObject("details").getString("field"), limit.body());
  }
}
