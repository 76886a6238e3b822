package io.heartgate.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heartgate.heartbeat.HeartbeatRoutes;
import io.heartgate.settings.DatabaseUrl;
import io.heartgate.testsupport.Await;
import io.heartgate.testsupport.Credentials;
import io.heartgate.testsupport.Poll;
import io.heartgate.testsupport.Reply;
import io.heartgate.testsupport.Team;
import io.heartgate.testsupport.TelegrafAgent;
import io.heartgate.testsupport.TestGateway;
import io.heartgate.testsupport.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The summary's tally on PostgreSQL, where its triggers append a row per change: the auto-delete job folds them on
 * each run, so the table keeps one row per pair of reported status and release; and two nodes writing and deleting
 * the same agents at once, while the job folds, leave it counting exactly what the store holds.
 */
class AgentTallyClusterTest {
  private static final Duration DEADLINE = Duration.ofSeconds(20);
  private final Vertx vertx = Vertx.vertx();
  private Pool sql;
  private TestGateway gateway;
  private TestGateway other;

  @AfterEach
  void stop() {
    for (TestGateway node : new TestGateway[] {gateway, other}) {
      if (node != null) {
        node.close();
      }
    }
    if (sql != null) {
      Await.of(sql.close());
    }
    Await.of(vertx.close());
  }

  @Test
  void theJobFoldsTheChangesIntoOneRowPerPair() throws Exception {
    DatabaseUrl.Postgres store = TestPostgres.shared().newDatabase();
    gateway = TestGateway.start(store, "--agent-sweep-interval", "1");
    sql = PgBuilder.pool().connectingTo(TestPostgres.connectOptions(store)).using(vertx).build();
    Team team = Team.create(gateway);
    Credentials owner = team.session("owner");
    String token = team.token(owner, "fleet", "telegraf-agent").getString("token");
    // Three agents, then two of them change status: at least five changes appended (three agents, two moves of -1
    // and +1), and three pairs left: (ok), (warn), (fail), all of one release.
    for (String[] beat : new String[][] {{"a", "OK"}, {"b", "OK"}, {"c", "OK"}, {"a", "WARN"}, {"b", "FAIL"}}) {
      JsonObject body = new JsonObject(TelegrafAgent.heartbeat(beat[0])).put("status", beat[1]);
      assertEquals(204, TelegrafAgent.post(gateway.heartbeatListener(HeartbeatRoutes.PATH), token, body.encode())
          .statusCode());
    }

    Poll.until(DEADLINE, "the job to fold the tally", () -> Await.of(sql.preparedQuery(
        "SELECT COUNT(*) FROM agent_tally").execute(Tuple.tuple())).iterator().next().getLong(0) == 3);
    Reply summary = gateway.get("/api/agents/summary", owner);
    assertEquals(200, summary.status(), summary.toString());
    JsonObject status = summary.json().getJsonObject("status");
    assertEquals(3, summary.json().getLong("total"));
    assertEquals(1, status.getLong("ok"));
    assertEquals(1, status.getLong("warn"));
    assertEquals(1, status.getLong("fail"));
  }

  @Test
  void twoNodesRacingOnTheSameAgentsKeepItExact() throws Exception {
    DatabaseUrl.Postgres store = TestPostgres.shared().newDatabase();
    gateway = TestGateway.start(store);
    other = TestGateway.start(store, "--agent-sweep-interval", "1");
    sql = PgBuilder.pool().connectingTo(TestPostgres.connectOptions(store)).using(vertx).build();
    Team team = Team.create(gateway);
    Credentials owner = team.session("owner");
    String token = team.token(owner, "fleet", "telegraf-agent").getString("token");
    TestGateway[] nodes = {gateway, other};
    String[] statuses = {"OK", "WARN", "FAIL", "UNDEFINED"};
    String[] versions = {TelegrafAgent.VERSION, "Telegraf 1.38.0 (git: HEAD@0000beef)"};
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<?>> writers = new ArrayList<>();
    for (int w = 0; w < 4; w++) {
      int writer = w;
      writers.add(pool.submit(() -> {
        Random random = new Random(writer);
        for (int i = 0; i < 150; i++) {
          TestGateway node = nodes[random.nextInt(2)];
          String id = "race-" + random.nextInt(40);
          if (writer == 0 && i % 3 == 0) {
            int deleted = node.call("DELETE", "/api/agents/" + id, owner, null).status();
            assertTrue(deleted == 204 || deleted == 404, "delete answered " + deleted);
            continue;
          }
          JsonObject body = new JsonObject(TelegrafAgent.heartbeat(id))
              .put("status", statuses[random.nextInt(statuses.length)])
              .put("version", versions[random.nextInt(versions.length)]);
          int answered = TelegrafAgent.post(node.heartbeatListener(HeartbeatRoutes.PATH), token, body.encode())
              .statusCode();
          assertTrue(answered == 204 || answered == 503, "heartbeat answered " + answered);
        }
      }));
    }
    try {
      for (Future<?> writer : writers) {
        writer.get();
      }
    } finally {
      pool.shutdownNow();
    }

    Map<String, Long> stored = new TreeMap<>();
    long total = 0;
    for (Row row : Await.of(sql.preparedQuery("SELECT COALESCE(reported_status, 'undefined'), COUNT(*) FROM agents "
        + "GROUP BY 1").execute(Tuple.tuple()))) {
      stored.put(row.getString(0), row.getLong(1));
      total += row.getLong(1);
    }
    for (TestGateway node : nodes) {
      Reply summary = node.get("/api/agents/summary", owner);
      assertEquals(200, summary.status(), summary.toString());
      assertEquals(total, summary.json().getLong("total"));
      Map<String, Long> counted = new TreeMap<>();
      summary.json().getJsonObject("status").forEach(entry -> {
        if (((Number) entry.getValue()).longValue() > 0) {
          counted.put(entry.getKey(), ((Number) entry.getValue()).longValue());
        }
      });
      assertEquals(stored, counted);
    }
  }
}
