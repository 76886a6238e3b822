package io.heartgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heartgate.auth.TokenFormat;
import io.heartgate.heartbeat.HeartbeatRoutes;
import io.heartgate.settings.DatabaseUrl;
import io.heartgate.store.Store;
import io.heartgate.testsupport.Await;
import io.heartgate.testsupport.Credentials;
import io.heartgate.testsupport.StoreKind;
import io.heartgate.testsupport.Team;
import io.heartgate.testsupport.TelegrafAgent;
import io.heartgate.testsupport.TestGateway;
import io.heartgate.tokens.TokenRepository;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongFunction;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code create-tokens}: a fleet's tokens in batches with the gateway stopped, their values in an owner-only file,
 * each one working; and every refusal creates neither a token nor the file.
 */
class CreateTokensCommandTest {
  /** More than one batch of the command (10,000), so that the batches join up. */
  private static final int COUNT = 10_003;

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
  void aFleetOfTokensIsWrittenOwnerOnlyAndEveryTokenWorks(StoreKind kind) throws Exception {
    DatabaseUrl store = withTeam(kind);
    Path file = tempDir.resolve("fleet-tokens.txt");

    CommandRun run = CommandRun.on(store, Map.of(), "", "create-tokens", "--user", "manager", "--count",
        String.valueOf(COUNT), "--name-prefix", "fleet", "--permissions", "telegraf-agent", "--output",
        file.toString());
    assertEquals(0, run.exitCode(), run.toString());
    assertEquals("", run.out(), "the values go to the file only");
    assertTrue(run.err().startsWith("created " + COUNT + " tokens of manager (fleet-00001 to fleet-10003) with "
        + "configs:read,heartbeat:write in "), run.err());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    List<String> values = Files.readAllLines(file);
    assertEquals(COUNT, values.size());
    assertTrue(values.stream().allMatch(TokenFormat::isWellFormed), "one value a line");
    assertEquals(COUNT, new HashSet<>(values).size(), "every value is distinct");

    gateway = TestGateway.start(store);
    // The first and last of each batch, and a random sample: each authenticates a heartbeat of its own agent.
    Set<Integer> sample = new HashSet<>(List.of(0, 9_999, 10_000, COUNT - 1));
    new Random(7).ints(20, 0, COUNT).forEach(sample::add);
    for (int i : sample) {
      assertEquals(204, TelegrafAgent.post(gateway.heartbeatListener(HeartbeatRoutes.PATH), values.get(i),
          TelegrafAgent.heartbeat("agent-" + i)).statusCode(), "token " + i);
    }
    Credentials owner = Team.login(gateway, "owner");
    List<JsonObject> tokens = tokens(owner);
    assertEquals(COUNT, tokens.size());
    assertTrue(tokens.stream().allMatch(t -> t.getString("username").equals("manager")
        && t.getJsonArray("permissions").equals(new JsonArray(List.of("configs:read", "heartbeat:write")))
        && t.getString("source").equals("api") && t.getString("expiresAt") == null), tokens.get(0).toString());
    Set<String> ids = tokens.stream().map(t -> t.getString("id")).collect(Collectors.toSet());
    // The newest 1,000 events: the owner's login, and the creations of the last tokens, each of its own.
    List<JsonObject> created = gateway.get("/api/audit?limit=1000", owner).json().getJsonArray("events").stream()
        .map(JsonObject.class::cast).filter(e -> e.getString("action").equals("token.create")).toList();
    assertTrue(created.size() >= 990, "each token's creation is audited: " + created.size());
    assertTrue(created.stream().allMatch(e -> ids.contains(e.getString("targetId"))
        && e.getString("actorId").equals(tokens.get(0).getString("userId"))
        && e.getString("userAgent").equals("heartgate create-tokens (command line)")), created.get(0).toString());
    assertEquals(created.size(), created.stream().map(e -> e.getString("targetId")).distinct().count());
  }

  /** The gateway records when tokens were last used in chunks of 1,000 rows: more than one chunk, all of them. */
  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void theLastUseOfAFleetIsRecordedForEveryToken(StoreKind kind) throws Exception {
    DatabaseUrl store = withTeam(kind);
    Path file = tempDir.resolve("fleet-tokens.txt");
    int count = 2_001;
    assertEquals(0, create(store, "manager", String.valueOf(count), "fleet", "telegraf-agent", file).exitCode());
    List<String> values = Files.readAllLines(file);

    gateway = TestGateway.start(store);
    for (int i = 0; i < count; i++) {
      assertEquals(204, TelegrafAgent.post(gateway.heartbeatListener(HeartbeatRoutes.PATH), values.get(i),
          TelegrafAgent.heartbeat("agent-" + i)).statusCode(), "token " + i);
    }
    gateway.close(); // a stopping node records what it has not yet
    gateway = TestGateway.start(store);
    List<JsonObject> tokens = tokens(Team.login(gateway, "owner"));
    assertEquals(count, tokens.size());
    assertEquals(List.of(), tokens.stream().filter(t -> t.getValue("lastUsedAt") == null)
        .map(t -> t.getString("name")).toList(), "every token's last use is recorded");
  }

  /**
   * Two nodes behind one load balancer see the same agents and record the same tokens' last use at the same
   * moment, each having seen them in an order of its own: the rows are locked in one order (the token ids', which
   * the sorted map of uses gives) on every node, so neither waits for the other in a deadlock (PostgreSQL would
   * abort one of the two and its chunk would be lost).
   */
  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void twoNodesRecordingTheSameTokensAtOnceBothSucceed(StoreKind kind) throws Exception {
    DatabaseUrl url = withTeam(kind);
    int count = 2_000;
    assertEquals(0, create(url, "manager", String.valueOf(count), "fleet", "telegraf-agent",
        tempDir.resolve("fleet-tokens.txt")).exitCode());
    gateway = TestGateway.start(url);
    List<String> ids = tokens(Team.login(gateway, "owner")).stream().map(t -> t.getString("id")).sorted().toList();
    gateway.close();
    gateway = null;
    Map<String, Long> oneNode = new LinkedHashMap<>();
    Map<String, Long> otherNode = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      oneNode.put(ids.get(i), 1_000L + i);
      otherNode.put(ids.get(count - 1 - i), 5_000L);
    }
    Vertx vertx = Vertx.vertx();
    try {
      Store store = Await.of(Store.open(vertx, url, 4));
      Clock clock = Clock.systemUTC();
      AtomicInteger rests = new AtomicInteger();
      LongFunction<Future<Void>> rest = chunkMs -> {
        rests.incrementAndGet();
        return Future.succeededFuture();
      };
      Await.of(Future.all(new TokenRepository(store, clock).recordLastUse(new TreeMap<>(oneNode), rest),
          new TokenRepository(store, clock).recordLastUse(new TreeMap<>(otherNode), rest)));
      int chunks = count / TokenRepository.lastUseChunk(store.dialect());
      assertEquals(2 * (chunks - 1), rests.get(), "each node rests between its chunks");
      assertEquals(5_000L, Await.of(store.query("SELECT MIN(last_used_at) AS oldest FROM tokens WHERE name LIKE "
          + "'fleet-%'")).iterator().next().getLong("oldest"), "the later use of every token is kept");
      Await.of(store.close());
    } finally {
      Await.of(vertx.close());
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aRefusedCommandCreatesNoTokenAndNoFile(StoreKind kind) throws Exception {
    DatabaseUrl store = withTeam(kind);
    CommandRun made = create(store, "manager", "5", "fleet", "telegraf-agent", tempDir.resolve("made.txt"));
    assertEquals(0, made.exitCode(), made.toString());

    Path file = tempDir.resolve("tokens.txt");
    assertRefused(create(store, "manager", "0", "a", "telegraf-agent", file), 2,
        "heartgate: count must be between 1 and 10000000");
    assertRefused(create(store, "manager", "10000001", "a", "telegraf-agent", file), 2,
        "heartgate: count must be between 1 and 10000000");
    assertRefused(create(store, "manager", "many", "a", "telegraf-agent", file), 2,
        "Invalid value for option '--count': 'many' is not an int");
    assertRefused(create(store, "manager", "10", "", "telegraf-agent", file), 2,
        "heartgate: namePrefix must not be empty");
    assertRefused(create(store, "manager", "100000", "p".repeat(249), "telegraf-agent", file), 2,
        "heartgate: namePrefix must be at most 248 characters");
    assertRefused(create(store, "manager", "10", "a", "configs:read,configs:fly", file), 2,
        "heartgate: unknown permission configs:fly");
    assertRefused(create(store, "manager", "10", "a", "full", file, "--expires", "2020-01-01T00:00:00Z"), 2,
        "heartgate: expiresAt must be in the future");
    assertRefused(create(store, "manager", "10", "a", "full", file, "--expires", "soon"), 2,
        "heartgate: --expires must be an RFC 3339 time");
    CommandRun noOutput = CommandRun.on(store, Map.of(), "", "create-tokens", "--user", "manager", "--count", "3",
        "--name-prefix", "a", "--permissions", "telegraf-agent");
    assertRefused(noOutput, 2, "Missing required option: '--output=FILE'");
    assertRefused(create(store, "viewer", "10", "a", "read-only", file), 1,
        "heartgate: your role cannot create tokens");
    assertRefused(create(store, "manager", "10", "a", "users:write", file), 1,
        "heartgate: cannot grant permission users:write: you do not hold it");
    assertRefused(create(store, "nobody", "10", "a", "full", file), 1, "heartgate: No user is named nobody");
    assertRefused(create(store, "manager", "10", "fleet", "full", file), 1,
        "heartgate: A token whose name starts with fleet- already exists; choose another name prefix");
    assertRefused(create(store, "manager", "10", "a", "full", tempDir.resolve("missing/tokens.txt")), 1,
        "heartgate: the folder ");
    assertFalse(Files.exists(file), "no file is created by a refused command");

    Files.writeString(file, "kept\n");
    assertRefused(create(store, "manager", "10", "a", "full", file), 1, "heartgate: " + file + " exists already");
    assertEquals("kept\n", Files.readString(file), "an existing file is left as it is");

    gateway = TestGateway.start(store);
    assertEquals(List.of("fleet-1", "fleet-2", "fleet-3", "fleet-4", "fleet-5"),
        tokens(Team.login(gateway, "owner")).stream().map(t -> t.getString("name")).sorted().toList(),
        "the refused commands created nothing");
  }

  /** As create-token: a command never upgrades the schema under older nodes. */
  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aStoreThatLacksMigrationsIsRefused(StoreKind kind) throws Exception {
    DatabaseUrl store = kind.freshStore(tempDir);
    if (store instanceof DatabaseUrl.Sqlite sqlite) {
      Files.createDirectories(sqlite.file().getParent());
      Files.createFile(sqlite.file());
    }
    Path file = tempDir.resolve("tokens.txt");
    CommandRun refused = create(store, "owner", "10", "a", "telegraf-agent", file);
    assertRefused(refused, 1, "heartgate: the store lacks ");
    assertTrue(refused.err().contains(" migrations of this release; run migrate first"), refused.toString());
    assertFalse(Files.exists(file));
  }

  private DatabaseUrl withTeam(StoreKind kind) throws Exception {
    DatabaseUrl store = kind.freshStore(tempDir);
    gateway = TestGateway.start(store);
    Team.create(gateway);
    gateway.close();
    gateway = null;
    return store;
  }

  private static CommandRun create(DatabaseUrl store, String user, String count, String prefix, String permissions,
      Path output, String... more) {
    List<String> args = new ArrayList<>(List.of("--user", user, "--count", count, "--name-prefix", prefix,
        "--permissions", permissions, "--output", output.toString()));
    args.addAll(List.of(more));
    return CommandRun.on(store, Map.of(), "", "create-tokens", args.toArray(String[]::new));
  }

  private List<JsonObject> tokens(Credentials owner) {
    return gateway.get("/api/tokens", owner).json().getJsonArray("tokens").stream().map(JsonObject.class::cast)
        .toList();
  }

  private static void assertRefused(CommandRun run, int exitCode, String messageStart) {
    assertEquals(exitCode, run.exitCode(), run.toString());
    assertEquals("", run.out());
    assertTrue(run.err().startsWith(messageStart), run.toString());
  }
}
