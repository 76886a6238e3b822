package io.heartgate.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heartgate.settings.DatabaseUrl;
import io.heartgate.testsupport.Credentials;
import io.heartgate.testsupport.Reply;
import io.heartgate.testsupport.StoreKind;
import io.heartgate.testsupport.Team;
import io.heartgate.testsupport.TestGateway;
import io.heartgate.testsupport.WaitingSqliteWrite;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Today: on SQLite a download (by id, by alias, a group's) read its config, the constants it uses, its alias and its
 * group through the store's one writing connection, behind every heartbeat batch and every write, and behind a write
 * waiting for the file (held by another process, up to the 5 s busy timeout); so did a single config, group,
 * constant, label, token, user or reporting rule. They now read through the reading connection.
 */
class SqliteDownloadsTest {
  @TempDir
  Path tempDir;

  @Test
  void downloadsAndSingleItemsAreServedWhileAWriteWaitsForTheFile() throws Exception {
    DatabaseUrl.Sqlite url = (DatabaseUrl.Sqlite) StoreKind.SQLITE.freshStore(tempDir);
    try (TestGateway gateway = TestGateway.start(url)) {
      Credentials owner = Team.create(gateway).session("owner");
      String constant = created(gateway.post("/api/constants", owner, new JsonObject().put("name", "region")
          .put("value", "eu-west")));
      String config = created(gateway.post("/api/configs", owner, new JsonObject().put("name", "base")
          .put("alias", "base").put("description", "")
          .put("toml", "[global_tags]\n  region = \"::{region}\"\n")));
      String group = created(gateway.post("/api/config-groups", owner, new JsonObject().put("name", "all")
          .put("alias", "everything").put("configIds", new JsonArray().add(config))));
      String label = created(gateway.post("/api/labels", owner, new JsonObject().put("name", "edge")));
      String token = created(gateway.post("/api/tokens", owner, new JsonObject().put("name", "reader")
          .put("permissions", List.of("configs:read"))));
      String viewer = Team.addUser(gateway, owner, "vera", "viewer").id();
      // Each path and what its answer holds.
      Map<String, String> reads = Map.ofEntries(
          Map.entry("/api/configs/" + config + "/toml", "region = \"eu-west\""),
          Map.entry("/c/base", "region = \"eu-west\""),
          Map.entry("/api/config-groups/" + group + "/toml", "region = \"eu-west\""),
          Map.entry("/c/everything", "region = \"eu-west\""),
          Map.entry("/api/configs/" + config, "\"alias\":\"base\""),
          Map.entry("/api/config-groups/everything", "\"id\":\"" + group + "\""),
          Map.entry("/api/constants/" + constant, "\"value\":\"eu-west\""),
          Map.entry("/api/labels/" + label, "\"name\":\"edge\""),
          Map.entry("/api/tokens/" + token, "\"name\":\"reader\""),
          Map.entry("/api/users/" + viewer, "\"username\":\"vera\""),
          Map.entry("/api/reporting-rules/default", "\"id\":\"default\""));
      int rounds = WaitingSqliteWrite.checksWhileWaiting(gateway, owner, url, () -> reads.forEach((path, holds) -> {
        Reply read = gateway.get(path, owner);
        assertEquals(200, read.status(), path + ": " + read);
        assertTrue(read.body().contains(holds), path + " holds " + holds + ": " + read);
        if (path.endsWith("/toml") || path.startsWith("/c/")) {
          Reply head = gateway.call("HEAD", path, owner, null);
          assertEquals(200, head.status(), "HEAD " + path + ": " + head);
        }
      }));
      assertTrue(rounds > 2, "read while the write waited: " + rounds);
    }
  }

  private static String created(Reply reply) {
    assertEquals(201, reply.status(), reply.toString());
    return reply.json().getString("id");
  }
}
