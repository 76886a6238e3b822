package io.heartgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heartgate.auth.TokenFormat;
import io.heartgate.heartbeat.HeartbeatRoutes;
import io.heartgate.settings.DatabaseUrl;
import io.heartgate.testsupport.Credentials;
import io.heartgate.testsupport.Reply;
import io.heartgate.testsupport.StoreKind;
import io.heartgate.testsupport.Team;
import io.heartgate.testsupport.TelegrafAgent;
import io.heartgate.testsupport.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code create-token} with the gateway stopped: the rules of POST /api/tokens (the role caps the token, presets,
 * refusals), the value printed once, audited; and the token works for a heartbeat once the gateway runs again.
 */
class CreateTokenCommandTest {
  @TempDir
  Path tempDir;

  private TestGateway gateway;

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aTokenCreatedWithTheGatewayStoppedWorksForAHeartbeatAfterwards(StoreKind kind) throws Exception {
    DatabaseUrl store = kind.freshStore(tempDir);
    gateway = TestGateway.start(store);
    Team team = Team.create(gateway);
    gateway.close();
    gateway = null;

    CommandRun run = CommandRun.on(store, Map.of(), "", "create-token", "--user", "manager", "--name", "fleet",
        "--permissions", "telegraf-agent", "--expires", "90d");
    assertEquals(0, run.exitCode(), run.toString());
    String value = run.out().strip();
    assertTrue(TokenFormat.isWellFormed(value), "standard output is the value alone: " + run);
    assertEquals(value + "\n", run.out());
    assertTrue(run.err().contains("created the token fleet (") && run.err().contains(" of manager with "
        + "configs:read,heartbeat:write"), run.err());
    assertTrue(!run.err().contains(value), "the value is printed once, on standard output");

    gateway = TestGateway.start(store);
    assertEquals(204, TelegrafAgent.post(gateway.heartbeatListener(HeartbeatRoutes.PATH), value,
        TelegrafAgent.heartbeat("web-01")).statusCode());
    Credentials owner = Team.login(gateway, "owner");
    JsonObject token = gateway.get("/api/tokens", owner).json().getJsonArray("tokens").stream()
        .map(JsonObject.class::cast).filter(t -> t.getString("name").equals("fleet")).findFirst().orElseThrow();
    assertEquals(team.member("manager").id(), token.getString("userId"));
    assertEquals("api", token.getString("source"));
    Duration expiresIn = Duration.between(Instant.now(), Instant.parse(token.getString("expiresAt")));
    assertTrue(expiresIn.compareTo(Duration.ofDays(89)) > 0 && expiresIn.compareTo(Duration.ofDays(90)) <= 0,
        token.toString());
    JsonObject audited = events(owner).stream().map(JsonObject.class::cast)
        .filter(e -> e.getString("action").equals("token.create")
            && token.getString("id").equals(e.getString("targetId")))
        .findFirst().orElseThrow();
    assertEquals(team.member("manager").id(), audited.getString("actorId"));
    assertEquals("heartgate create-token (command line)", audited.getString("userAgent"));
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void theRulesOfTheApiHold(StoreKind kind) throws Exception {
    DatabaseUrl store = kind.freshStore(tempDir);
    gateway = TestGateway.start(store);
    Team.create(gateway);
    gateway.close();
    gateway = null;

    CommandRun dropped = create(store, "manager", "deploy", "configs:read,configs:write,users:write");
    assertEquals(0, dropped.exitCode(), dropped.toString());
    assertTrue(dropped.err().contains("with configs:read,configs:write; dropped, as the role lacks them: "
        + "users:write"), dropped.err());

    assertRefused(create(store, "viewer", "look", "read-only"), 1, "heartgate: your role cannot create tokens");
    assertRefused(create(store, "manager", "admin", "users:write"), 1,
        "heartgate: cannot grant permission users:write: you do not hold it");
    assertRefused(create(store, "nobody", "x", "full"), 1, "heartgate: No user is named nobody");
    assertRefused(create(store, "manager", "deploy", "full"), 1,
        "heartgate: A token with this name already exists");
    assertRefused(create(store, "manager", "odd", "configs:read,configs:fly"), 2,
        "heartgate: unknown permission configs:fly");
    assertRefused(create(store, "manager", "late", "full", "--expires", "2020-01-01T00:00:00Z"), 2,
        "heartgate: expiresAt must be in the future");
    assertRefused(create(store, "manager", "when", "full", "--expires", "soon"), 2,
        "heartgate: --expires must be an RFC 3339 time such as 2027-01-31T00:00:00Z, or a number of days such as 90d");
    CommandRun missing = CommandRun.on(store, Map.of(), "", "create-token", "--user", "manager", "--name", "x");
    assertEquals(2, missing.exitCode(), missing.toString());
    assertTrue(missing.err().contains("Missing required option: '--permissions=LIST'"), missing.err());

    gateway = TestGateway.start(store);
    JsonArray tokens = gateway.get("/api/tokens", Team.login(gateway, "owner")).json().getJsonArray("tokens");
    assertEquals(List.of("deploy"), tokens.stream().map(t -> ((JsonObject) t).getString("name")).toList(),
        "a refused command creates nothing");
  }

  private static CommandRun create(DatabaseUrl store, String user, String name, String permissions,
      String... more) {
    List<String> args = new java.util.ArrayList<>(List.of("--user", user, "--name", name, "--permissions",
        permissions));
    args.addAll(List.of(more));
    return CommandRun.on(store, Map.of(), "", "create-token", args.toArray(String[]::new));
  }

  /** A command of a newer release never upgrades the schema under older nodes: only migrate does. */
  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aStoreThatLacksMigrationsIsRefusedAndLeftAsItIs(StoreKind kind) throws Exception {
    DatabaseUrl store = kind.freshStore(tempDir);
    if (store instanceof DatabaseUrl.Sqlite sqlite) {
      Files.createDirectories(sqlite.file().getParent());
      Files.createFile(sqlite.file());
    }
    for (int run = 0; run < 2; run++) {
      CommandRun refused = CommandRun.on(store, Map.of(), "", "create-token", "--user", "owner", "--name", "x",
          "--permissions", "telegraf-agent");
      assertRefused(refused, 1, "heartgate: the store lacks ");
      assertTrue(refused.err().contains(" migrations of this release; run migrate first"), refused.toString());
    }
    if (store instanceof DatabaseUrl.Sqlite sqlite) {
      try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + sqlite.file());
          ResultSet tables = connection.createStatement().executeQuery("SELECT count(*) FROM sqlite_master")) {
        assertEquals(0, tables.getInt(1), "no table was created");
      }
    }
  }

  private static void assertRefused(CommandRun run, int exitCode, String messageStart) {
    assertEquals(exitCode, run.exitCode(), run.toString());
    assertEquals("", run.out(), "no value on standard output");
    assertTrue(run.err().startsWith(messageStart), run.toString());
  }

  private JsonArray events(Credentials owner) {
    Reply audit = gateway.get("/api/audit?limit=1000", owner);
    assertEquals(200, audit.status(), audit.toString());
    return audit.json().getJsonArray("events");
  }
}
