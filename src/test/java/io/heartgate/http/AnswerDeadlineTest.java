package io.heartgate.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heartgate.Heartgate;
import io.heartgate.heartbeat.HeartbeatRoutes;
import io.heartgate.settings.DatabaseUrl;
import io.heartgate.testsupport.Await;
import io.heartgate.testsupport.Credentials;
import io.heartgate.testsupport.LogRecords;
import io.heartgate.testsupport.Poll;
import io.heartgate.testsupport.Reply;
import io.heartgate.testsupport.Scrape;
import io.heartgate.testsupport.StoreKind;
import io.heartgate.testsupport.Team;
import io.heartgate.testsupport.TelegrafAgent;
import io.heartgate.testsupport.TestGateway;
import io.heartgate.testsupport.TestStores;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A request the gateway cannot answer before the idle timeout would close its connection (the store held by another
 * writer, say) is answered 503 with Retry-After just before, and its late answer is dropped without a word. Today the
 * connection was closed with no answer at all: the client could not tell a slow store from a broken network, and
 * neither the access log nor the meters saw a request.
 */
class AnswerDeadlineTest {
  @TempDir
  Path tempDir;

  @RegisterExtension
  final TestStores stores = new TestStores();

  /**
   * On PostgreSQL, whose pool gives the scrape's ping a connection of its own while the late requests wait for the
   * tables held: on SQLite the ping waits for the one connection too (2 s at most), which raced the scrape's own
   * deadline and the store's busy timeout.
   */
  @Test
  void aRequestStillUnansweredBeforeTheIdleTimeoutGets503AndItsLateAnswerIsDropped() throws Exception {
    DatabaseUrl url = StoreKind.POSTGRES.freshStore(tempDir);
    // The answer is due 2 s before the idle timeout: 2 s here.
    try (TestGateway gateway = TestGateway.start(url, "--idle-timeout", "4");
        LogRecords unhandled = LogRecords.of(Heartgate.class);
        LogRecords errors = LogRecords.of(ErrorResponder.class)) {
      Team team = Team.create(gateway);
      Credentials owner = team.session("owner");
      String agentToken = team.token(owner, "agent", "telegraf-agent").getString("token");
      Credentials prometheus = Credentials.bearer(
          team.token(owner, "prometheus", List.of("metrics:read")).getString("token"));
      assertEquals(0, bufferedBytes(gateway, prometheus));
      Promise<Void> release = Promise.promise();
      Promise<Void> held = Promise.promise();
      Future<Void> holding = stores.open(url, 1).inTransaction(other -> other.query(
              "LOCK TABLE tokens, agents IN EXCLUSIVE MODE").<Void>mapEmpty()
          .onSuccess(held::tryComplete)
          .compose(locked -> release.future()));
      Await.of(held.future());
      CompletableFuture<Reply> created = CompletableFuture.supplyAsync(() -> gateway.post("/api/tokens", owner,
          new JsonObject().put("name", "late").put("permissions", List.of("configs:read"))));
      CompletableFuture<HttpResponse<String>> heartbeat = CompletableFuture.supplyAsync(() -> TelegrafAgent.post(
          gateway.heartbeatListener(HeartbeatRoutes.PATH), agentToken, TelegrafAgent.heartbeat("late-agent")));

      Reply answer = created.join();
      assertEquals(503, answer.status(), answer.toString());
      assertEquals("unavailable", answer.error());
      assertEquals(String.valueOf(ErrorResponder.RETRY_AFTER_SECONDS), answer.header("Retry-After"));
      HttpResponse<String> heartbeatAnswer = heartbeat.join();
      assertEquals(503, heartbeatAnswer.statusCode(), heartbeatAnswer.body());
      assertTrue(bufferedBytes(gateway, prometheus) > 0, "their bodies keep their room while they are processed");
      release.complete();
      Await.of(holding);
      // What the late requests asked for may still be done (a 503 says to try again, not that nothing happened).
      Poll.until(Duration.ofSeconds(10), "the token asked for late is created once the store is free",
          () -> gateway.get("/api/tokens", owner).json().getJsonArray("tokens").stream()
              .anyMatch(token -> "late".equals(((JsonObject) token).getString("name"))));
      Poll.until(Duration.ofSeconds(10), "the late heartbeat is written",
          () -> gateway.get("/api/agents/late-agent", owner).status() == 200);
      assertEquals(201, gateway.post("/api/tokens", owner, new JsonObject().put("name", "after")
          .put("permissions", List.of("configs:read"))).status());
      List<String> severe = Stream.concat(unhandled.records().stream(), errors.records().stream())
          .filter(record -> record.getLevel().intValue() >= Level.WARNING.intValue())
          .map(record -> record.getMessage() + " " + record.getThrown()).toList();
      assertTrue(severe.isEmpty(), "late answers dropped quietly: " + severe);
      assertEquals(0, bufferedBytes(gateway, prometheus), "the room given back once they were done");
    }
  }

  private static double bufferedBytes(TestGateway gateway, Credentials prometheus) {
    Reply reply = gateway.get("/metrics", prometheus);
    assertEquals(200, reply.status(), reply.toString());
    return Scrape.parse(reply.body()).sum("heartgate_request_buffer_bytes");
  }
}
