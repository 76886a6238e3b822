package io.heartgate.heartbeat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heartgate.store.Store;
import io.heartgate.testsupport.Await;
import io.heartgate.testsupport.HalfwayTransaction;
import io.heartgate.testsupport.StoreKind;
import io.heartgate.testsupport.TestStores;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lock order every other writer of agents on PostgreSQL follows (see the *LockOrderTest classes) rests on the
 * heartbeat batch's own: one statement that takes an agent's heartbeat details before its agents row. Should the
 * statement ever take them the other way round, this fails, and those writers' order must change with it.
 */
class HeartbeatBatchLockOrderTest {
  @TempDir
  Path tempDir;
  @RegisterExtension
  final TestStores stores = new TestStores();

  @Test
  void aBatchHoldsTheDetailsWhileItWaitsForTheAgentsRow() {
    Store store = stores.migrated(StoreKind.POSTGRES, tempDir, 4);
    HeartbeatRepository heartbeats = new HeartbeatRepository(store);
    Await.of(heartbeats.write(List.of(heartbeat(1))));

    // Holding x's agents row, the batch is seen waiting for it; by then it must hold x's details.
    HalfwayTransaction.Outcome<Void> outcome = HalfwayTransaction.run(store,
        "SELECT id FROM agents WHERE id = 'x' FOR UPDATE",
        "SELECT agent_id FROM agent_heartbeats WHERE agent_id = 'x' FOR UPDATE NOWAIT",
        () -> heartbeats.write(List.of(heartbeat(2))));

    assertTrue(Await.failureOf(outcome.transaction()).getMessage().contains("55P03"),
        "the details were locked by the waiting batch");
    Await.of(outcome.change());
    assertEquals(2L, Await.of(store.query("SELECT heartbeats FROM agents WHERE id = 'x'", Tuple.tuple()))
        .iterator().next().getLong(0));
  }

  /**
   * Details as they were are neither rewritten nor locked (an ON CONFLICT DO UPDATE whose WHERE is false still locks
   * its row, a write to the table and its log for each heartbeat); those are most heartbeats of a fleet.
   */
  @Test
  void aBatchLeavesDetailsAsTheyWereUnlocked() {
    Store store = stores.migrated(StoreKind.POSTGRES, tempDir, 4);
    HeartbeatRepository heartbeats = new HeartbeatRepository(store);
    Await.of(heartbeats.write(List.of(heartbeat(1, "[]"))));

    // Holding x's agents row, the batch is seen waiting for it; x's details, the same as stored, are free.
    HalfwayTransaction.around(store, "SELECT id FROM agents WHERE id = 'x' FOR UPDATE",
        "SELECT agent_id FROM agent_heartbeats WHERE agent_id = 'x' FOR UPDATE NOWAIT",
        () -> heartbeats.write(List.of(heartbeat(2, "[]"))));

    assertEquals(2L, Await.of(store.query("SELECT heartbeats FROM agents WHERE id = 'x'", Tuple.tuple()))
        .iterator().next().getLong(0));
    assertEquals(1_000L, Await.of(store.query("SELECT received_at FROM agent_heartbeats WHERE agent_id = 'x'",
        Tuple.tuple())).iterator().next().getLong(0), "the details were not rewritten");
  }

  /** A heartbeat of agent x whose logs differ each time, so the batch rewrites its details. */
  private static HeartbeatRepository.Coalesced heartbeat(int n) {
    return heartbeat(n, "[{\"n\":" + n + "}]");
  }

  private static HeartbeatRepository.Coalesced heartbeat(int n, String logs) {
    HeartbeatBody body = new HeartbeatBody("x", "1.38.0", "host-x", "ok", null, "[]", logs, "{}");
    return new HeartbeatRepository.Coalesced(new AgentHeartbeat(body, "127.0.0.1", 1_000L * n, 100), 1);
  }
}
