package io.heartgate.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.heartgate.heartbeat.HeartbeatRoutes;
import io.heartgate.settings.DatabaseUrl;
import io.heartgate.testsupport.Await;
import io.heartgate.testsupport.Credentials;
import io.heartgate.testsupport.MovableClock;
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
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two nodes on one PostgreSQL, both asked to sweep every second: only one runs the auto-delete job, and the
 * other takes it over when that one stops.
 */
class AgentSweeperLeadershipTest {
  private static final Duration DEADLINE = Duration.ofSeconds(20);
  private final Vertx vertx = Vertx.vertx();
  private Pool sql;
  private TestGateway first;
  private TestGateway second;

  @AfterEach
  void stop() {
    for (TestGateway node : new TestGateway[] {first, second}) {
      if (node != null) {
        node.close();
      }
    }
    if (sql != null) {
      Await.of(sql.close());
    }
    Await.of(vertx.close());
  }

  /** The last sweep as its node recorded it, or null before the first. */
  private JsonObject lastSweep() {
    RowSet<Row> rows = Await.of(sql.preparedQuery("SELECT value FROM settings WHERE key = $1")
        .execute(Tuple.of(AgentSweeperVerticle.RECORD_KEY)));
    return rows.size() == 0 ? null : new JsonObject(rows.iterator().next().getString(0));
  }

  /** Watches the sweep record until it has changed this many times; returns the nodes that wrote it. */
  private Set<String> sweepersOver(int sweeps) {
    Set<String> nodes = new HashSet<>();
    long[] lastAt = {-1};
    int[] seen = {0};
    Poll.until(DEADLINE, sweeps + " sweeps", () -> {
      JsonObject sweep = lastSweep();
      if (sweep != null && sweep.getLong("at") != lastAt[0]) {
        lastAt[0] = sweep.getLong("at");
        nodes.add(sweep.getString("node"));
        seen[0]++;
      }
      return seen[0] >= sweeps;
    });
    return nodes;
  }

  @Test
  void oneNodeSweepsAndTheOtherTakesOverWhenItStops() throws Exception {
    DatabaseUrl.Postgres store = TestPostgres.shared().newDatabase();
    first = TestGateway.start(store, "--agent-sweep-interval", "1");
    sql = PgBuilder.pool().connectingTo(TestPostgres.connectOptions(store)).using(vertx).build();
    Poll.until(DEADLINE, "the first node to sweep", () -> lastSweep() != null);
    MovableClock secondClock = new MovableClock();
    second = TestGateway.start(store, secondClock, "--agent-sweep-interval", "1");

    assertEquals(Set.of(first.nodeId()), sweepersOver(4), "only the leader sweeps while it lives");

    Team team = Team.create(second);
    Credentials owner = team.session("owner");
    String token = team.token(owner, "fleet", "telegraf-agent").getString("token");
    Reply rule = second.post("/api/reporting-rules", owner, new JsonObject().put("name", "ephemeral")
        .put("notReportingAfterSeconds", 1).put("autoDeleteAfterSeconds", 1));
    assertEquals(201, rule.status(), rule.toString());
    first.close();
    first = null;

    Poll.until(DEADLINE, "the second node to take over", () -> second.nodeId().equals(lastSweep().getString("node")));
    assertEquals(204, TelegrafAgent.post(second.heartbeatListener(HeartbeatRoutes.PATH), token,
        TelegrafAgent.heartbeat("short-lived")).statusCode());
    assertEquals(200, second.call("PATCH", "/api/agents/short-lived", owner,
        new JsonObject().put("reportingRuleId", rule.json().getString("id"))).status());
    secondClock.advance(Duration.ofSeconds(2));
    Poll.until(DEADLINE, "the new leader to auto-delete the silent agent",
        () -> second.get("/api/agents/short-lived", owner).status() == 404);
  }
}
