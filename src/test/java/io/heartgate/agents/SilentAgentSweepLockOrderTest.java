package io.heartgate.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.heartgate.store.Store;
import io.heartgate.testsupport.Await;
import io.heartgate.testsupport.HalfwayTransaction;
import io.heartgate.testsupport.StoreKind;
import io.heartgate.testsupport.TestStores;
import io.vertx.core.Future;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * On PostgreSQL a heartbeat batch locks its agents' heartbeat details, then their agents rows, each in id order
 * (see HeartbeatRepository), and deleting a reporting rule locks its agents rows in id order. The auto-delete job
 * must take them in the same order: deleting the agents rows first, whose cascade then waited for the details a
 * batch held while the batch waited for an agents row, was a deadlock; so was deleting the agents rows in the
 * order the table holds them while a rule's delete held one and waited for another. An agent whose heartbeat
 * commits while the sweep waits for it is kept.
 */
class SilentAgentSweepLockOrderTest {
  private static final long NOW = 1_800_000_000_000L;

  @TempDir
  Path tempDir;
  @RegisterExtension
  final TestStores stores = new TestStores();
  private Store store;

  @Test
  void theSweepWaitsForAHeartbeatBatchAndKeepsTheAgentItWrote() {
    fill();
    SilentAgentSweep.Outcome outcome = HalfwayTransaction.around(store,
        "SELECT agent_id FROM agent_heartbeats WHERE agent_id = 'x' FOR UPDATE",
        "UPDATE agents SET last_seen = " + NOW + ", heartbeats = heartbeats + 1 WHERE id = 'x'", this::sweep);

    assertEquals(1, outcome.deleted(), "y was deleted; x reported while the sweep waited for it");
    assertEquals(Set.of("x"), ids("SELECT id FROM agents"));
    assertEquals(Set.of("x"), ids("SELECT agent_id FROM agent_heartbeats"), "x keeps its details");
  }

  @Test
  void theSweepWaitsForARuleDeleteHoldingAgentsInIdOrder() {
    fill();
    SilentAgentSweep.Outcome outcome = HalfwayTransaction.around(store,
        "SELECT id FROM agents WHERE id = 'x' FOR NO KEY UPDATE",
        "SELECT id FROM agents WHERE id = 'y' FOR NO KEY UPDATE", this::sweep);

    assertEquals(2, outcome.deleted());
    assertEquals(Set.of(), ids("SELECT id FROM agents"));
  }

  @Test
  void aBatchThatKeepsAnAgentWhichJustReportedDoesNotEndTheRun() {
    fill();
    int more = SilentAgentSweep.POSTGRES_BATCH - 1;
    Await.of(store.query("INSERT INTO agents (id, hostname, first_seen, last_seen, heartbeats, reporting_rule_id) "
        + "SELECT 'z' || g, 'z' || g, $1 + g, $1 + g, 1, 'brief' FROM generate_series(1, $2) g",
        Tuple.of(NOW - 3_600_000L, more)));

    SilentAgentSweep.Outcome outcome = HalfwayTransaction.around(store,
        "SELECT agent_id FROM agent_heartbeats WHERE agent_id = 'x' FOR UPDATE",
        "UPDATE agents SET last_seen = " + NOW + ", heartbeats = heartbeats + 1 WHERE id = 'x'", this::sweep);

    assertEquals(Set.of("x"), ids("SELECT id FROM agents"), "the run went on past the batch that kept x");
    assertEquals(new SilentAgentSweep.Outcome(1 + more, 2, true), outcome);
  }

  /** Two agents silent for an hour on a rule deleting after 2 minutes, y before x in the table. */
  private void fill() {
    store = stores.migrated(StoreKind.POSTGRES, tempDir, 4);
    Await.of(store.query("INSERT INTO reporting_rules (id, name, not_reporting_after_seconds, "
        + "auto_delete_after_seconds, is_default, created_at, updated_at) VALUES ('brief', 'Brief', 60, 120, 0, 0, 0)",
        Tuple.tuple()));
    for (String id : new String[] {"y", "x"}) {
      Await.of(store.query("INSERT INTO agents (id, hostname, first_seen, last_seen, heartbeats, reporting_rule_id) "
          + "VALUES ($1, $1, $2, $2, 1, 'brief')", Tuple.of(id, NOW - 3_600_000L)));
    }
    Await.of(store.query("INSERT INTO agent_heartbeats (agent_id, payload, received_at) "
        + "SELECT id, '{}', last_seen FROM agents", Tuple.tuple()));
  }

  private Future<SilentAgentSweep.Outcome> sweep() {
    return new SilentAgentSweep(new AgentRepository(store)).run(NOW, tookMs -> Future.succeededFuture(true));
  }

  private Set<String> ids(String sql) {
    Set<String> ids = new HashSet<>();
    Await.of(store.query(sql, Tuple.tuple())).forEach(row -> ids.add(row.getString(0)));
    return ids;
  }
}
