package io.heartgate.labels;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
 * On PostgreSQL two assignments of the same labels to one agent at once each wait for the other's uncommitted
 * rows: taken in the order each request listed them ([b, a] against [a, b]) they waited for each other, a
 * deadlock that answered one operator 500. Assignments now take the labels in id order.
 */
class LabelAssignmentLockOrderTest {
  @TempDir
  Path tempDir;
  @RegisterExtension
  final TestStores stores = new TestStores();

  @Test
  void twoAssignmentsOfTheSameLabelsInAnotherOrderBothSucceed() {
    Store store = stores.migrated(StoreKind.POSTGRES, tempDir, 4);
    Await.of(store.query("INSERT INTO agents (id, first_seen, last_seen) VALUES ('t', 0, 0)", Tuple.tuple()));
    for (String id : new String[] {"a", "b"}) {
      Await.of(store.query("INSERT INTO labels (id, name, color, created_at) VALUES ($1, $1, '#000000', 0)",
          Tuple.of(id)));
    }
    // The other assignment, in id order: it holds a and is about to take b.
    HalfwayTransaction.around(store, "INSERT INTO agent_labels (agent_id, label_id) VALUES ('t', 'a')",
        "INSERT INTO agent_labels (agent_id, label_id) VALUES ('t', 'b') ON CONFLICT DO NOTHING",
        () -> new LabelRepository(store).assign(LabelTarget.AGENT, "t", List.of("b", "a"), 100));

    assertEquals(2L, Await.of(store.query("SELECT COUNT(*) FROM agent_labels WHERE agent_id = 't'", Tuple.tuple()))
        .iterator().next().getLong(0));
  }
}
