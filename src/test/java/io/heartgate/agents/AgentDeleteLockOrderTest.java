package io.heartgate.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.heartgate.heartbeat.HeartbeatRoutes;
import io.heartgate.settings.DatabaseUrl;
import io.heartgate.testsupport.Await;
import io.heartgate.testsupport.Credentials;
import io.heartgate.testsupport.Poll;
import io.heartgate.testsupport.Team;
import io.heartgate.testsupport.TelegrafAgent;
import io.heartgate.testsupport.TestGateway;
import io.heartgate.testsupport.TestPostgres;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * On PostgreSQL a heartbeat batch locks an agent's heartbeat details before its agents row (the details are the
 * batch statement's main insert, the agents upsert its WITH part, which runs after it). Deleting an agent must take
 * them in the same order: deleting the agents row first, whose cascade then waited for the details a batch held
 * while the batch waited for the agents row, was a deadlock, and the delete answered 500 (seen in CI).
 */
class AgentDeleteLockOrderTest {
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
  void aDeleteMeetingAHeartbeatBatchWaitsForItInsteadOfDeadlocking() throws Exception {
    DatabaseUrl.Postgres store = TestPostgres.shared().newDatabase();
    gateway = TestGateway.start(store);
    sql = PgBuilder.pool().connectingTo(TestPostgres.connectOptions(store)).using(vertx).build();
    Team team = Team.create(gateway);
    Credentials owner = team.session("owner");
    String token = team.token(owner, "fleet", "telegraf-agent").getString("token");
    assertEquals(204, TelegrafAgent.post(gateway.heartbeatListener(HeartbeatRoutes.PATH), token,
        TelegrafAgent.heartbeat("x")).statusCode());

    // A heartbeat batch halfway: the agent's details locked, its agents row not yet.
    SqlConnection batch = Await.of(sql.getConnection());
    Transaction transaction = Await.of(batch.begin());
    Await.of(batch.query("SELECT agent_id FROM agent_heartbeats WHERE agent_id = 'x' FOR UPDATE").execute());
    CompletableFuture<Integer> deleted = CompletableFuture.supplyAsync(
        () -> gateway.call("DELETE", "/api/agents/x", owner, null).status());
    Poll.until(DEADLINE, "the delete to wait for the batch", () -> Await.of(sql.preparedQuery(
        "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' "
            + "AND query LIKE 'DELETE FROM agent%'")
        .execute(Tuple.tuple())).iterator().next().getLong(0) == 1);
    // The batch goes on to the agents row, and commits.
    Await.of(batch.query("UPDATE agents SET heartbeats = heartbeats + 1 WHERE id = 'x'").execute());
    Await.of(transaction.commit());
    Await.of(batch.close());

    assertEquals(204, deleted.get(DEADLINE.toSeconds(), TimeUnit.SECONDS),
        "the delete waited for the batch, then deleted the agent");
    assertEquals(0L, Await.of(sql.preparedQuery("SELECT COUNT(*) FROM agents WHERE id = 'x'")
        .execute(Tuple.tuple())).iterator().next().getLong(0));
  }
}
