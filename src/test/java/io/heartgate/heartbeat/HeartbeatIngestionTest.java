package io.heartgate.heartbeat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heartgate.auth.Refusals;
import io.heartgate.testsupport.Credentials;
import io.heartgate.testsupport.MovableClock;
import io.heartgate.testsupport.Poll;
import io.heartgate.testsupport.Reply;
import io.heartgate.testsupport.StoreKind;
import io.heartgate.testsupport.Team;
import io.heartgate.testsupport.TelegrafAgent;
import io.heartgate.testsupport.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * POST /agents/heartbeat as real agents use it: every upstream payload with the headers of Telegraf 1.39.3, on
 * both listeners and both stores; every way a token can be refused, each changing nothing.
 */
class HeartbeatIngestionTest {
  @TempDir
  Path tempDir;
  private final MovableClock clock = new MovableClock();
  private TestGateway gateway;
  private Team team;
  private String agentToken;

  private void start(StoreKind kind, String... flags) throws Exception {
    gateway = TestGateway.start(kind.freshStore(tempDir), clock, flags);
    team = Team.create(gateway);
    agentToken = team.token(team.session("owner"), "fleet", "telegraf-agent").getString("token");
  }

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  private HttpResponse<String> post(String token, String body) {
    return TelegrafAgent.post(gateway.heartbeatListener(HeartbeatRoutes.PATH), token, body);
  }

  private Reply agent(String id) {
    return gateway.get("/api/agents/" + id, team.session("viewer"));
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void everyUpstreamPayloadIsStoredAsItWasSent(StoreKind kind) throws Exception {
    start(kind);
    long heartbeats = 0;
    for (String name : TelegrafAgent.FIXTURES) {
      String body = TelegrafAgent.fixture(name);
      JsonObject sent = new JsonObject(body);
      Instant before = clock.instant();
      HttpResponse<String> response = post(agentToken, body);
      assertEquals(204, response.statusCode(), name + ": " + response.body());
      assertEquals("", response.body(), name);
      heartbeats++;

      JsonObject stored = agent(sent.getString("id")).json();
      String status = sent.getString("status") == null ? null : sent.getString("status").toLowerCase(Locale.ROOT);
      assertEquals(sent.getString("version"), stored.getString("version"), name);
      assertEquals(sent.getString("hostname"), stored.getString("hostname"), name);
      assertEquals(status, stored.getString("reportedStatus"), name);
      assertEquals(status == null ? "undefined" : status, stored.getString("status"), name);
      assertEquals(sent.getJsonArray("configurations", new JsonArray()), stored.getJsonArray("configurations"), name);
      assertEquals(sent.getJsonObject("statistics"), stored.getJsonObject("statistics"), name);
      assertEquals("127.0.0.1", stored.getString("ip"), name);
      assertEquals(heartbeats, stored.getLong("heartbeats"), name);
      assertEquals("default", stored.getString("reportingRuleId"), name);
      assertEquals(new JsonArray(), stored.getJsonArray("labels"), name);
      assertTrue(!Instant.parse(stored.getString("lastSeen")).isBefore(before.minusMillis(1)), name);

      JsonObject latest = gateway.get("/api/heartbeat/agent/" + sent.getString("id") + "/latest-heartbeat",
          team.session("viewer")).json();
      JsonObject expected = sent.copy();
      expected.put("configurations", sent.getJsonArray("configurations", new JsonArray()));
      expected.put("receivedAt", stored.getString("lastSeen"));
      assertEquals(expected, latest, name + ": the latest heartbeat is the payload as sent");
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void bothListenersAcceptTheSameHeartbeat(StoreKind kind) throws Exception {
    start(kind);
    String body = TelegrafAgent.heartbeat("agent-api-port");
    HttpResponse<String> viaApi = TelegrafAgent.post(gateway.api(HeartbeatRoutes.PATH), agentToken, body);
    assertEquals(204, viaApi.statusCode(), viaApi.body());
    assertEquals(204, post(agentToken, body).statusCode());
    assertEquals(2L, agent("agent-api-port").json().getLong("heartbeats"));
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void refusedTokensChangeNothing(StoreKind kind) throws Exception {
    start(kind);
    assertEquals(204, post(agentToken, TelegrafAgent.heartbeat("known")).statusCode());
    JsonObject before = agent("known").json();
    String readOnly = team.token(team.session("owner"), "read-only", "read-only").getString("token");
    JsonObject revoked = team.token(team.session("owner"), "revoked", "telegraf-agent");
    gateway.post("/api/tokens/" + revoked.getString("id") + "/revoke", team.session("owner"), null);
    String expiringValue = expiringToken(clock.instant().plusMillis(1500));

    record Refusal(String token, int status, String message) {
    }
    List<Refusal> refusals = List.of(
        new Refusal(null, 401, Refusals.MISSING_HEADER),
        new Refusal("tc-apiv1_short", 401, Refusals.INVALID_FORMAT),
        new Refusal("TC-APIV1_" + "A".repeat(64), 401, Refusals.INVALID_FORMAT),
        new Refusal("tc-apiv1_" + "0".repeat(64), 401, "Invalid token"),
        new Refusal(revoked.getString("token"), 401, "Invalid token"),
        new Refusal(readOnly, 403, "missing permission heartbeat:write"));
    clock.advance(Duration.ofMillis(1501));
    Poll.until(Duration.ofSeconds(10), "the token to expire",
        () -> post(expiringValue, TelegrafAgent.heartbeat("expiry-probe")).statusCode() == 401);

    for (Refusal refusal : refusals) {
      for (String id : List.of("known", "never-seen")) {
        HttpResponse<String> response = post(refusal.token(), TelegrafAgent.heartbeat(id));
        assertEquals(refusal.status(), response.statusCode(), refusal + ": " + response.body());
        assertEquals(refusal.message(), new JsonObject(response.body()).getString("message"), refusal.toString());
      }
    }
    HttpResponse<String> expired = post(expiringValue, TelegrafAgent.heartbeat("known"));
    assertEquals(401, expired.statusCode());
    assertEquals("Token expired", new JsonObject(expired.body()).getString("message"));

    assertEquals(404, agent("never-seen").status(), "a refused heartbeat creates no agent");
    JsonObject after = agent("known").json();
    assertEquals(before.getString("lastSeen"), after.getString("lastSeen"), "lastSeen not moved");
    assertEquals(before.getLong("heartbeats"), after.getLong("heartbeats"), "not counted");
  }

  private String expiringToken(Instant expiresAt) {
    Reply created = gateway.post("/api/tokens", team.session("owner"), new JsonObject().put("name", "expires-soon")
        .put("permissions", "telegraf-agent").put("expiresAt", expiresAt.toString()));
    assertEquals(201, created.status(), created.toString());
    return created.json().getString("token");
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void disabledHeartbeatGroupNeedsNoToken(StoreKind kind) throws Exception {
    start(kind, "--disable-auth-endpoints", "heartbeat");
    assertEquals(204, post(null, TelegrafAgent.heartbeat("open-door")).statusCode());
    assertEquals(1L, agent("open-door").json().getLong("heartbeats"));
    assertEquals(401, gateway.get("/api/agents/open-door", Credentials.NONE).status(),
        "the agents group is still closed");
    assertEquals(401, gateway.get("/api/heartbeat/agent/open-door/latest-heartbeat", Credentials.NONE).status(),
        "the heartbeat group opens sending heartbeats, not reading their logs");
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void agentAddressFollowsTheHeadersItMayTrust(StoreKind kind) throws Exception {
    start(kind, "--trusted-proxies", "10.0.0.0/8, 127.0.0.1");
    String body = TelegrafAgent.heartbeat("behind-proxy");
    HttpResponse<String> forwarded = TestGateway.send(TelegrafAgent.request(
            gateway.heartbeatListener(HeartbeatRoutes.PATH), agentToken, body.getBytes())
        .header("X-Forwarded-For", "203.0.113.7, 10.1.1.1").build());
    assertEquals(204, forwarded.statusCode(), forwarded.body());
    assertEquals("203.0.113.7", agent("behind-proxy").json().getString("ip"));

    HttpResponse<String> declared = TestGateway.send(TelegrafAgent.request(
            gateway.heartbeatListener(HeartbeatRoutes.PATH), agentToken, body.getBytes())
        .header("X-Forwarded-For", "203.0.113.7").header("Telegraf-Agent-IP", "2001:db8::5").build());
    assertEquals(204, declared.statusCode(), declared.body());
    assertEquals("2001:db8::5", agent("behind-proxy").json().getString("ip"), "Telegraf-Agent-IP wins");

    HttpResponse<String> bogus = TestGateway.send(TelegrafAgent.request(
            gateway.heartbeatListener(HeartbeatRoutes.PATH), agentToken, body.getBytes())
        .header("Telegraf-Agent-IP", "my-laptop.example").build());
    assertEquals(400, bogus.statusCode());
    assertEquals("Telegraf-Agent-IP", new JsonObject(bogus.body()).getJsonObject("details").getString("field"));
    assertEquals(2L, agent("behind-proxy").json().getLong("heartbeats"), "the refused one was not counted");

    HttpResponse<String> blank = TestGateway.send(TelegrafAgent.request(
            gateway.heartbeatListener(HeartbeatRoutes.PATH), agentToken, body.getBytes())
        .header("X-Forwarded-For", "203.0.113.9").header("Telegraf-Agent-IP", " ").build());
    assertEquals(204, blank.statusCode(), "a blank header is no header: " + blank.body());
    assertEquals("203.0.113.9", agent("behind-proxy").json().getString("ip"));
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void forwardedForFromAnUntrustedPeerIsIgnored(StoreKind kind) throws Exception {
    start(kind);
    HttpResponse<String> forwarded = TestGateway.send(TelegrafAgent.request(
            gateway.heartbeatListener(HeartbeatRoutes.PATH), agentToken,
            TelegrafAgent.heartbeat("spoofer").getBytes())
        .header("X-Forwarded-For", "203.0.113.7").build());
    assertEquals(204, forwarded.statusCode());
    assertEquals("127.0.0.1", agent("spoofer").json().getString("ip"));
    assertNull(agent("spoofer").json().getJsonObject("statistics"));
  }
}
