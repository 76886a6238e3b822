package io.heartgate.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.heartgate.testsupport.Credentials;
import io.heartgate.testsupport.Poll;
import io.heartgate.testsupport.Reply;
import io.heartgate.testsupport.Team;
import io.heartgate.testsupport.TestGateway;
import io.heartgate.testsupport.TestPostgres;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Readiness follows the store: 503 while PostgreSQL is down, 200 again once it is back, with no restart. */
class PostgresOutageTest {
  private TestPostgres postgres;

  @BeforeEach
  void ownCluster() {
    postgres = TestPostgres.startThrowaway();
  }

  @AfterEach
  void destroyCluster() {
    postgres.destroy();
  }

  @Test
  void readyTurns503WhilePostgresIsDownAnd200WhenItReturns() throws Exception {
    try (TestGateway gateway = TestGateway.start(postgres.newDatabase())) {
      assertEquals(200, status(gateway));

      postgres.stopServer();
      Poll.until(Duration.ofSeconds(15), "ready turns 503", () -> status(gateway) == 503);
      HttpResponse<String> down = TestGateway.get(gateway.heartbeatListener("/health/ready"));
      assertEquals(503, down.statusCode());
      assertEquals(false, new JsonObject(down.body()).getBoolean("ready"));
      // Today: the message named the store's address, user and database, and the driver's error, to anyone.
      assertEquals("Not ready: the store does not answer", new JsonObject(down.body()).getString("message"));
      assertEquals("5", down.headers().firstValue("retry-after").orElse(""));
      assertEquals(200, TestGateway.get(gateway.api("/health/live")).statusCode(), "live does not depend on the store");

      postgres.startServer();
      Poll.until(Duration.ofSeconds(15), "ready turns 200 again", () -> status(gateway) == 200);
    }
  }

  /**
   * A change of what a config serves, which takes a lock on a connection of its own, answers 503
   * {@code store_unavailable} while PostgreSQL is down (not 500, not a wait), and goes through once it is back.
   */
  @Test
  void aConfigEditWhilePostgresIsDownIs503AndWorksWhenItReturns() throws Exception {
    try (TestGateway gateway = TestGateway.start(postgres.newDatabase())) {
      Credentials owner = Team.create(gateway).session("owner");
      Reply created = gateway.post("/api/configs", owner, new JsonObject().put("name", "cpu").put("toml", "[cpu]\n"));
      assertEquals(201, created.status(), created.toString());
      String config = "/api/configs/" + created.json().getString("id");
      JsonObject edit = new JsonObject().put("toml", "[mem]\n");

      postgres.stopServer();
      Reply down = gateway.call("PATCH", config, owner, edit);
      assertEquals(503, down.status(), down.toString());
      assertEquals("store_unavailable", down.error());

      postgres.startServer();
      Poll.until(Duration.ofSeconds(15), "the edit goes through", () ->
          gateway.call("PATCH", config, owner, edit).status() == 200);
      assertEquals("[mem]\n", gateway.get(config, owner).json().getString("toml"));
    }
  }

  private static int status(TestGateway gateway) {
    return TestGateway.get(gateway.api("/health/ready")).statusCode();
  }
}
