package io.heartgate.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heartgate.auth.TokenFormat;
import io.heartgate.testsupport.Credentials;
import io.heartgate.testsupport.LogRecords;
import io.heartgate.testsupport.RawHttp;
import io.heartgate.testsupport.Reply;
import io.heartgate.testsupport.StoreKind;
import io.heartgate.testsupport.Team;
import io.heartgate.testsupport.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The HTTP edge answers malformed and hostile framing with the contract's JSON errors, never a 500, and closes
 * the connection where its framing can no longer be trusted.
 */
class HttpEdgeTest {
  private static final int QUIET_MS = 1_500;
  @TempDir
  static Path tempDir;
  private static TestGateway gateway;

  @BeforeAll
  static void start() throws Exception {
    gateway = TestGateway.start(StoreKind.SQLITE.freshStore(tempDir));
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  private static RawHttp.Answer send(String request) {
    return RawHttp.exchange(gateway.apiPort(), request, QUIET_MS);
  }

  /** For requests that close their connection: wait for the close however slow the machine is. */
  private static RawHttp.Answer sendAndClose(String request) {
    return RawHttp.exchange(gateway.apiPort(), request, 30_000);
  }

  private static void assertJsonError(RawHttp.Answer answer, int status, String code) {
    assertEquals(status, answer.status(), answer.text());
    assertEquals("application/json", answer.header("Content-Type"), answer.text());
    assertEquals(code, new JsonObject(answer.body()).getString("error"), answer.text());
  }

  @Test
  void http11WithoutHostIs400() {
    assertJsonError(send("GET /api/auth/status HTTP/1.1\r\n\r\n"), 400, "invalid_request");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/api/agents/%zz", "/api/%", "/health/%G1", "/agents/%E0%A4%A"})
  void malformedEscapesInThePathAre400(String path) {
    assertJsonError(send("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"), 400,
        "invalid_request");
  }

  @Test
  void anExpiryBeyondTheRangeOfTimeIs400() {
    String owner = "{\"username\":\"owner\",\"password\":\"edge-test-pw-1\"}";
    RawHttp.Answer login = sendAndClose("POST /api/auth/setup HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json"
        + "\r\nContent-Length: " + owner.length() + "\r\nConnection: close\r\n\r\n" + owner);
    assertEquals(201, login.status(), login.text());
    String cookie = login.header("Set-Cookie").split(";", 2)[0];
    String body = "{\"name\":\"far\",\"expiresAt\":\"+999999999-12-31T23:59:59Z\"}";
    RawHttp.Answer far = sendAndClose("POST /api/tokens HTTP/1.1\r\nHost: localhost\r\nCookie: " + cookie
        + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n"
        + body);
    assertJsonError(far, 400, "invalid_request");
    assertEquals("expiresAt", new JsonObject(far.body()).getJsonObject("details").getString("field"));
  }

  // Today: 500 with an ERROR line in the log for each, without credentials; two Host headers were served.
  @ParameterizedTest
  @ValueSource(strings = {"Host: a b", "Host: x:99999999", "Host: [::1", "Host: localhost\r\nHost: other", "Host: "})
  void aMalformedOrRepeatedHostIs400(String host) {
    RawHttp.Answer answer = send("GET /health/live HTTP/1.1\r\n" + host + "\r\n\r\n");
    assertJsonError(answer, 400, "invalid_request");
    // Today (a second probe): HTTP/1.0 was served whatever its Host said.
    assertJsonError(send("GET /health/live HTTP/1.0\r\n" + host + "\r\n\r\n"), 400, "invalid_request");
  }

  // Today (a second probe): a NUL byte sent as it is, not escaped, reached the store (500 on PostgreSQL).
  @ParameterizedTest
  @ValueSource(strings = {"/api/agents/a\u0000b", "/c/a\u0001b", "/api/configs/x\u007f/toml"})
  void aControlCharacterInThePathIs400(String path) {
    RawHttp.Answer answer = send("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
    assertJsonError(answer, 400, "invalid_request");
    assertEquals("The request path is malformed", new JsonObject(answer.body()).getString("message"));
  }

  // Today (a second probe): HEAD's answer to too large headers had no Content-Length, GET's had.
  @Test
  void theDecodersRefusalOfAHeadCarriesItsContentLength() {
    String big = "X-Big: " + "b".repeat(20_000) + "\r\n";
    RawHttp.Answer get = send("GET /api/agents HTTP/1.1\r\nHost: localhost\r\n" + big + "\r\n");
    RawHttp.Answer head = send("HEAD /api/agents HTTP/1.1\r\nHost: localhost\r\n" + big + "\r\n");
    assertEquals(431, head.status(), head.text());
    assertNotNull(get.header("Content-Length"), get.text());
    assertEquals(get.header("Content-Length"), head.header("Content-Length"), head.text());
  }

  // Today: these three answers lacked Cache-Control: no-store, which every /api answer carries (a helper's probe).
  @Test
  void tooLongATargetIs414AndTooLargeHeadersAre431() {
    RawHttp.Answer target = send("GET /api/" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
    assertJsonError(target, 414, "uri_too_long");
    RawHttp.Answer headers = send("GET /api/agents HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "b".repeat(20_000)
        + "\r\n\r\n");
    assertJsonError(headers, 431, "headers_too_large");
    RawHttp.Answer nul = send("GET /api/agents HTTP/1.1\r\nHost: localhost\r\nX-Nul: a\u0000b\r\n\r\n");
    assertJsonError(nul, 400, "invalid_request");
    for (RawHttp.Answer answer : List.of(target, headers, nul)) {
      assertEquals("no-store", answer.header("Cache-Control"), answer.text());
    }
  }

  @Test
  void bothContentLengthAndTransferEncodingAreAnsweredAndTheConnectionClosed() {
    RawHttp.Answer answer = send("POST /agents/heartbeat HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json"
        + "\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /health/live HTTP/1.1\r\n"
        + "Host: localhost\r\n\r\n");
    assertJsonError(answer, 401, "unauthorized");
    assertTrue(answer.closed(), "the connection is closed: " + answer.text());
    assertEquals(1, answer.text().split("HTTP/1.1 ").length - 1, "the smuggled second request is never answered");
  }

  // Today: the hidden request was not answered, but it ran: a helper's probe created a label that way.
  @ParameterizedTest
  @ValueSource(strings = {"", "Content-Length: 200\r\n"})
  void aRequestPipelinedBehindOneThatClosesItsConnectionIsNeverRun(String contentLength, @TempDir Path dir)
      throws Exception {
    String token = TokenFormat.generate();
    try (TestGateway node = TestGateway.start(StoreKind.SQLITE.freshStore(dir), "--owner-username", "owner",
        "--owner-password", Team.PASSWORD, "--owner-token", token)) {
      String head = "POST /api/labels HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token
          + "\r\nContent-Type: application/json\r\n";
      String front = "{\"name\":\"front\"}";
      String hidden = "{\"name\":\"hidden\"}";
      RawHttp.Answer answer = RawHttp.exchange(node.apiPort(), head + contentLength
          + "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(front.length()) + "\r\n" + front
          + "\r\n0\r\n\r\n" + head + "Content-Length: " + hidden.length() + "\r\n\r\n" + hidden, 30_000);
      assertTrue(answer.closed(), "the connection is closed: " + answer.text());
      assertEquals(1, answer.text().split("HTTP/1.1 ").length - 1, "one answer: " + answer.text());

      Reply labels = node.get("/api/labels", Credentials.bearer(token));
      String names = labels.json().getJsonArray("labels").stream().map(l -> ((JsonObject) l).getString("name"))
          .toList().toString();
      assertFalse(names.contains("hidden"), "the hidden request never ran: " + names);
    }
  }

  // Today: an ERROR with a stack trace in the log for each such request, which any client could send.
  @ParameterizedTest
  @ValueSource(strings = {"zz\r\n{}\r\n0\r\n\r\n", "1\r\n{}\r\n0\r\n\r\n", "2\r\n{}\r\n0\r\nbad\r\n\r\n",
      "2\r\n{}\r\n0\r\nX y: z\r\n\r\n"})
  void aMalformedChunkClosesItsConnectionAndIsNoErrorOfTheGateway(String chunks) {
    try (LogRecords log = LogRecords.of(ErrorResponder.class)) {
      RawHttp.Answer answer = sendAndClose("POST /api/auth/login/local HTTP/1.1\r\nHost: localhost\r\n"
          + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks);
      // Vert.x closes a connection whose framing it cannot read before anything can answer it.
      assertTrue(answer.closed(), answer.text());
      assertEquals(List.of(), log.records().stream().filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue())
          .map(LogRecord::getMessage).toList());
    }
  }

  // Today (a second probe): a body declared in another charset was read as UTF-8 all the same.
  @ParameterizedTest
  @ValueSource(strings = {"application/json; charset=iso-8859-1", "application/json;charset=\"UTF-16\""})
  void aJsonBodyDeclaredInAnotherCharsetIs415(String contentType) {
    String body = "{\"username\":\"u\",\"password\":\"p\"}";
    RawHttp.Answer answer = send("POST /api/auth/login/local HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
        + contentType + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
    assertJsonError(answer, 415, "unsupported_media_type");
    RawHttp.Answer utf8 = send("POST /api/auth/login/local HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
        + "application/json; charset=UTF-8\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
    assertEquals(401, utf8.status(), "UTF-8 said outright is read: " + utf8.text());
  }

  // Today: a compressed body was read as it came, a 400 for JSON that was only compressed.
  @Test
  void aJsonBodyWithAContentCodingIs415() {
    String body = "{\"username\":\"coded\",\"password\":\"p\"}";
    RawHttp.Answer answer = send("POST /api/auth/login/local HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
        + "application/json\r\nContent-Encoding: gzip\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
    assertJsonError(answer, 415, "unsupported_media_type");
    RawHttp.Answer identity = send("POST /api/auth/login/local HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
        + "application/json\r\nContent-Encoding: Identity\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
    assertEquals(401, identity.status(), "identity is no coding: " + identity.text());
    RawHttp.Answer empty = send("POST /api/auth/login/local HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
        + "application/json\r\nContent-Encoding: \r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
    assertEquals(401, empty.status(), "an empty list names no coding: " + empty.text());
  }

  // Today: Jackson read the overlong C0 BC as "<" (401 for the user "ov<script>"), and a UTF-16 body as JSON.
  @ParameterizedTest
  @ValueSource(strings = {"{\"username\":\"ov\u00c0\u00bcscript\",\"password\":\"p\"}",
      "{\u0000\"\u0000u\u0000\"\u0000:\u00001\u0000}\u0000"})
  void aJsonBodyThatIsNotStrictUtf8Is400(String latin1Body) {
    RawHttp.Answer answer = send("POST /api/auth/login/local HTTP/1.1\r\nHost: localhost\r\n"
        + "Content-Type: application/json\r\nContent-Length: " + latin1Body.length() + "\r\n\r\n" + latin1Body);
    assertJsonError(answer, 400, "invalid_request");
    assertEquals("The request body is not valid UTF-8 JSON", new JsonObject(answer.body()).getString("message"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"gzip", "chunked, gzip", "identity"})
  void aTransferEncodingOtherThanAFinalChunkedIs400(String encoding) {
    RawHttp.Answer answer = send("POST /api/auth/login/local HTTP/1.1\r\nHost: localhost\r\n"
        + "Content-Type: application/json\r\nTransfer-Encoding: " + encoding + "\r\n\r\n0\r\n\r\n");
    assertJsonError(answer, 400, "invalid_request");
    assertTrue(answer.closed(), answer.text());
  }

  @Test
  void twoAuthorizationHeadersAre400() {
    String token = "Bearer tc-apiv1_" + "0".repeat(64);
    assertJsonError(send("GET /api/agents HTTP/1.1\r\nHost: localhost\r\nAuthorization: " + token
        + "\r\nAuthorization: " + token + "\r\nConnection: close\r\n\r\n"), 400, "invalid_request");
  }

  @Test
  void cleartextHttp2IsOffByDefault() {
    RawHttp.Answer upgrade = send("GET /health/live HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade, HTTP2-Settings"
        + "\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n");
    assertEquals(200, upgrade.status(), "answered in HTTP/1.1, not switched: " + upgrade.text());
    RawHttp.Answer preface = send("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
    assertTrue(preface.status() != 0 || preface.closed(), "no HTTP/2 session: " + preface.text());
    assertTrue(!preface.text().startsWith("\0"), "no HTTP/2 frame came back");
  }

  @Test
  void everyAnswerSaysNosniffAndApiAnswersAreNeverCached() {
    HttpResponse<String> live = TestGateway.get(gateway.api("/health/live"));
    assertEquals("nosniff", live.headers().firstValue("X-Content-Type-Options").orElse(null));
    HttpResponse<String> error = TestGateway.get(gateway.api("/api/agents"));
    assertEquals(401, error.statusCode());
    assertEquals("nosniff", error.headers().firstValue("X-Content-Type-Options").orElse(null));
    assertEquals("no-store", error.headers().firstValue("Cache-Control").orElse(null));
    HttpResponse<String> unknown = TestGateway.get(gateway.api("/api/no-such-thing"));
    assertEquals("no-store", unknown.headers().firstValue("Cache-Control").orElse(null));
    // Today: an API path written otherwise (a dot segment, an escaped letter, a doubled slash) was routed to the
    // API, and its answer went without no-store.
    for (String path : List.of("/console/../api/agents", "/%61pi/agents", "/x/%2e%2e/api/agents", "//api/agents",
        "/./api/agents")) {
      RawHttp.Answer written = send("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
      assertEquals(401, written.status(), path + ": " + written.text());
      assertEquals("no-store", written.header("Cache-Control"), path + ": " + written.text());
    }
    assertNull(live.headers().firstValue("Strict-Transport-Security").orElse(null), "no HSTS over plain http");
    HttpResponse<String> heartbeatListener = TestGateway.get(gateway.heartbeatListener("/nothing"));
    assertNotNull(heartbeatListener.headers().firstValue("X-Content-Type-Options").orElse(null));
  }
}
