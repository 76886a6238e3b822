package io.heartgate.users;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heartgate.settings.DatabaseUrl;
import io.heartgate.settings.InvalidSettingException;
import io.heartgate.settings.SettingsLoader;
import io.heartgate.store.Store;
import io.heartgate.testsupport.Await;
import io.heartgate.testsupport.Credentials;
import io.heartgate.testsupport.Reply;
import io.heartgate.testsupport.StoreKind;
import io.heartgate.testsupport.Team;
import io.heartgate.testsupport.TestGateway;
import io.heartgate.testsupport.TestStores;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The password hash's iterations are a setting: new hashes take the node's count, a stored hash keeps its own, so
 * raising the setting locks no one out. (The suite hashes with few iterations to run fast; see TestGateway.)
 */
class PasswordIterationsTest {
  private static final String NEW_PASSWORD = "a-new-long-passphrase";
  @TempDir
  Path tempDir;
  @RegisterExtension
  final TestStores stores = new TestStores();
  private TestGateway gateway;

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  private String storedHash(DatabaseUrl url, String username) {
    Store store = stores.open(url, 1);
    try {
      return Await.of(store.query("SELECT password_hash FROM users WHERE username = $1", Tuple.of(username)))
          .iterator().next().getString(0);
    } finally {
      stores.close(store);
    }
  }

  private int login(String username, String password) {
    return gateway.post("/api/auth/login/local", Credentials.NONE,
        new JsonObject().put("username", username).put("password", password)).status();
  }

  @Test
  void newHashesTakeTheSettingAndStoredOnesKeepTheirOwn() throws Exception {
    DatabaseUrl url = StoreKind.SQLITE.freshStore(tempDir);
    gateway = TestGateway.start(url);
    Team team = Team.create(gateway);
    String viewerId = team.member("viewer").id();
    gateway.close();
    assertTrue(storedHash(url, "viewer").startsWith("pbkdf2-sha512$" + TestGateway.TEST_PASSWORD_HASH_ITERATIONS
        + "$"), "made with the count in effect");

    gateway = TestGateway.start(url, "--password-hash-iterations", "2000");
    assertEquals(200, login("viewer", Team.PASSWORD), "a hash made with another count still checks");
    assertEquals(401, login("viewer", "not-the-password"));
    Reply changed = gateway.call("PATCH", "/api/users/" + viewerId, team.session("owner"),
        new JsonObject().put("password", NEW_PASSWORD));
    assertEquals(200, changed.status(), changed.toString());
    assertEquals(200, login("viewer", NEW_PASSWORD));
    gateway.close();
    gateway = null;
    assertTrue(storedHash(url, "viewer").startsWith("pbkdf2-sha512$2000$"), "a new hash takes the node's count");
  }

  @Test
  void fewerThanAThousandIterationsAreRefusedAtStart() {
    InvalidSettingException refused = assertThrows(InvalidSettingException.class, () -> SettingsLoader.load(
        List.of("--database", "sqlite:" + tempDir.resolve("h.db"), "--password-hash-iterations", "999"), Map.of()));
    assertTrue(refused.getMessage().contains("--password-hash-iterations"), refused.getMessage());
  }
}
