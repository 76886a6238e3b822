package io.heartgate.heartbeat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heartgate.testsupport.Credentials;
import io.heartgate.testsupport.Poll;
import io.heartgate.testsupport.Team;
import io.heartgate.testsupport.TelegrafAgent;
import io.heartgate.testsupport.TestGateway;
import io.heartgate.testsupport.TestPostgres;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL stopped while agents keep posting: heartbeats get 503 with Retry-After, never a 204 that was not
 * written, and ingestion resumes by itself when the server is back.
 */
class HeartbeatOutageTest {
  private static final int AGENTS = 20;
  private static final int SENDERS = 4;
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private TestPostgres postgres;
  private TestGateway gateway;

  @BeforeEach
  void ownCluster() {
    postgres = TestPostgres.startThrowaway();
  }

  @AfterEach
  void destroy() {
    if (gateway != null) {
      gateway.close();
    }
    postgres.destroy();
  }

  /** What the agents were told, per agent, and anything they should never have been told. */
  private static final class Tally {
    final Map<String, AtomicInteger> acknowledged = new ConcurrentHashMap<>();
    final AtomicInteger sent = new AtomicInteger();
    final AtomicInteger unavailable = new AtomicInteger();
    final AtomicInteger ok = new AtomicInteger();
    final AtomicReference<String> unexpected = new AtomicReference<>();

    void record(String agentId, HttpResponse<String> response) {
      if (response.statusCode() == 204) {
        acknowledged.computeIfAbsent(agentId, id -> new AtomicInteger()).incrementAndGet();
        ok.incrementAndGet();
      } else if (response.statusCode() == 503 && response.headers().firstValue("Retry-After").isPresent()) {
        unavailable.incrementAndGet();
      } else {
        unexpected.compareAndSet(null, response.statusCode() + " " + response.headers().map() + " "
            + response.body());
      }
    }
  }

  @Test
  void heartbeatsDuringAnOutageAre503AndNeverFalselyAcknowledged() throws Exception {
    gateway = TestGateway.start(postgres.newDatabase());
    Team team = Team.create(gateway);
    Credentials viewer = team.session("viewer");
    String token = team.token(team.session("owner"), "fleet", "telegraf-agent").getString("token");

    Tally tally = new Tally();
    AtomicBoolean sending = new AtomicBoolean(true);
    List<Thread> senders = new ArrayList<>();
    for (int s = 0; s < SENDERS; s++) {
      int sender = s;
      Thread thread = new Thread(() -> {
        for (int i = sender; sending.get(); i += SENDERS) {
          String agentId = "outage-" + (i % AGENTS);
          tally.sent.incrementAndGet();
          try {
            tally.record(agentId, TelegrafAgent.post(gateway.heartbeatListener(HeartbeatRoutes.PATH), token,
                TelegrafAgent.heartbeat(agentId)));
          } catch (RuntimeException e) {
            tally.unexpected.compareAndSet(null, e.toString());
          }
        }
      }, "agent-sender-" + s);
      senders.add(thread);
      thread.start();
    }
    try {
      Poll.until(DEADLINE, "heartbeats flowing", () -> tally.ok.get() >= 200);
      postgres.stopServer();
      Poll.until(DEADLINE, "heartbeats refused with 503", () -> tally.unavailable.get() >= 50);
      int acknowledgedBeforeRestart = tally.ok.get();
      postgres.startServer();
      Poll.until(DEADLINE, "ingestion resumed", () -> tally.ok.get() >= acknowledgedBeforeRestart + 200);
    } finally {
      sending.set(false);
      for (Thread thread : senders) {
        thread.join();
      }
    }

    assertEquals(null, tally.unexpected.get(), "only 204 or 503 with Retry-After");
    long stored = 0;
    for (int i = 0; i < AGENTS; i++) {
      String agentId = "outage-" + i;
      JsonObject agent = gateway.get("/api/agents/" + agentId, viewer).json();
      int acknowledged = tally.acknowledged.get(agentId).get();
      // A commit whose reply was cut by the outage is stored but was answered 503: more, never fewer.
      assertTrue(agent.getLong("heartbeats") >= acknowledged,
          agentId + ": stored " + agent.getLong("heartbeats") + " < acknowledged " + acknowledged);
      stored += agent.getLong("heartbeats");
    }
    assertTrue(stored <= tally.sent.get(), "stored " + stored + " of " + tally.sent.get() + " sent");
    assertEquals(200, TestGateway.get(gateway.heartbeatListener("/health/ready")).statusCode());
  }
}
