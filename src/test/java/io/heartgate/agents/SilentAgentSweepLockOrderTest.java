package io.heartgate.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.heartgate.store.Store;
import io.heartgate.testsupport.Await;
import io.heartgate.testsupport.Poll;
import io.heartgate.testsupport.StoreKind;
import io.heartgate.testsupport.TestStores;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * On PostgreSQL a heartbeat batch locks an agent's heartbeat details before its agents row (see
 * HeartbeatRepository). The auto-delete job must take them in the same order: deleting the agents rows first, whose
 * cascade then waited for the details a batch held while the batch waited for an agents row, was a deadlock, and
 * the batch or the sweep failed. An agent whose heartbeat commits while the sweep waits for it is kept.
 */
class SilentAgentSweepLockOrderTest {
  private static final Duration DEADLINE = Duration.ofSeconds(20);
  private static final long NOW = 1_800_000_000_000L;

  @TempDir
  Path tempDir;
  @RegisterExtension
  final TestStores stores = new TestStores();

  @Test
  void theSweepWaitsForAHeartbeatBatchInsteadOfDeadlockingAndKeepsTheAgentItWrote() {
    Store store = stores.migrated(StoreKind.POSTGRES, tempDir, 4);
    Await.of(store.query("INSERT INTO reporting_rules (id, name, not_reporting_after_seconds, "
        + "auto_delete_after_seconds, is_default, created_at, updated_at) VALUES ('brief', 'Brief', 60, 120, 0, 0, 0)",
        Tuple.tuple()));
    Await.of(store.query("INSERT INTO agents (id, hostname, first_seen, last_seen, heartbeats, reporting_rule_id) "
        + "VALUES ('x', 'x', $1, $1, 1, 'brief'), ('y', 'y', $1, $1, 1, 'brief')", Tuple.of(NOW - 3_600_000L)));
    Await.of(store.query("INSERT INTO agent_heartbeats (agent_id, payload, received_at) "
        + "SELECT id, '{}', last_seen FROM agents", Tuple.tuple()));

    // A heartbeat batch for x halfway: its details locked, its agents row not yet.
    Promise<Void> detailsLocked = Promise.promise();
    Promise<Void> goOn = Promise.promise();
    Future<Void> batch = store.inTransaction(tx -> tx.query(
            "SELECT agent_id FROM agent_heartbeats WHERE agent_id = 'x' FOR UPDATE", Tuple.tuple())
        .compose(locked -> {
          detailsLocked.complete();
          return goOn.future();
        })
        .compose(ignored -> tx.query("UPDATE agents SET last_seen = $1, heartbeats = heartbeats + 1 WHERE id = 'x'",
            Tuple.of(NOW)))
        .mapEmpty());
    Await.of(detailsLocked.future());

    Future<SilentAgentSweep.Outcome> sweep = new SilentAgentSweep(new AgentRepository(store))
        .run(NOW, tookMs -> Future.succeededFuture(true));
    Poll.until(DEADLINE, "the sweep to wait for the batch", () -> Await.of(store.query(
        "SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pid <> pg_backend_pid()",
        Tuple.tuple())).iterator().next().getLong(0) == 1);
    // The batch goes on to the agents row, and commits.
    goOn.complete();

    Await.of(batch);
    assertEquals(1, Await.of(sweep).deleted(), "y was deleted; x reported while the sweep waited for it");
    assertEquals(Set.of("x"), ids(store, "SELECT id FROM agents"));
    assertEquals(Set.of("x"), ids(store, "SELECT agent_id FROM agent_heartbeats"), "x keeps its details");
  }

  private static Set<String> ids(Store store, String sql) {
    Set<String> ids = new HashSet<>();
    Await.of(store.query(sql, Tuple.tuple())).forEach(row -> ids.add(row.getString(0)));
    return ids;
  }
}
