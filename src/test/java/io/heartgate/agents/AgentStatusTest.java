package io.heartgate.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.heartgate.heartbeat.HeartbeatRoutes;
import io.heartgate.testsupport.Credentials;
import io.heartgate.testsupport.MovableClock;
import io.heartgate.testsupport.Poll;
import io.heartgate.testsupport.Reply;
import io.heartgate.testsupport.StoreKind;
import io.heartgate.testsupport.Team;
import io.heartgate.testsupport.TelegrafAgent;
import io.heartgate.testsupport.TestGateway;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Status as the reporting rules define it, read fresh on every request, and the auto-delete job. */
class AgentStatusTest {
  private static final Duration DEADLINE = Duration.ofSeconds(15);
  @TempDir
  Path tempDir;
  private final MovableClock clock = new MovableClock();
  private TestGateway gateway;
  private Credentials owner;
  private String agentToken;

  private void start(StoreKind kind, String... flags) throws Exception {
    gateway = TestGateway.start(kind.freshStore(tempDir), clock, flags);
    Team team = Team.create(gateway);
    owner = team.session("owner");
    agentToken = team.token(owner, "fleet", "telegraf-agent").getString("token");
  }

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  private void heartbeat(String id, String status) {
    String body = new JsonObject(TelegrafAgent.heartbeat(id)).put("status", status).encode();
    assertEquals(204, TelegrafAgent.post(gateway.heartbeatListener(HeartbeatRoutes.PATH), agentToken, body)
        .statusCode());
  }

  private String rule(String name, int notReportingAfter, Integer autoDeleteAfter) {
    Reply created = gateway.post("/api/reporting-rules", owner, new JsonObject().put("name", name)
        .put("notReportingAfterSeconds", notReportingAfter).put("autoDeleteAfterSeconds", autoDeleteAfter));
    assertEquals(201, created.status(), created.toString());
    return created.json().getString("id");
  }

  private void assign(String agentId, String ruleId) {
    Reply patched = gateway.call("PATCH", "/api/agents/" + agentId, owner,
        new JsonObject().put("reportingRuleId", ruleId));
    assertEquals(200, patched.status(), patched.toString());
    assertEquals(ruleId, patched.json().getString("reportingRuleId"));
  }

  private Reply agent(String id) {
    return gateway.get("/api/agents/" + id, owner);
  }

  private String status(String id) {
    return agent(id).json().getString("status");
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void reportedStatusTurnsNotReportingWhenSilentAndBackOnTheNextHeartbeat(StoreKind kind) throws Exception {
    start(kind);
    String fast = rule("fast", 1, null);
    heartbeat("edge-1", "WARN");
    heartbeat("steady", "OK");
    assign("edge-1", fast);
    assertEquals("warn", status("edge-1"));

    clock.advance(Duration.ofSeconds(2));
    assertEquals("not_reporting", status("edge-1"), "silent for longer than its rule allows");
    assertEquals("warn", agent("edge-1").json().getString("reportedStatus"), "what the agent said is kept");
    assertEquals("ok", status("steady"), "the default rule allows 180 s");
    JsonObject summary = gateway.get("/api/agents/summary", owner).json();
    assertEquals(1L, summary.getJsonObject("status").getLong("not_reporting"));
    assertEquals(1L, summary.getJsonObject("status").getLong("ok"));
    JsonObject silent = gateway.get("/api/agents?status=not_reporting", owner).json();
    assertEquals(1, silent.getJsonArray("agents").size());
    assertEquals("edge-1", silent.getJsonArray("agents").getJsonObject(0).getString("id"));

    // Back to the time the heartbeats were received at, whichever clock stamps them, so the next one is fresh.
    clock.advance(Duration.ofSeconds(-2));
    heartbeat("edge-1", "FAIL");
    assertEquals("fail", status("edge-1"), "reporting again, at once");

    assertEquals(204, gateway.call("DELETE", "/api/reporting-rules/" + fast, owner, null).status());
    JsonObject fallenBack = agent("edge-1").json();
    assertEquals("default", fallenBack.getString("reportingRuleId"), "agents of a deleted rule use the default");
    assertEquals("fail", fallenBack.getString("status"));
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void silentAgentsAreDeletedAfterTheirRulesAutoDeleteTime(StoreKind kind) throws Exception {
    start(kind, "--agent-sweep-interval", "1");
    String ephemeral = rule("ephemeral", 1, 2);
    heartbeat("short-lived", "OK");
    heartbeat("long-lived", "OK");
    assign("short-lived", ephemeral);

    clock.advance(Duration.ofSeconds(3));
    Poll.until(DEADLINE, "the next sweep to auto-delete short-lived", () -> agent("short-lived").status() == 404);
    // Back to the time the heartbeats were received at, so the agent reporting again below is fresh.
    clock.advance(Duration.ofSeconds(-3));
    assertEquals(200, agent("long-lived").status(), "the default rule has no auto-delete");
    assertEquals(1L, gateway.get("/api/agents/summary", owner).json().getLong("total"));

    heartbeat("short-lived", "OK");
    JsonObject back = agent("short-lived").json();
    assertEquals(1L, back.getLong("heartbeats"), "a deleted agent that reports again starts afresh");
    assertEquals("default", back.getString("reportingRuleId"));
  }
}
