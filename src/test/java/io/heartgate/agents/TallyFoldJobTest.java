package io.heartgate.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * On PostgreSQL the tally's triggers append a row per change; the auto-delete job folds them on each run, so the
 * table keeps one row per pair of reported status and release, and the summary counts the same.
 */
class TallyFoldJobTest {
  private static final Duration DEADLINE = Duration.ofSeconds(20);
  private final Vertx vertx = Vertx.vertx();
  private Pool sql;
  private TestGateway gateway;

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
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
}
