package io.heartgate.tokens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heartgate.testsupport.Concurrently;
import io.heartgate.testsupport.Credentials;
import io.heartgate.testsupport.Reply;
import io.heartgate.testsupport.StoreKind;
import io.heartgate.testsupport.Team;
import io.heartgate.testsupport.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A manager's revocation or deletion of their own token while an administrator reassigns it to someone else. The
 * manager may touch only their own tokens: they read the token as theirs, and wrote to it by its id alone, so a
 * token reassigned in between was revoked or deleted though it was no longer theirs (the revocation then answered
 * 404, having revoked it). Their write now holds only while the token is theirs.
 */
class TokenChangeRaceTest {
  private static final int TRIALS = 16;

  @TempDir
  Path tempDir;

  /** One trial: a new token of the manager's, reassigned to another manager while the manager calls. */
  @FunctionalInterface
  private interface Trial {
    void check(Reply reassign, Reply managers, JsonObject tokenAfter, String where);
  }

  private void trials(StoreKind kind, String method, String suffix, Trial trial) throws Exception {
    try (TestGateway gateway = TestGateway.start(kind.freshStore(tempDir))) {
      Team team = Team.create(gateway);
      Credentials manager = team.session("manager");
      String other = Team.addUser(gateway, team.session("owner"), "other", "manager").id();
      for (int n = 0; n < TRIALS; n++) {
        String id = team.token(manager, "own-" + n, new JsonArray().add("agents:read")).getString("id");
        List<Reply> replies = Concurrently.run(2, i -> i == 0
            ? gateway.post("/api/tokens/" + id + "/reassign", team.session("administrator"),
                new JsonObject().put("userId", other))
            : gateway.call(method, "/api/tokens/" + id + suffix, manager, null));
        Reply after = gateway.get("/api/tokens/" + id, team.session("owner"));
        trial.check(replies.get(0), replies.get(1), after.status() == 200 ? after.json() : null, "trial " + n + ": ");
      }
    }
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aManagerNeverRevokesATokenReassignedAwayFromThem(StoreKind kind) throws Exception {
    trials(kind, "POST", "/revoke", (reassign, revoke, token, where) -> {
      assertEquals(200, reassign.status(), where + "the reassignment: " + reassign);
      assertTrue(revoke.status() == 200 || revoke.status() == 404, where + "the revocation: " + revoke);
      // Revoked first, then reassigned (revoked); or reassigned first, the manager's revocation then refused.
      assertEquals(revoke.status() == 200 ? "revoked" : "active", token.getString("state"),
          where + "revocation " + revoke + ", token after " + token);
    });
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aManagerNeverDeletesATokenReassignedAwayFromThem(StoreKind kind) throws Exception {
    trials(kind, "DELETE", "", (reassign, delete, token, where) -> {
      // Deleted first (the reassignment then finds no token), or reassigned first (the deletion then refused).
      assertTrue(reassign.status() == 404 && delete.status() == 204 && token == null
              || reassign.status() == 200 && delete.status() == 404 && token != null,
          where + "reassignment " + reassign + ", deletion " + delete + ", token after " + token);
    });
  }

  /**
   * A user creating a token while they are deleted: the token was committed, deleted with its user, and then read
   * for the answer, which found nothing (500, a helper's probe of two nodes, 1 round in 10 to 25). It is answered as
   * written, or refused when the deletion came first.
   */
  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aTokenCreatedWhileItsUserIsDeletedIsAnsweredAsItWent(StoreKind kind) throws Exception {
    try (TestGateway gateway = TestGateway.start(kind.freshStore(tempDir))) {
      Team team = Team.create(gateway);
      for (int n = 0; n < 2 * TRIALS; n++) {
        Team.Member member = Team.addUser(gateway, team.session("owner"), "leaving-" + n, "manager");
        JsonObject token = new JsonObject().put("name", "t-" + n);
        List<Reply> replies = Concurrently.run(2, i -> i == 0
            ? gateway.post("/api/tokens", member.session(), token
                .put("permissions", new JsonArray().add("agents:read")))
            : gateway.call("DELETE", "/api/users/" + member.id(), team.session("owner"), null));
        Reply created = replies.get(0);
        assertEquals(204, replies.get(1).status(), "trial " + n + ": the deletion: " + replies.get(1));
        if (created.status() == 201) {
          assertEquals(member.id(), created.json().getString("userId"), "trial " + n + ": " + created);
        } else {
          assertTrue(created.status() == 401 || created.status() == 409, "trial " + n + ": " + created);
        }
      }
    }
  }
}
