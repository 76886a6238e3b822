package io.heartgate.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A change racing the deletion of what it changes is answered as it went: 200 with the object as the change left it
 * when it was done (and audited), 404 when it was not. Today the labels, constants, reporting rules, configs and
 * config groups services read their answer again after the change was committed (and audited), so a deletion in
 * between answered a change that was done with 404.
 */
class ChangesRacingDeletionTest {
  private static final int ROUNDS = 16;

  /** One kind of object: where it lives, a body that creates it, and its audit action for a change. */
  enum Kind {
    LABEL("/api/labels", "label.update"),
    CONSTANT("/api/constants", "constant.update"),
    REPORTING_RULE("/api/reporting-rules", "reporting-rule.update"),
    CONFIG("/api/configs", "config.update"),
    CONFIG_GROUP("/api/config-groups", "config-group.update"),
    /** A config's rollback to its version 1: the change, a new version 2 answered 201. */
    CONFIG_ROLLBACK("/api/configs", "config.rollback");

    final String path;
    final String action;

    Kind(String path, String action) {
      this.path = path;
      this.action = action;
    }

    JsonObject creation(String name) {
      JsonObject body = new JsonObject().put("name", name);
      return switch (this) {
        case LABEL -> body;
        case CONSTANT -> body.put("value", "v");
        case REPORTING_RULE -> body.put("notReportingAfterSeconds", 300);
        case CONFIG, CONFIG_ROLLBACK -> body.put("toml", "[[inputs.cpu]]\n");
        case CONFIG_GROUP -> body.put("configIds", new JsonArray());
      };
    }
  }

  @TempDir
  Path tempDir;
  private TestGateway gateway;

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  static Stream<Arguments> cases() {
    return Stream.of(StoreKind.values())
        .flatMap(store -> Stream.of(Kind.values()).map(kind -> Arguments.of(store, kind)));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void aChangeRacingTheDeletionIsAnsweredAsItWent(StoreKind store, Kind kind) throws Exception {
    gateway = TestGateway.start(store.freshStore(tempDir));
    Credentials owner = Team.create(gateway).session("owner");
    for (int round = 0; round < ROUNDS; round++) {
      String where = kind + " round " + round + ": ";
      Reply created = gateway.post(kind.path, owner, kind.creation(kind.name().toLowerCase(Locale.ROOT) + round));
      assertEquals(201, created.status(), where + created);
      String id = created.json().getString("id");
      String renamed = "renamed_" + kind.name().toLowerCase(Locale.ROOT) + round;
      boolean rollback = kind == Kind.CONFIG_ROLLBACK;
      List<Reply> replies = Concurrently.run(2, i -> i == 1
          ? gateway.call("DELETE", kind.path + "/" + id, owner, null)
          : rollback ? gateway.post(kind.path + "/" + id + "/versions/1/rollback", owner, null)
          : gateway.call("PATCH", kind.path + "/" + id, owner, new JsonObject().put("name", renamed)));
      Reply change = replies.get(0);
      assertEquals(204, replies.get(1).status(), where + replies.get(1));
      int done = rollback ? 201 : 200;
      if (change.status() == done) {
        assertEquals(rollback ? 2 : renamed, rollback ? change.json().getInteger("version")
            : change.json().getString("name"), where + change);
      } else {
        assertEquals(404, change.status(), where + change);
      }
      boolean audited = gateway.get("/api/audit?limit=1000", owner).json().getJsonArray("events").stream()
          .map(JsonObject.class::cast)
          .anyMatch(event -> kind.action.equals(event.getString("action")) && id.equals(event.getString("targetId")));
      assertEquals(change.status() == done, audited, where + "done and audited only when answered " + done + ": "
          + change);
    }
  }
}
