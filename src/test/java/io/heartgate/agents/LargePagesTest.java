package io.heartgate.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.heartgate.settings.DatabaseUrl;
import io.heartgate.store.Store;
import io.heartgate.testsupport.Await;
import io.heartgate.testsupport.Credentials;
import io.heartgate.testsupport.LockedTable;
import io.heartgate.testsupport.Poll;
import io.heartgate.testsupport.Reply;
import io.heartgate.testsupport.StoreKind;
import io.heartgate.testsupport.Team;
import io.heartgate.testsupport.TestGateway;
import io.heartgate.testsupport.TestStores;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pages of more than 100 agents are built two at a time per node, one per user; another asked meanwhile is 503 at
 * once. Today (a helper's probe): a page of a thousand agents could take about 50 MB while it was built, and three at
 * once halted a node of 256 MiB.
 */
class LargePagesTest {
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

  @Test
  void aThirdLargePageAtOnceIs503AndAUserBuildsOneAtATime() throws Exception {
    DatabaseUrl url = StoreKind.POSTGRES.freshStore(tempDir);
    gateway = TestGateway.start(url);
    Team team = Team.create(gateway);
    Credentials viewer = team.session("viewer");
    Credentials manager = team.session("manager");
    assertEquals(200, gateway.get("/api/agents?limit=1000", viewer).status());

    // Two large pages held by a lock on the agents table, so that both are being built when the others come.
    Store watcher = stores.open(url, 1);
    List<CompletableFuture<Reply>> building;
    try (LockedTable agents = LockedTable.lock(stores.open(url, 1), "agents")) {
      building = List.of(viewer, manager).stream().map(user -> CompletableFuture.supplyAsync(() ->
          gateway.get("/api/agents?limit=500", user))).toList();
      Poll.until(Duration.ofSeconds(10), "both pages wait for the lock", () -> Await.of(watcher.query(
          "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' "
          + "AND query LIKE '%agents%'"))
          .iterator().next().getLong(0) == 2);
      for (Credentials user : List.of(team.session("administrator"), viewer)) {
        Reply third = gateway.get("/api/agents?limit=1000", user);
        assertEquals(503, third.status(), third.toString());
        assertEquals("Too many large pages of agents are being built; try again", third.json().getString("message"));
      }
      assertEquals(200, gateway.get("/api/labels", viewer).status(), "other requests are served");
    }
    for (CompletableFuture<Reply> page : building) {
      assertEquals(200, page.join().status());
    }
    assertEquals(200, gateway.get("/api/agents?limit=1000", viewer).status(), "room again once they are built");
  }
}
