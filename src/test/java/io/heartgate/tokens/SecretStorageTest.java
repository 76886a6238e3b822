package io.heartgate.tokens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heartgate.auth.TokenFormat;
import io.heartgate.settings.DatabaseUrl;
import io.heartgate.settings.InvalidSettingException;
import io.heartgate.settings.LogFormat;
import io.heartgate.settings.LogSetup;
import io.heartgate.settings.SettingsLoader;
import io.heartgate.store.Store;
import io.heartgate.testsupport.Await;
import io.heartgate.testsupport.Credentials;
import io.heartgate.testsupport.Reply;
import io.heartgate.testsupport.StoreKind;
import io.heartgate.testsupport.Team;
import io.heartgate.testsupport.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Only the SHA-256 of a token is ever kept: the raw value is in no byte of the store and in no log line (text or
 * JSON, access log included), whichever way it came in (generated, pre-shared, OWNER_TOKEN) and whatever happened
 * to it since.
 */
class SecretStorageTest {
  private static final String[] OWNER = {"--owner-username", "owner", "--owner-password", Team.PASSWORD};

  @TempDir
  Path tempDir;
  private DatabaseUrl store;
  private TestGateway gateway;
  private LogCollector collector;
  private Level rootLevel;
  /** Every byte the log settings under test wrote, when a test applied them. */
  private ByteArrayOutputStream logged;
  /** Flags every node of the test starts with (the access log, for the log test). */
  private List<String> nodeFlags = List.of();

  @AfterEach
  void cleanUp() throws IOException {
    try {
      stopGateway();
    } finally {
      if (collector != null) {
        Logger root = Logger.getLogger("");
        root.removeHandler(collector);
        root.setLevel(rootLevel);
        collector = null;
      }
      if (logged != null) {
        LogSetup.restoreDefaults();
        logged = null;
      }
    }
  }

  private void stopGateway() {
    if (gateway != null) {
      gateway.close();
      gateway = null;
    }
  }

  private void start(String... flags) throws Exception {
    stopGateway();
    List<String> all = new ArrayList<>(List.of(flags));
    all.addAll(nodeFlags);
    gateway = TestGateway.start(store, all.toArray(String[]::new));
  }

  private void startWithOwner(String... moreFlags) throws Exception {
    List<String> flags = new ArrayList<>(List.of(OWNER));
    flags.addAll(List.of(moreFlags));
    start(flags.toArray(String[]::new));
  }

  private Reply me(String token) {
    return gateway.get("/api/auth/me", Credentials.bearer(token));
  }

  /** The values a flow handled, by what they were. */
  private record Values(String generated, String preshared, String bootstrap) {
    List<String> all() {
      return List.of(generated, preshared, bootstrap);
    }
  }

  /**
   * Creates a generated and a pre-shared token, uses each once, revokes the generated one and tries it again,
   * then restarts with OWNER_TOKEN and uses that too. The node is left running.
   */
  private Values createUseRevoke() throws Exception {
    String preshared = TokenFormat.generate();
    String bootstrap = TokenFormat.generate();
    startWithOwner();
    Credentials owner = Team.login(gateway, "owner");

    Reply generatedReply = gateway.post("/api/tokens", owner, new JsonObject().put("name", "generated"));
    assertEquals(201, generatedReply.status(), generatedReply.toString());
    String generated = generatedReply.json().getString("token");
    assertTrue(TokenFormat.isWellFormed(generated), generated);
    Reply presharedReply = gateway.post("/api/tokens", owner,
        new JsonObject().put("name", "preshared").put("rawToken", preshared).put("permissions", "telegraf-agent"));
    assertEquals(201, presharedReply.status(), presharedReply.toString());

    assertEquals(200, me(generated).status(), "used once");
    assertEquals(200, me(preshared).status(), "used once");
    Reply revoked = gateway.post("/api/tokens/" + generatedReply.json().getString("id") + "/revoke", owner, null);
    assertEquals(200, revoked.status(), revoked.toString());
    Reply refused = me(generated);
    assertEquals(401, refused.status());
    assertEquals("Invalid token", refused.message());

    startWithOwner("--owner-token", bootstrap);
    assertEquals(200, me(bootstrap).status(), "the bootstrap token works");
    assertEquals(200, me(preshared).status(), "used again after the restart");
    return new Values(generated, preshared, bootstrap);
  }

  /** A token value and the parts of it that are just as secret: the hex and the 32 random bytes. */
  private static Map<String, String> secretForms(String value) {
    String hex = value.substring(TokenFormat.PREFIX.length());
    Map<String, String> forms = new LinkedHashMap<>();
    forms.put("the value", value);
    forms.put("its hex part", hex);
    forms.put("its hex part in upper case", hex.toUpperCase(Locale.ROOT));
    if (TokenFormat.isWellFormed(value)) {
      forms.put("its raw bytes", new String(HexFormat.of().parseHex(hex), StandardCharsets.ISO_8859_1));
    }
    return forms;
  }

  private static void assertNoSecretIn(String haystack, List<String> values, String where) {
    for (String value : values) {
      secretForms(value).forEach((form, secret) ->
          assertFalse(haystack.contains(secret), form + " of " + value + " is in " + where));
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void theRawValueIsNowhereInTheStore(StoreKind kind) throws Exception {
    store = kind.freshStore(tempDir);
    Values values = createUseRevoke();
    stopGateway();

    String contents = store instanceof DatabaseUrl.Sqlite sqlite ? sqliteBytes(sqlite) : postgresDump(
        (DatabaseUrl.Postgres) store);
    for (String value : values.all()) {
      assertTrue(contents.contains(TokenFormat.hash(value)),
          "the scan reads the real data: the SHA-256 of " + value + " is stored");
    }
    assertNoSecretIn(contents, values.all(), "the store");
  }

  /** The database file and its -wal and -shm files, byte for byte (ISO-8859-1 maps each byte to one char). */
  private static String sqliteBytes(DatabaseUrl.Sqlite sqlite) throws IOException {
    Path file = sqlite.file();
    assertTrue(Files.isRegularFile(file), file.toString());
    StringBuilder all = new StringBuilder();
    for (Path part : List.of(file, Path.of(file + "-wal"), Path.of(file + "-shm"), Path.of(file + "-journal"))) {
      if (Files.exists(part)) {
        all.append(new String(Files.readAllBytes(part), StandardCharsets.ISO_8859_1)).append('\n');
      }
    }
    return all.toString();
  }

  /** Every row of every table of the public schema, as text. */
  private static String postgresDump(DatabaseUrl.Postgres url) {
    Vertx vertx = Vertx.vertx();
    try {
      Store pg = Await.of(Store.open(vertx, url, 1));
      try {
        List<String> tables = new ArrayList<>();
        for (Row row : Await.of(pg.query("SELECT table_name FROM information_schema.tables "
            + "WHERE table_schema = 'public' ORDER BY table_name"))) {
          tables.add(row.getString(0));
        }
        assertTrue(tables.contains("tokens"), tables.toString());
        StringBuilder all = new StringBuilder();
        for (String table : tables) {
          String quoted = "\"" + table.replace("\"", "\"\"") + "\"";
          for (Row row : Await.of(pg.query("SELECT CAST(t AS TEXT) FROM public." + quoted + " t"))) {
            all.append(table).append(": ").append(row.getString(0)).append('\n');
          }
        }
        return all.toString();
      } finally {
        Await.of(pg.close());
      }
    } finally {
      Await.of(vertx.close());
    }
  }

  static Stream<Arguments> storesAndLogFormats() {
    return Arrays.stream(StoreKind.values())
        .flatMap(kind -> Arrays.stream(LogFormat.values()).map(format -> Arguments.of(kind, format)));
  }

  /**
   * The log as the settings write it (LOG_FORMAT, at debug, with the access log) and every java.util.logging
   * record with its parameters and causes: no form of a token and no password in either.
   */
  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("storesAndLogFormats")
  void theRawValueIsInNoLogLine(StoreKind kind, LogFormat format) throws Exception {
    logged = new ByteArrayOutputStream();
    nodeFlags = List.of("--access-log", "true");
    LogSetup.apply(SettingsLoader.load(List.of("--log-format", format.toString(), "--log-level", "debug",
        "--access-log", "true"), Map.of()), logged);
    collector = new LogCollector();
    Logger root = Logger.getLogger("");
    rootLevel = root.getLevel();
    root.setLevel(Level.ALL);
    root.addHandler(collector);

    store = kind.freshStore(tempDir);
    Values values = createUseRevoke();
    List<String> secrets = new ArrayList<>(values.all());

    // Malformed presentations of real values: refused before any lookup, and never echoed or logged.
    String upper = values.preshared().toUpperCase(Locale.ROOT);
    String tooLong = values.preshared() + "0";
    secrets.add(upper);
    secrets.add(tooLong);
    for (String malformed : List.of(upper, tooLong, "tc-apiv1_" + values.preshared())) {
      Reply refused = me(malformed);
      assertEquals(401, refused.status(), refused.toString());
      assertEquals("Invalid token format", refused.message());
    }
    Reply revoked = me(values.generated());
    assertEquals(401, revoked.status());
    assertEquals("Invalid token", revoked.message());
    // In a query string, and in paths: one a route matches and ones none does (the access log shows them).
    assertEquals(401, gateway.get("/api/auth/me?token=" + values.preshared(), Credentials.NONE).status());
    assertEquals(401, gateway.get("/api/tokens/" + values.preshared(), Credentials.NONE).status());
    String hex = values.preshared().substring(TokenFormat.PREFIX.length());
    for (String path : List.of("/nowhere/" + values.preshared(), "/nowhere/" + hex, "/nowhere?token=" + hex)) {
      assertEquals(404, gateway.get(path, Credentials.NONE).status(), path);
    }
    Credentials owner = Team.login(gateway, "owner");
    Reply badRaw = gateway.post("/api/tokens", owner, new JsonObject().put("name", "bad").put("rawToken", upper));
    assertEquals(400, badRaw.status(), badRaw.toString());
    Reply duplicate = gateway.post("/api/tokens", owner,
        new JsonObject().put("name", "again").put("rawToken", values.preshared()));
    assertEquals(409, duplicate.status(), duplicate.toString());
    for (Reply reply : List.of(badRaw, duplicate, gateway.get("/api/tokens", owner),
        gateway.get("/api/settings", owner))) {
      assertNoSecretIn(reply.body(), secrets, "the response " + reply);
    }

    // Every OWNER_TOKEN path: changed value, the value of a normal token, a malformed value.
    String changed = TokenFormat.generate();
    String malformedOwnerToken = TokenFormat.generate().toUpperCase(Locale.ROOT);
    secrets.add(changed);
    secrets.add(malformedOwnerToken);
    startWithOwner("--owner-token", changed);
    assertEquals(200, me(changed).status());
    assertEquals(401, me(values.bootstrap()).status(), "the old bootstrap token was revoked");
    startWithOwner("--owner-token", values.preshared());
    InvalidSettingException refused = assertThrows(InvalidSettingException.class,
        () -> startWithOwner("--owner-token", malformedOwnerToken));
    assertNoSecretIn(refused.getMessage(), secrets, "the refusal of a malformed OWNER_TOKEN");
    stopGateway();

    List<String> lines = collector.lines();
    assertTrue(lines.stream().anyMatch(l -> l.contains("provisioned the bootstrap token from OWNER_TOKEN")),
        "the collector sees the gateway's log lines: " + lines);
    assertTrue(lines.stream().anyMatch(l -> l.contains("OWNER_TOKEN has the value of the existing token")), 
        lines.toString());
    for (String line : lines) {
      assertNoSecretIn(line, secrets, "the log line: " + line);
      assertFalse(line.contains(Team.PASSWORD), "the owner password is in the log line: " + line);
    }

    List<String> written = logged.toString(StandardCharsets.UTF_8).lines().toList();
    assertTrue(written.stream().anyMatch(l -> l.contains("provisioned the bootstrap token from OWNER_TOKEN")),
        "the java.util.logging records reach the configured output: " + written);
    assertTrue(written.stream().anyMatch(l -> l.contains("io.heartgate.access") && l.contains("/api/auth/me")
        && l.contains("401")), "the access log is scanned too: " + written);
    assertTrue(written.stream().anyMatch(l -> l.contains("io.heartgate.access") && l.contains("/nowhere/[redacted]")),
        "an unmatched path is logged with its token-like part taken out: " + written);
    for (String line : written) {
      if (format == LogFormat.JSON) {
        try {
          new JsonObject(line);
        } catch (DecodeException e) {
          throw new AssertionError("not one JSON object: " + line, e);
        }
      }
      assertNoSecretIn(line, secrets, "the written log line: " + line);
      assertFalse(line.contains(Team.PASSWORD), "the owner password is in the written log line: " + line);
    }
  }

  /** Keeps every record as it would be printed, plus its message, parameters and causes. */
  private static final class LogCollector extends Handler {
    private final Queue<String> lines = new ConcurrentLinkedQueue<>();
    private final Formatter formatter = new SimpleFormatter();

    LogCollector() {
      setLevel(Level.ALL);
    }

    @Override
    public void publish(LogRecord record) {
      if (record.getLoggerName() != null && record.getLoggerName().startsWith("jdk.internal.httpclient")) {
        return; // the test's own HTTP client (it logs the URLs it calls, query strings included); not the gateway
      }
      StringBuilder line = new StringBuilder(record.getLoggerName() + " " + record.getLevel() + " ");
      line.append(formatter.format(record)).append(" | ").append(record.getMessage());
      if (record.getParameters() != null) {
        for (Object parameter : record.getParameters()) {
          line.append(" | ").append(parameter);
        }
      }
      for (Throwable thrown = record.getThrown(); thrown != null; thrown = thrown.getCause()) {
        line.append(" | ").append(thrown);
        if (thrown.getCause() == thrown) {
          break;
        }
      }
      lines.add(line.toString());
    }

    List<String> lines() {
      return List.copyOf(lines);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
  }
}
