package io.heartgate.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heartgate.testsupport.Credentials;
import io.heartgate.testsupport.HeldListing;
import io.heartgate.testsupport.Poll;
import io.heartgate.testsupport.Reply;
import io.heartgate.testsupport.Team;
import io.heartgate.testsupport.TestGateway;
import io.heartgate.testsupport.TestPostgres;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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

  /**
   * A listing is written a page at a time: once its 200 and first page are out, a store failure cannot change its
   * status, and its client must see a broken answer (no last chunk), never a short one that reads as whole.
   */
  @Test
  void aListingWhoseStoreFailsMidwayIsCutNotEndedShort() throws Exception {
    try (TestGateway gateway = TestGateway.start(postgres.newDatabase())) {
      Team team = Team.create(gateway);
      Credentials owner = team.session("owner");
      HeldListing.store(gateway, owner);
      String token = team.token(owner, "reader", "full").getString("token");
      try (Socket socket = HeldListing.ask(gateway, token)) {
        socket.setSoTimeout(30_000);
        byte[] head = socket.getInputStream().readNBytes(12);
        assertEquals("HTTP/1.1 200", new String(head, StandardCharsets.US_ASCII), "the listing has begun");
        Poll.until(Duration.ofSeconds(20), "the node waits to write more of the listing",
            () -> HeldListing.held(gateway, socket));

        postgres.stopServer();
        ByteArrayOutputStream rest = new ByteArrayOutputStream();
        try {
          socket.getInputStream().transferTo(rest);
        } catch (IOException reset) {
          // the connection was reset: what a broken answer looks like too
        }
        String text = rest.toString(StandardCharsets.US_ASCII);
        assertTrue(text.length() > 1_000_000, "pages were written before the store failed: " + text.length());
        assertFalse(text.contains("\r\n0\r\n\r\n"), "no last chunk: the answer is not taken as whole");
        assertTrue(text.split("\"name\":\"config ", -1).length - 1 < HeldListing.CONFIGS, "the listing was cut short");
      }
      postgres.startServer();
      Poll.until(Duration.ofSeconds(15), "the listing is whole again", () -> {
        Reply listed = gateway.get("/api/configs", owner);
        return listed.status() == 200 && listed.json().getJsonArray("configs").size() == HeldListing.CONFIGS;
      });
    }
  }

  private static int status(TestGateway gateway) {
    return TestGateway.get(gateway.api("/health/ready")).statusCode();
  }
}
