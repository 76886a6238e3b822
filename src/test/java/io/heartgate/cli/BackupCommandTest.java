package io.heartgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heartgate.heartbeat.HeartbeatRoutes;
import io.heartgate.settings.DatabaseUrl;
import io.heartgate.testsupport.Credentials;
import io.heartgate.testsupport.FreePort;
import io.heartgate.testsupport.Poll;
import io.heartgate.testsupport.Team;
import io.heartgate.testsupport.TelegrafAgent;
import io.heartgate.testsupport.TestGateway;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code backup --to FILE}: on SQLite a consistent copy taken while a gateway writes heartbeats, which a gateway
 * then runs on; never over an existing file; on PostgreSQL a pointer to pg_dump.
 */
class BackupCommandTest {
  @TempDir
  Path tempDir;

  private TestGateway gateway;

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  @Test
  void aCopyTakenWhileHeartbeatsArriveIsConsistentAndServes() throws Exception {
    DatabaseUrl store = new DatabaseUrl.Sqlite(tempDir.resolve("live/heartgate.db"));
    gateway = TestGateway.start(store);
    Team team = Team.create(gateway);
    String agentToken = team.token(team.session("owner"), "agents", "telegraf-agent").getString("token");
    AtomicBoolean sending = new AtomicBoolean(true);
    AtomicInteger acknowledged = new AtomicInteger();
    Thread agents = new Thread(() -> {
      for (int i = 0; sending.get(); i++) {
        if (TelegrafAgent.post(gateway.heartbeatListener(HeartbeatRoutes.PATH), agentToken,
            TelegrafAgent.heartbeat("agent-" + i % 50)).statusCode() == 204) {
          acknowledged.incrementAndGet();
        }
      }
    }, "agents");
    agents.start();
    Path copy = tempDir.resolve("copies/heartgate.db");
    Files.createDirectories(copy.getParent());
    CommandRun backup;
    try {
      Poll.until(Duration.ofSeconds(30), "heartbeats flowing", () -> acknowledged.get() > 20);
      backup = CommandRun.on(store, Map.of(), "", "backup", "--to", copy.toString());
    } finally {
      sending.set(false);
      agents.join();
    }
    assertEquals(0, backup.exitCode(), backup.toString());
    assertTrue(backup.out().startsWith("copied " + store.masked() + " to " + copy + " ("), backup.out());

    try (Connection sqlite = DriverManager.getConnection("jdbc:sqlite:" + copy);
        Statement statement = sqlite.createStatement()) {
      ResultSet check = statement.executeQuery("PRAGMA integrity_check");
      check.next();
      assertEquals("ok", check.getString(1));
      ResultSet agentRows = statement.executeQuery("SELECT COUNT(*) FROM agents");
      agentRows.next();
      assertTrue(agentRows.getInt(1) > 0, "the agents written before the copy are in it");
    }
    assertFalse(Files.exists(Path.of(copy + "-wal")), "the copy needs no write-ahead log beside it");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(copy)),
        "the copy holds password and token hashes: its owner's only");

    gateway.close();
    gateway = TestGateway.start(new DatabaseUrl.Sqlite(copy));
    Credentials owner = Team.login(gateway, "owner");
    assertEquals("agents", gateway.get("/api/tokens", owner).json().getJsonArray("tokens").getJsonObject(0)
        .getString("name"));
    assertEquals(204, TelegrafAgent.post(gateway.heartbeatListener(HeartbeatRoutes.PATH), agentToken,
        TelegrafAgent.heartbeat("agent-1")).statusCode(), "the copy's tokens work");
    JsonObject summary = gateway.get("/api/agents/summary", owner).json();
    assertTrue(summary.getInteger("total") > 0, summary.toString());

    long size = Files.size(copy);
    CommandRun again = CommandRun.on(store, Map.of(), "", "backup", "--to", copy.toString());
    assertEquals(1, again.exitCode(), again.toString());
    assertEquals("heartgate: " + copy + " exists already; name a new file\n", again.err());
    assertEquals(size, Files.size(copy), "an existing file is left alone");
  }

  @Test
  void aFolderThatDoesNotExistOrAMissingStoreIsRefused() throws Exception {
    DatabaseUrl store = new DatabaseUrl.Sqlite(tempDir.resolve("heartgate.db"));
    assertEquals(0, CommandRun.on(store, Map.of(), "", "migrate").exitCode());
    Path nowhere = tempDir.resolve("nowhere/copy.db");
    CommandRun run = CommandRun.on(store, Map.of(), "", "backup", "--to", nowhere.toString());
    assertEquals(1, run.exitCode(), run.toString());
    assertEquals("heartgate: the folder " + nowhere.getParent() + " does not exist\n", run.err());

    DatabaseUrl missing = new DatabaseUrl.Sqlite(tempDir.resolve("missing/heartgate.db"));
    CommandRun noStore = CommandRun.on(missing, Map.of(), "", "backup", "--to", tempDir.resolve("c.db").toString());
    assertEquals(1, noStore.exitCode(), noStore.toString());
    assertTrue(noStore.err().startsWith("heartgate: there is no store at "), noStore.err());
    assertFalse(Files.exists(tempDir.resolve("missing")), "the store is not created");
    assertFalse(Files.exists(tempDir.resolve("c.db")), "nor a copy");
  }

  // Today (a helper's probe): "heartgate: java.nio.file.FileAlreadyExistsException: …", and the driver's class name
  // before a file that is no store.
  @Test
  void aLinkLeftDanglingOrAFileThatIsNoStoreIsNamedPlainly() throws Exception {
    DatabaseUrl store = new DatabaseUrl.Sqlite(tempDir.resolve("heartgate.db"));
    assertEquals(0, CommandRun.on(store, Map.of(), "", "migrate").exitCode());
    Path link = Files.createSymbolicLink(tempDir.resolve("link.db"), tempDir.resolve("gone.db"));
    CommandRun dangling = CommandRun.on(store, Map.of(), "", "backup", "--to", link.toString());
    assertEquals(1, dangling.exitCode(), dangling.toString());
    assertEquals("heartgate: " + link + " exists already; name a new file\n", dangling.err());
    assertFalse(Files.exists(tempDir.resolve("gone.db")), "nothing written through the link");

    Path notAStore = Files.writeString(tempDir.resolve("notes.db"), "not a database, but long enough to be read "
        + "as one: ".repeat(40));
    CommandRun refused = CommandRun.on(new DatabaseUrl.Sqlite(notAStore), Map.of(), "", "backup", "--to",
        tempDir.resolve("copy.db").toString());
    assertEquals(1, refused.exitCode(), refused.toString());
    assertFalse(refused.err().contains("Exception"), refused.err());
    assertTrue(refused.err().startsWith("heartgate: "), refused.err());
  }

  @Test
  void postgresIsBackedUpWithPgDump() {
    DatabaseUrl postgres = new DatabaseUrl.Postgres("127.0.0.1", FreePort.find(), "hg", "hg", "s3cret", null);
    CommandRun run = CommandRun.on(postgres, Map.of(), "", "backup", "--to", tempDir.resolve("x.db").toString());
    assertEquals(2, run.exitCode(), run.toString());
    assertTrue(run.err().startsWith("heartgate: the store is PostgreSQL (postgres://hg:****@127.0.0.1:"), run.err());
    assertTrue(run.err().contains("back it up with pg_dump"), run.err());
    assertFalse(run.err().contains("s3cret"), "the password is not shown");
  }
}
