package io.heartgate.reportingrules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heartgate.store.Store;
import io.heartgate.testsupport.Await;
import io.heartgate.testsupport.HalfwayTransaction;
import io.heartgate.testsupport.StoreKind;
import io.heartgate.testsupport.TestStores;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * On PostgreSQL deleting a rule sets the rule of its agents to NULL (ON DELETE SET NULL), a cascade that updates
 * their rows in the order it finds them, while a heartbeat batch locks agents rows in id order. A batch holding
 * agent a and waiting for b, and a rule delete holding b (found first) and waiting for a, was a deadlock: one of
 * them failed. The delete now locks its agents in id order first, and waits for the batch instead.
 */
class ReportingRuleDeleteLockOrderTest {
  @TempDir
  Path tempDir;
  @RegisterExtension
  final TestStores stores = new TestStores();

  @Test
  void deletingARuleWaitsForAHeartbeatBatchInsteadOfDeadlocking() {
    Store store = stores.migrated(StoreKind.POSTGRES, tempDir, 4);
    Await.of(store.query("INSERT INTO reporting_rules (id, name, not_reporting_after_seconds, "
        + "auto_delete_after_seconds, is_default, created_at, updated_at) VALUES ('brief', 'Brief', 60, 120, 0, 0, 0)",
        Tuple.tuple()));
    // b before a in the table, so the cascade finds b first.
    for (String id : new String[] {"b", "a"}) {
      Await.of(store.query("INSERT INTO agents (id, hostname, first_seen, last_seen, heartbeats, reporting_rule_id) "
          + "VALUES ($1, $1, 0, 0, 1, 'brief')", Tuple.of(id)));
    }

    // A heartbeat batch for a and b, in id order.
    assertTrue(HalfwayTransaction.around(store, "UPDATE agents SET heartbeats = heartbeats + 1 WHERE id = 'a'",
        "UPDATE agents SET heartbeats = heartbeats + 1 WHERE id = 'b'",
        () -> new ReportingRuleRepository(store).deleteUnlessDefault("brief")));

    for (Row agent : Await.of(store.query("SELECT reporting_rule_id, heartbeats FROM agents", Tuple.tuple()))) {
      assertEquals(null, agent.getString(0), "back on the default rule");
      assertEquals(2L, agent.getLong(1), "the batch committed");
    }
  }
}
