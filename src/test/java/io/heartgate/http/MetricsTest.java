package io.heartgate.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heartgate.agents.AgentCounts;
import io.heartgate.heartbeat.HeartbeatRoutes;
import io.heartgate.testsupport.Credentials;
import io.heartgate.testsupport.MovableClock;
import io.heartgate.testsupport.Poll;
import io.heartgate.testsupport.RawHttp;
import io.heartgate.testsupport.Reply;
import io.heartgate.testsupport.Scrape;
import io.heartgate.testsupport.StoreKind;
import io.heartgate.testsupport.Team;
import io.heartgate.testsupport.TelegrafAgent;
import io.heartgate.testsupport.TestGateway;
import io.heartgate.testsupport.TestPostgres;
import io.heartgate.settings.DatabaseUrl;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /metrics}, over HTTP against running nodes: who may read it, and the meters moving after heartbeats,
 * refused tokens, downloads, a login lockout, an invalidation from another node and a store outage.
 */
class MetricsTest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final String TOML = "[agent]\n  interval = \"10s\"\n";
  /** Well formed, never issued. */
  private static final String UNKNOWN_TOKEN = "tc-apiv1_" + "0".repeat(64);

  @TempDir
  Path tempDir;
  private final MovableClock clock = new MovableClock();
  private TestGateway gateway;
  private TestGateway other;
  private TestPostgres postgres;

  @AfterEach
  void stop() {
    for (TestGateway node : new TestGateway[] {gateway, other}) {
      if (node != null) {
        node.close();
      }
    }
    if (postgres != null) {
      postgres.destroy();
    }
  }

  private Scrape scrape(TestGateway node, Credentials credentials) {
    Reply reply = node.get("/metrics", credentials);
    assertEquals(200, reply.status(), reply.toString());
    return Scrape.parse(reply.body());
  }

  private static String metricsToken(Team team) {
    return team.token(team.session("owner"), "prometheus", new JsonArray(List.of("metrics:read"))).getString("token");
  }

  private HttpResponse<String> heartbeat(TestGateway node, String token, String body) {
    return TelegrafAgent.post(node.heartbeatListener(HeartbeatRoutes.PATH), token, body);
  }

  @Test
  void onlyOwnersAndAdministratorsReadTheMetrics() throws Exception {
    gateway = TestGateway.start(StoreKind.SQLITE.freshStore(tempDir));
    Team team = Team.create(gateway);

    Reply anonymous = gateway.get("/metrics", Credentials.NONE);
    assertEquals(401, anonymous.status(), anonymous.toString());
    assertEquals("Missing or invalid Authorization header", anonymous.message());
    for (String role : new String[] {"viewer", "manager"}) {
      Reply refused = gateway.get("/metrics", team.session(role));
      assertEquals(403, refused.status(), role + ": " + refused);
      assertEquals("missing permission metrics:read", refused.message());
    }
    String managersFull = team.token(team.session("manager"), "manager-full", "full").getString("token");
    assertEquals(403, gateway.get("/metrics", Credentials.bearer(managersFull)).status());
    String agentToken = team.token(team.session("owner"), "agent", "telegraf-agent").getString("token");
    assertEquals(403, gateway.get("/metrics", Credentials.bearer(agentToken)).status(),
        "an owner's token without metrics:read");
    assertEquals(200, gateway.get("/metrics", team.session("administrator")).status());

    Credentials prometheus = Credentials.bearer(metricsToken(team));
    Reply ok = gateway.get("/metrics", prometheus);
    assertEquals(200, ok.status(), ok.toString());
    assertEquals("text/plain; version=0.0.4; charset=utf-8", ok.header("content-type"));
    assertEquals("no-store", ok.header("cache-control"));
    // Today (a helper's probe): HEAD went without the length GET has, and /metrics/ (served too) without no-store.
    Reply head = gateway.call("HEAD", "/metrics", prometheus, null);
    assertEquals(200, head.status(), head.toString());
    assertTrue(Long.parseLong(head.header("content-length")) > 1_000, head.toString());
    Reply slashed = gateway.get("/metrics/", prometheus);
    assertEquals(200, slashed.status(), slashed.toString());
    assertEquals("no-store", slashed.header("cache-control"));
    Scrape scrape = Scrape.parse(ok.body());
    for (String name : List.of("heartgate_heartbeats_acknowledged_total", "heartgate_heartbeats_refused_total",
        "heartgate_heartbeat_queue_requests", "heartgate_heartbeat_queue_bytes", "heartgate_request_buffer_bytes",
        "heartgate_request_buffer_limit_bytes",
        "heartgate_heartbeat_batch_rows_count", "heartgate_heartbeat_commit_seconds_count",
        "heartgate_token_cache_lookups_total", "heartgate_token_cache_size",
        "heartgate_token_cache_invalidations_total", "heartgate_config_downloads_total",
        "heartgate_config_render_cache_lookups_total", "heartgate_config_render_cache_bytes",
        "heartgate_config_render_store_reads_total", "heartgate_logins_total",
        "heartgate_agents", "heartgate_agents_counted_timestamp_seconds", "heartgate_store_up",
        "vertx_http_server_requests_total", "jvm_memory_used_bytes", "jvm_threads_live_threads",
        "process_uptime_seconds", "process_cpu_usage", "process_files_open_files")) {
      assertTrue(scrape.has(name), name + " missing from\n" + ok.body());
    }
    assertEquals(1.0, scrape.sum("heartgate_store_up", "store", "sqlite"));
    assertFalse(ok.body().contains("_created"), "no meter ends in _created");
  }

  @Test
  void metersMoveAfterHeartbeatsRefusalsDownloadsAndALockout() throws Exception {
    gateway = TestGateway.start(StoreKind.SQLITE.freshStore(tempDir), clock);
    Team team = Team.create(gateway);
    Credentials prometheus = Credentials.bearer(metricsToken(team));
    String agentToken = team.token(team.session("owner"), "fleet", "telegraf-agent").getString("token");
    Scrape before = scrape(gateway, prometheus);

    for (String agentId : List.of("metrics-a", "metrics-b", "metrics-a")) {
      assertEquals(204, heartbeat(gateway, agentToken, TelegrafAgent.heartbeat(agentId)).statusCode());
    }
    assertEquals(401, heartbeat(gateway, UNKNOWN_TOKEN, TelegrafAgent.heartbeat("metrics-a")).statusCode());
    assertEquals(401, heartbeat(gateway, null, TelegrafAgent.heartbeat("metrics-a")).statusCode());
    String noHeartbeat = team.token(team.session("owner"), "reader", "read-only").getString("token");
    assertEquals(403, heartbeat(gateway, noHeartbeat, TelegrafAgent.heartbeat("metrics-a")).statusCode());
    assertEquals(400, heartbeat(gateway, agentToken, "{\"version\":\"1\"}").statusCode());

    Reply config = gateway.post("/api/configs", team.session("owner"),
        new JsonObject().put("name", "fleet").put("toml", TOML));
    assertEquals(201, config.status(), config.toString());
    String tomlPath = "/api/configs/" + config.json().getString("id") + "/toml";
    assertEquals(200, gateway.get(tomlPath, Credentials.bearer(agentToken)).status());
    assertEquals(200, gateway.call("HEAD", tomlPath, Credentials.bearer(agentToken), null).status());
    assertEquals(404, gateway.get("/api/configs/no-such-config/toml", Credentials.bearer(agentToken)).status());
    assertEquals(401, gateway.get(tomlPath, Credentials.NONE).status());

    for (int i = 0; i < 5; i++) {
      assertEquals(401, login("viewer", "wrong password " + i).status());
    }
    Reply locked = login("viewer", Team.PASSWORD);
    assertEquals(429, locked.status(), locked.toString());
    assertEquals(200, login("manager", Team.PASSWORD).status());

    Reply revoked = gateway.post("/api/tokens/" + team.token(team.session("owner"), "gone", "telegraf-agent")
        .getString("id") + "/revoke", team.session("owner"), null);
    assertEquals(200, revoked.status(), revoked.toString());

    clock.advance(Duration.ofMillis(AgentCounts.REFRESH_MS + 1));
    Scrape after = scrape(gateway, prometheus);
    assertEquals(3, delta(before, after, "heartgate_heartbeats_acknowledged_total"));
    assertEquals(2, delta(before, after, "heartgate_heartbeats_refused_total", "status", "401", "reason",
        "unauthorized"));
    assertEquals(1, delta(before, after, "heartgate_heartbeats_refused_total", "status", "403", "reason",
        "forbidden"));
    assertEquals(1, delta(before, after, "heartgate_heartbeats_refused_total", "status", "400", "reason",
        "invalid"));
    assertEquals(0, delta(before, after, "heartgate_heartbeats_refused_total", "status", "503"));
    assertTrue(delta(before, after, "heartgate_heartbeat_batch_rows_count", "store", "sqlite") >= 1);
    assertTrue(delta(before, after, "heartgate_heartbeat_commit_seconds_count", "store", "sqlite") >= 1);
    assertEquals(0, after.sum("heartgate_heartbeat_queue_requests"), "nothing waits once answered");
    assertEquals(0, after.sum("heartgate_heartbeat_queue_bytes"));

    assertTrue(delta(before, after, "heartgate_token_cache_lookups_total", "result", "miss") >= 1,
        "the agent token's first use loaded it");
    assertTrue(delta(before, after, "heartgate_token_cache_lookups_total", "result", "hit") >= 2,
        "its next uses did not");
    assertTrue(after.sum("heartgate_token_cache_size") >= 1);
    assertTrue(delta(before, after, "heartgate_token_cache_invalidations_total", "origin", "local") >= 1,
        "the revocation dropped the token here");
    assertEquals(0, after.sum("heartgate_token_cache_invalidations_total", "origin", "remote"), "one node");

    assertEquals(2, delta(before, after, "heartgate_config_downloads_total", "result", "ok"));
    assertEquals(1, delta(before, after, "heartgate_config_downloads_total", "result", "not_found"));
    assertEquals(1, delta(before, after, "heartgate_config_downloads_total", "result", "unauthorized"));

    assertEquals(5, delta(before, after, "heartgate_logins_total", "result", "failure"));
    assertEquals(1, delta(before, after, "heartgate_logins_total", "result", "locked_out"));
    assertEquals(1, delta(before, after, "heartgate_logins_total", "result", "success"));

    assertEquals(2, after.sum("heartgate_agents", "status", "undefined"), "two agents, reporting no status");
    assertEquals(2, after.sum("heartgate_agents"), "and no other");
    assertEquals(1.0, after.sum("heartgate_store_up", "store", "sqlite"));

    assertTrue(after.sum("vertx_http_server_requests_total", "route", HeartbeatRoutes.PATH, "code", "204") >= 3,
        after.text());
    for (Scrape.Sample sample : after.samples()) {
      assertFalse(sample.labels().containsKey("remote") || sample.labels().containsKey("path"), sample.toString());
      for (String value : sample.labels().values()) {
        for (String secret : List.of("metrics-a", "metrics-b", agentToken, noHeartbeat, UNKNOWN_TOKEN, "viewer",
            config.json().getString("id"))) {
          assertFalse(value.contains(secret), "a label carries " + secret + ": " + sample);
        }
      }
    }
  }

  private Reply login(String username, String password) {
    return gateway.post("/api/auth/login/local", Credentials.NONE,
        new JsonObject().put("username", username).put("password", password));
  }

  private static double delta(Scrape before, Scrape after, String name, String... labels) {
    return after.sum(name, labels) - before.sum(name, labels);
  }

  /** A client may send any token as its method: the method label names the known ones only, the rest "other". */
  @Test
  void madeUpMethodsAddNoSeries() throws Exception {
    gateway = TestGateway.start(StoreKind.SQLITE.freshStore(tempDir));
    Team team = Team.create(gateway);
    for (int i = 0; i < 5; i++) {
      RawHttp.Answer answer = RawHttp.exchange(gateway.apiPort(),
          "MADEUP" + i + " /api/agents HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", 2_000);
      assertTrue(answer.text().startsWith("HTTP/1.1 4"), answer.text());
    }
    Scrape scrape = scrape(gateway, Credentials.bearer(metricsToken(team)));
    assertFalse(scrape.text().contains("MADEUP"), scrape.text());
    assertTrue(scrape.sum("vertx_http_server_requests_total", "method", "other") >= 5, scrape.text());
  }

  /** HTTP_METRICS=false leaves Vert.x's per-request meters out; the gateway's own meters stay and move. */
  @Test
  void withoutHttpMetricsTheGatewaysOwnMetersRemain() throws Exception {
    gateway = TestGateway.start(StoreKind.SQLITE.freshStore(tempDir), "--http-metrics", "false");
    Team team = Team.create(gateway);
    String token = metricsToken(team);
    Scrape before = scrape(gateway, Credentials.bearer(token));
    assertEquals(401, heartbeat(gateway, UNKNOWN_TOKEN, TelegrafAgent.heartbeat("agent-1")).statusCode());
    Scrape after = scrape(gateway, Credentials.bearer(token));
    assertEquals(1.0, delta(before, after, "heartgate_heartbeats_refused_total", "status", "401"));
    assertTrue(after.has("jvm_memory_used_bytes"), after.text());
    assertFalse(after.text().contains("vertx_http_server"), after.text());
  }

  @Test
  void aDisabledMetricsGroupNeedsNoToken() throws Exception {
    gateway = TestGateway.start(StoreKind.SQLITE.freshStore(tempDir), "--disable-auth-endpoints", "metrics");
    Team.create(gateway);
    Scrape scrape = scrape(gateway, Credentials.NONE);
    assertTrue(scrape.has("heartgate_heartbeats_acknowledged_total"));
    assertEquals(401, gateway.get("/api/tokens", Credentials.NONE).status(), "other routes still need a token");
  }

  @Test
  void anInvalidationMadeOnAnotherNodeCountsAsRemote() throws Exception {
    DatabaseUrl shared = TestPostgres.shared().newDatabase();
    gateway = TestGateway.start(shared);
    other = TestGateway.start(shared);
    Team team = Team.create(gateway);
    Credentials prometheus = Credentials.bearer(metricsToken(team));
    Scrape beforeHere = scrape(gateway, prometheus);
    Scrape beforeThere = scrape(other, prometheus);

    JsonObject token = team.token(team.session("owner"), "agent", "telegraf-agent");
    Reply revoked = gateway.post("/api/tokens/" + token.getString("id") + "/revoke", team.session("owner"), null);
    assertEquals(200, revoked.status(), revoked.toString());

    Poll.until(DEADLINE, "the other node hears of it", () -> delta(beforeThere, scrape(other, prometheus),
        "heartgate_token_cache_invalidations_total", "origin", "remote") >= 1);
    Scrape afterHere = scrape(gateway, prometheus);
    assertTrue(delta(beforeHere, afterHere, "heartgate_token_cache_invalidations_total", "origin", "local") >= 1);
    assertEquals(0, delta(beforeHere, afterHere, "heartgate_token_cache_invalidations_total", "origin", "remote"),
        "a node's own change, heard back on the feed, is not another node's");
    assertEquals(0, delta(beforeThere, scrape(other, prometheus), "heartgate_token_cache_invalidations_total",
        "origin", "local"));
  }

  @Test
  void aStoreOutageShowsAsStoreDownAndRefusedHeartbeats() throws Exception {
    postgres = TestPostgres.startThrowaway();
    gateway = TestGateway.start(postgres.newDatabase());
    Team team = Team.create(gateway);
    Credentials prometheus = Credentials.bearer(metricsToken(team));
    String agentToken = team.token(team.session("owner"), "fleet", "telegraf-agent").getString("token");
    assertEquals(204, heartbeat(gateway, agentToken, TelegrafAgent.heartbeat("outage-a")).statusCode(),
        "caches the agent's grant");
    Scrape before = scrape(gateway, prometheus);
    assertEquals(1.0, before.sum("heartgate_store_up", "store", "postgres"));

    postgres.stopServer();
    Poll.until(DEADLINE, "a heartbeat refused for the store", () -> {
      try {
        return heartbeat(gateway, agentToken, TelegrafAgent.heartbeat("outage-a")).statusCode() == 503;
      } catch (RuntimeException timedOut) {
        return false;
      }
    });
    Scrape down = scrape(gateway, prometheus);
    assertEquals(0.0, down.sum("heartgate_store_up", "store", "postgres"), down.text());
    assertTrue(delta(before, down, "heartgate_heartbeats_refused_total", "status", "503", "reason",
        "store_unavailable") >= 1, down.text());

    postgres.startServer();
    Poll.until(DEADLINE, "the store is up again",
        () -> scrape(gateway, prometheus).sum("heartgate_store_up", "store", "postgres") == 1.0);
  }
}
