package io.heartgate.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.heartgate.settings.DatabaseUrl;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A write of the gateway that waits for its SQLite file, held by another connection (another process, such as
 * {@code create-tokens} beside a running node): a token creation, which busy-waits on the gateway's one writing
 * connection until SQLite's busy timeout (5 s) runs out and then answers 503.
 */
public final class WaitingSqliteWrite {
  private WaitingSqliteWrite() {
  }

  /** Runs the check again and again while the write waits; how many times it ran before the write answered. */
  public static int checksWhileWaiting(TestGateway gateway, Credentials owner, DatabaseUrl.Sqlite url,
      Runnable check) throws SQLException {
    try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + url.file());
        Statement holder = other.createStatement()) {
      holder.execute("BEGIN IMMEDIATE");
      CompletableFuture<Reply> created = CompletableFuture.supplyAsync(() -> gateway.post("/api/tokens", owner,
          new JsonObject().put("name", "waits").put("permissions", List.of("configs:read"))));
      int checks = 0;
      while (!created.isDone()) {
        check.run();
        checks++;
      }
      assertEquals(503, created.join().status(), "the write, once SQLite's busy timeout ran out");
      holder.execute("ROLLBACK");
      return checks;
    }
  }
}
