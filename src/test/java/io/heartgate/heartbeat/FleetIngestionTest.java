package io.heartgate.heartbeat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heartgate.testsupport.Credentials;
import io.heartgate.testsupport.Reply;
import io.heartgate.testsupport.StoreKind;
import io.heartgate.testsupport.Team;
import io.heartgate.testsupport.TelegrafAgent;
import io.heartgate.testsupport.TestGateway;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Thousands of agents posting at once over HTTP: every 204 is a stored heartbeat, readable the moment the agent
 * got its answer, and the repeats of one agent are all counted although the writer coalesces them.
 */
class FleetIngestionTest {
  private static final int AGENTS = 3000;
  private static final int REPEATS = 600;
  private static final int IN_FLIGHT = 128;
  /** Every this many agents, the test reads the agent back as soon as its heartbeat was answered. */
  private static final int READ_BACK_EVERY = 25;
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  @TempDir
  Path tempDir;
  private TestGateway gateway;

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  private record Outcome(String agentId, int status, int readBack) {
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void everyAcknowledgedHeartbeatOfAThousandsStrongFleetIsStored(StoreKind kind) throws Exception {
    gateway = TestGateway.start(kind.freshStore(tempDir));
    Team team = Team.create(gateway);
    Credentials viewer = team.session("viewer");
    String token = team.token(team.session("owner"), "fleet", "telegraf-agent").getString("token");
    String authorization = "Bearer " + team.token(team.session("owner"), "reader", "read-only").getString("token");

    List<String> sends = new ArrayList<>(AGENTS + REPEATS);
    for (int i = 0; i < AGENTS; i++) {
      sends.add(String.format("fleet-%05d", i));
      if (i % (AGENTS / REPEATS) == 0) {
        sends.add("chatty");
      }
    }
    Semaphore slots = new Semaphore(IN_FLIGHT);
    Queue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    List<CompletableFuture<Void>> all = new ArrayList<>(sends.size());
    for (int i = 0; i < sends.size(); i++) {
      String agentId = sends.get(i);
      boolean readBack = agentId.startsWith("fleet-") && i % READ_BACK_EVERY == 0;
      slots.acquire();
      HttpRequest request = TelegrafAgent.request(gateway.heartbeatListener(HeartbeatRoutes.PATH), token,
          TelegrafAgent.heartbeat(agentId).getBytes(StandardCharsets.UTF_8)).timeout(Duration.ofSeconds(30)).build();
      all.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofString())
          .thenCompose(response -> !readBack || response.statusCode() != 204
              ? CompletableFuture.completedFuture(new Outcome(agentId, response.statusCode(), 0))
              : client.sendAsync(HttpRequest.newBuilder(gateway.api("/api/agents/" + agentId))
                      .header("Authorization", authorization).timeout(Duration.ofSeconds(30)).build(),
                  HttpResponse.BodyHandlers.discarding())
                  .thenApply(read -> new Outcome(agentId, response.statusCode(), read.statusCode())))
          .thenAccept(outcomes::add)
          .whenComplete((ignored, failure) -> slots.release()));
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);

    assertEquals(sends.size(), outcomes.size());
    Map<Integer, Integer> statuses = new HashMap<>();
    outcomes.forEach(o -> statuses.merge(o.status(), 1, Integer::sum));
    assertEquals(Map.of(204, sends.size()), statuses, "every heartbeat acknowledged");
    List<Outcome> readBacks = outcomes.stream().filter(o -> o.readBack() != 0).toList();
    assertTrue(readBacks.size() >= AGENTS / READ_BACK_EVERY / 2, "read back " + readBacks.size());
    readBacks.forEach(o -> assertEquals(200, o.readBack(), o.agentId() + " was acknowledged before it was stored"));

    JsonObject summary = gateway.get("/api/agents/summary", viewer).json();
    assertEquals(AGENTS + 1L, summary.getLong("total"), "one row per agent, none lost");
    long chatty = gateway.get("/api/agents/chatty", viewer).json().getLong("heartbeats");
    assertEquals(REPEATS, chatty, "coalesced repeats are all counted");
    assertEquals(sends.size(), sumOfHeartbeats(viewer), "every acknowledged heartbeat counted once");
  }

  private long sumOfHeartbeats(Credentials viewer) {
    long sum = 0;
    String cursor = null;
    do {
      Reply page = gateway.get("/api/agents?limit=1000"
          + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)), viewer);
      assertEquals(200, page.status(), page.toString());
      for (Object agent : page.json().getJsonArray("agents")) {
        sum += ((JsonObject) agent).getLong("heartbeats");
      }
      cursor = page.json().getString("nextCursor");
    } while (cursor != null);
    return sum;
  }
}
