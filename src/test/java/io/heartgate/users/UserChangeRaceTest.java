package io.heartgate.users;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heartgate.testsupport.Concurrently;
import io.heartgate.testsupport.Credentials;
import io.heartgate.testsupport.Reply;
import io.heartgate.testsupport.StoreKind;
import io.heartgate.testsupport.Team;
import io.heartgate.testsupport.TestGateway;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Two changes of one user at once. Today a change read the user, checked it, and wrote role, status and password
 * back whole: when another change landed in between, the first one's write undid it (the owner's promotion to
 * administrator silently lost), and its checks had passed on a user that was no longer what it checked (an
 * administrator changing, or deleting, a user who had just become an administrator, which only the owner may).
 * A change now writes only over the user it checked, and checks again otherwise; a login opens its session only
 * for the password it checked.
 */
class UserChangeRaceTest {
  private static final int TRIALS = 12;

  @TempDir
  Path tempDir;

  /** One trial: two calls at once about a new user of the team, then what must hold. */
  @FunctionalInterface
  private interface Trial {
    void run(TestGateway gateway, Team team, String path, String username, String where) throws Exception;
  }

  /** {@value #TRIALS} trials on a node of that store, each about a new user of that role. */
  private void trials(StoreKind kind, String role, Trial trial) throws Exception {
    try (TestGateway gateway = TestGateway.start(kind.freshStore(tempDir))) {
      Team team = Team.create(gateway);
      for (int n = 0; n < TRIALS; n++) {
        String username = "member" + n;
        String id = Team.addUser(gateway, team.session("owner"), username, role).id();
        trial.run(gateway, team, "/api/users/" + id, username, "trial " + n + ": ");
      }
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aPromotionIsNeverUndoneByAnAdministratorsChangeMadeAtTheSameTime(StoreKind kind) throws Exception {
    trials(kind, "manager", (gateway, team, path, username, where) -> {
      Credentials owner = team.session("owner");
      List<Reply> replies = Concurrently.run(2, i -> i == 0
          ? gateway.call("PATCH", path, owner, new JsonObject().put("role", "administrator"))
          : gateway.call("PATCH", path, team.session("administrator"), new JsonObject().put("status", "disabled")));
      assertEquals(200, replies.get(0).status(), "the owner's promotion: " + replies.get(0));
      Reply disabling = replies.get(1);
      assertTrue(disabling.status() == 200 || disabling.status() == 403, "the administrator's change: " + disabling);
      JsonObject user = gateway.get(path, owner).json();
      assertEquals("administrator", user.getString("role"), where + "the promotion kept: " + user);
      assertEquals(disabling.status() == 200 ? "disabled" : "active", user.getString("status"),
          where + "the administrator's change kept when answered 200, not applied when refused: " + user);
    });
  }

  /**
   * Today a login read the password hash, checked the password (slow by design) and then opened its session: a
   * password change that ended the user's sessions in between left the session opened with the old password alive.
   */
  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aLoginWithThePasswordBeingChangedLeavesNoSessionAlive(StoreKind kind) throws Exception {
    trials(kind, "viewer", (gateway, team, path, username, where) -> {
      List<Reply> replies = Concurrently.run(2, i -> i == 0
          ? gateway.call("PATCH", path, team.session("owner"),
              new JsonObject().put("password", "another horse battery"))
          : gateway.post("/api/auth/login/local", Credentials.NONE,
              new JsonObject().put("username", username).put("password", Team.PASSWORD)));
      assertEquals(200, replies.get(0).status(), "the password change: " + replies.get(0));
      Reply login = replies.get(1);
      assertTrue(login.status() == 200 || login.status() == 401, "the login: " + login);
      if (login.status() == 200) {
        String cookie = login.header("set-cookie");
        Credentials session = Credentials.session(cookie.substring(0, cookie.indexOf(';')));
        assertEquals(401, gateway.get("/api/auth/me", session).status(),
            where + "a session opened with the old password outlived its change");
      }
    });
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void anAdministratorNeverDeletesAUserPromotedToAdministratorAtTheSameTime(StoreKind kind) throws Exception {
    trials(kind, "manager", (gateway, team, path, username, where) -> {
      Credentials owner = team.session("owner");
      // A new password too: hashing it widens the time between the promotion's read and its write.
      List<Reply> replies = Concurrently.run(2, i -> i == 0
          ? gateway.call("PATCH", path, owner, new JsonObject().put("role", "administrator")
              .put("password", "another horse battery"))
          : gateway.call("DELETE", path, team.session("administrator"), null));
      Reply promotion = replies.get(0);
      Reply deletion = replies.get(1);
      // Either the deletion came first (the promotion then finds no user) or the promotion did (the deletion is
      // refused); never both answered as done.
      assertTrue(promotion.status() == 200 && deletion.status() == 403
              || promotion.status() == 404 && deletion.status() == 204,
          where + "promotion " + promotion + ", deletion " + deletion);
      // And a promotion that found no user promoted none: it was not written before the deletion.
      String id = path.substring(path.lastIndexOf('/') + 1);
      boolean promoted = gateway.get("/api/audit?limit=1000", owner).json().getJsonArray("events").stream()
          .map(JsonObject.class::cast)
          .anyMatch(event -> "user.update".equals(event.getString("action")) && id.equals(event.getString("targetId"))
              && "success".equals(event.getString("outcome")));
      assertEquals(promotion.status() == 200, promoted, where + "the promotion audited as done only when answered "
          + "200: promotion " + promotion + ", deletion " + deletion);
    });
  }
}
