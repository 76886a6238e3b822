package io.heartgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heartgate.settings.DatabaseUrl;
import io.heartgate.testsupport.Credentials;
import io.heartgate.testsupport.Reply;
import io.heartgate.testsupport.StoreKind;
import io.heartgate.testsupport.Team;
import io.heartgate.testsupport.TestGateway;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code reset-owner-password} next to a running gateway: the new password from OWNER_PASSWORD or standard input,
 * the API's password rules, every session of the owner ended, audited.
 */
class ResetOwnerPasswordCommandTest {
  private static final String NEW_PASSWORD = "a brand new passphrase";

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
  void theOwnerGetsANewPasswordAndLosesEverySession(StoreKind kind) throws Exception {
    DatabaseUrl store = kind.freshStore(tempDir);
    gateway = TestGateway.start(store);
    Team team = Team.create(gateway);
    Credentials ownerSession = team.session("owner");
    assertEquals(200, gateway.get("/api/auth/me", ownerSession).status());

    CommandRun weak = CommandRun.on(store, Map.of(), "password\n", "reset-owner-password");
    assertEquals(2, weak.exitCode(), weak.toString());
    assertEquals("heartgate: password is a commonly used password\n", weak.err());
    CommandRun none = CommandRun.on(store, Map.of(), "", "reset-owner-password");
    assertEquals(2, none.exitCode(), none.toString());
    assertTrue(none.err().startsWith("heartgate: no new password: set OWNER_PASSWORD or write it on standard input"),
        none.err());
    assertEquals(200, gateway.get("/api/auth/me", ownerSession).status(), "refusals change nothing");

    CommandRun reset = CommandRun.on(store, Map.of(), NEW_PASSWORD + "\n", "reset-owner-password");
    assertEquals(0, reset.exitCode(), reset.toString());
    assertEquals("the owner owner has a new password; their sessions have ended\n", reset.out());
    assertEquals(401, gateway.get("/api/auth/me", ownerSession).status(), "the owner's session has ended");
    assertEquals(200, gateway.get("/api/auth/me", team.session("manager")).status(), "other users keep theirs");
    assertEquals(401, login(Team.PASSWORD).status(), "the old password no longer works");
    Reply login = login(NEW_PASSWORD);
    assertEquals(200, login.status(), login.toString());

    CommandRun fromEnvironment = CommandRun.on(store, Map.of("OWNER_PASSWORD", "yet another passphrase"), "",
        "reset-owner-password");
    assertEquals(0, fromEnvironment.exitCode(), fromEnvironment.toString());
    Reply latest = login("yet another passphrase");
    assertEquals(200, latest.status(), "OWNER_PASSWORD wins over standard input");
    assertEquals(401, gateway.get("/api/auth/me", cookie(login)).status(), "the second reset ended that session");

    Credentials owner = cookie(latest);
    long resets = gateway.get("/api/audit?limit=1000", owner).json().getJsonArray("events").stream()
        .map(JsonObject.class::cast)
        .filter(e -> e.getString("action").equals("user.password_reset"))
        .peek(e -> assertEquals("system", e.getString("actorType")))
        .peek(e -> assertEquals("heartgate reset-owner-password (command line)", e.getString("userAgent")))
        .count();
    assertEquals(2, resets, "each reset is audited");
  }

  @Test
  void aStoreThatDoesNotExistIsNotCreated() {
    Path missing = tempDir.resolve("nowhere/heartgate.db");
    CommandRun run = CommandRun.on(new DatabaseUrl.Sqlite(missing), Map.of(), NEW_PASSWORD + "\n",
        "reset-owner-password");
    assertEquals(1, run.exitCode(), run.toString());
    assertEquals("heartgate: there is no store at " + missing + "; name it with --database or DATABASE_URL, or "
        + "create it with migrate\n", run.err());
    assertTrue(!missing.getParent().toFile().exists(), "nothing was created");
  }

  private static Credentials cookie(Reply login) {
    String setCookie = login.header("set-cookie");
    return Credentials.session(setCookie.substring(0, setCookie.indexOf(';')));
  }

  private Reply login(String password) {
    return gateway.post("/api/auth/login/local", Credentials.NONE,
        new JsonObject().put("username", "owner").put("password", password));
  }
}
