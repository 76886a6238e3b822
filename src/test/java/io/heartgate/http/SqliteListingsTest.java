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
 * Today: on SQLite every listing but the agents' was read through the store's one writing connection, behind every
 * write before it: a heartbeat batch, an auto-delete batch, or a write waiting for the file (held by another process,
 * up to the 5 s busy timeout). And a listing held that connection, and every heartbeat with it, for as long as it
 * read: 0.6–0.9 s for 1,000 configs with 100 labels each. Listings now read through the reading connection.
 */
class SqliteListingsTest {
  @TempDir
  Path tempDir;

  @Test
  void everyListingIsReadWhileAWriteWaitsForTheFile() throws Exception {
    DatabaseUrl.Sqlite url = (DatabaseUrl.Sqlite) StoreKind.SQLITE.freshStore(tempDir);
    try (TestGateway gateway = TestGateway.start(url)) {
      Credentials owner = Team.create(gateway).session("owner");
      String label = created(gateway.post("/api/labels", owner, new JsonObject().put("name", "edge")));
      String config = created(gateway.post("/api/configs", owner, new JsonObject().put("name", "base")
          .put("description", "").put("toml", "[agent]\n  interval = \"10s\"\n")));
      String constant = created(gateway.post("/api/constants", owner, new JsonObject().put("name", "REGION")
          .put("value", "eu")));
      String group = created(gateway.post("/api/config-groups", owner, new JsonObject().put("name", "all")
          .put("configIds", new JsonArray().add(config))));
      String token = created(gateway.post("/api/tokens", owner, new JsonObject().put("name", "reader")
          .put("permissions", List.of("configs:read"))));
      // Each listing and the field of its items that names the one made above.
      Map<String, List<String>> listings = Map.of(
          "/api/labels", List.of("labels", "id", label),
          "/api/configs", List.of("configs", "id", config),
          "/api/configs/" + config + "/versions", List.of("versions", "version", "1"),
          "/api/constants", List.of("constants", "id", constant),
          "/api/config-groups", List.of("configGroups", "id", group),
          "/api/reporting-rules", List.of("rules", "id", "default"),
          "/api/tokens", List.of("tokens", "id", token),
          "/api/users", List.of("users", "username", "owner"),
          "/api/audit", List.of("events", "action", "token.create"));
      int reads = WaitingSqliteWrite.checksWhileWaiting(gateway, owner, url, () -> listings.forEach((path, item) -> {
        Reply listing = gateway.get(path, owner);
        assertEquals(200, listing.status(), path + ": " + listing);
        JsonArray items = listing.json().getJsonArray(item.get(0));
        assertTrue(items.stream().anyMatch(each -> item.get(2).equals(String.valueOf(((JsonObject) each)
            .getValue(item.get(1))))), path + " lists " + item.get(2) + ": " + listing);
      }));
      assertTrue(reads > 2, "listed while the write waited: " + reads);
    }
  }

  private static String created(Reply reply) {
    assertEquals(201, reply.status(), reply.toString());
    return reply.json().getString("id");
  }
}
