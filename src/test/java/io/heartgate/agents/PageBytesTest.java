package io.heartgate.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heartgate.heartbeat.HeartbeatRoutes;
import io.heartgate.testsupport.Credentials;
import io.heartgate.testsupport.Reply;
import io.heartgate.testsupport.StoreKind;
import io.heartgate.testsupport.Team;
import io.heartgate.testsupport.TelegrafAgent;
import io.heartgate.testsupport.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A page of agents ends before it passes about 4 MiB, with a cursor to go on, however large its limit. Today (a
 * fourth probe): a page of a thousand agents at the largest heartbeats (59 MB of JSON) took 180–240 MiB of a 256 MiB
 * heap to build, and one such page went unanswered.
 */
class PageBytesTest {
  private static final int AGENTS = 300;
  @TempDir
  Path tempDir;
  private TestGateway gateway;

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  @Test
  void aPageOfLargeAgentsEndsEarlyAndTheCursorGoesOn() throws Exception {
    gateway = TestGateway.start(StoreKind.SQLITE.freshStore(tempDir));
    Team team = Team.create(gateway);
    Credentials viewer = team.session("viewer");
    String token = team.token(team.session("owner"), "fleet", "telegraf-agent").getString("token");
    JsonArray sources = new JsonArray();
    for (int i = 0; i < 4; i++) {
      sources.add("/etc/telegraf/telegraf.d/" + String.valueOf((char) ('a' + i)).repeat(3_970) + ".conf");
    }
    for (int i = 0; i < AGENTS; i++) {
      JsonObject body = new JsonObject(TelegrafAgent.heartbeat(String.format("big-%03d", i)))
          .put("configurations", sources);
      assertEquals(204, TelegrafAgent.post(gateway.heartbeatListener(HeartbeatRoutes.PATH), token, body.encode())
          .statusCode());
    }
    List<String> seen = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    String cursor = null;
    do {
      Reply page = gateway.get("/api/agents?limit=1000" + (cursor == null ? ""
          : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)), viewer);
      assertEquals(200, page.status(), page.toString());
      assertTrue(page.body().length() <= AgentRoutes.PAGE_BYTES + 64 * 1024, "bytes: " + page.body().length());
      JsonArray agents = page.json().getJsonArray("agents");
      sizes.add(agents.size());
      agents.forEach(agent -> seen.add(((JsonObject) agent).getString("id")));
      cursor = page.json().getString("nextCursor");
    } while (cursor != null && sizes.size() < 10);
    assertTrue(sizes.size() >= 2, "more than one page: " + sizes);
    Set<String> distinct = new HashSet<>(seen);
    assertEquals(AGENTS, seen.size(), "every agent once: " + sizes);
    assertEquals(AGENTS, distinct.size());
  }
}
