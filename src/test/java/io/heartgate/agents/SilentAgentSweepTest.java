package io.heartgate.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heartgate.store.Store;
import io.heartgate.testsupport.Await;
import io.heartgate.testsupport.StoreKind;
import io.heartgate.testsupport.TestStores;
import io.vertx.core.Future;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The auto-delete job in bounded batches, on both stores: more silent agents than one batch are all deleted and
 * nothing else is, an agent that heartbeats between two batches is kept, and a job told to stop stops.
 */
class SilentAgentSweepTest {
  private static final long NOW = 1_800_000_000_000L;
  private static final String AGENT = "INSERT INTO agents (id, hostname, first_seen, last_seen, heartbeats, "
      + "reporting_rule_id) VALUES ($1, $1, $2, $2, 1, $3)";

  @TempDir
  Path tempDir;
  @RegisterExtension
  final TestStores stores = new TestStores();
  private Store store;
  /** Silent agents to delete: two batches of the store's and a half. */
  private int silentCount;

  /**
   * {@link #silentCount} agents of a rule deleting after 2 minutes, silent for an hour and more ({@code
   * silent-0000} the longest);
   * 100 fresh ones of that rule; 100 of the default rule (no auto-delete) silent for a day; heartbeat details for all.
   */
  private void fill(StoreKind kind) {
    store = stores.migrated(kind, tempDir, 2);
    int batch = SilentAgentSweep.batchSize(store.dialect());
    silentCount = 2 * batch + batch / 2;
    Await.of(store.query("INSERT INTO reporting_rules (id, name, not_reporting_after_seconds, "
        + "auto_delete_after_seconds, is_default, created_at, updated_at) VALUES ('brief', 'Brief', 60, 120, 0, 0, 0)",
        Tuple.tuple()));
    List<Tuple> agents = new ArrayList<>();
    for (int i = 0; i < silentCount; i++) {
      agents.add(Tuple.of(silent(i), NOW - 3_600_000L - (silentCount - i) * 1_000L, "brief"));
    }
    for (int i = 0; i < 100; i++) {
      agents.add(Tuple.of(String.format(Locale.ROOT, "fresh-%03d", i), NOW - i * 100L, "brief"));
      agents.add(Tuple.of(String.format(Locale.ROOT, "kept-%03d", i), NOW - 86_400_000L, null));
    }
    Await.of(store.batch(AGENT, agents));
    Await.of(store.query("INSERT INTO agent_heartbeats (agent_id, payload, received_at) "
        + "SELECT id, '{}', last_seen FROM agents", Tuple.tuple()));
  }

  private static String silent(int i) {
    return String.format(Locale.ROOT, "silent-%04d", i);
  }

  private Set<String> ids(String table, String column) {
    Set<String> ids = new HashSet<>();
    Await.of(store.query("SELECT " + column + " FROM " + table, Tuple.tuple()))
        .forEach(row -> ids.add(row.getString(0)));
    return ids;
  }

  private Set<String> survivorsExpected(String... silentKept) {
    Set<String> expected = new HashSet<>(Set.of(silentKept));
    for (int i = 0; i < 100; i++) {
      expected.add(String.format(Locale.ROOT, "fresh-%03d", i));
      expected.add(String.format(Locale.ROOT, "kept-%03d", i));
    }
    return expected;
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void deletesExactlyTheSilentAgentsBatchAfterBatch(StoreKind kind) {
    fill(kind);
    AtomicInteger asked = new AtomicInteger();
    SilentAgentSweep.Outcome outcome = Await.of(new SilentAgentSweep(new AgentRepository(store))
        .run(NOW, tookMs -> {
          asked.incrementAndGet();
          return Future.succeededFuture(true);
        }));

    assertEquals(silentCount, outcome.deleted());
    assertEquals(3, outcome.batches(), "two full batches and the rest");
    assertEquals(2, asked.get(), "asked before each batch after the first");
    assertTrue(outcome.finished());
    assertEquals(survivorsExpected(), ids("agents", "id"));
    assertEquals(survivorsExpected(), ids("agent_heartbeats", "agent_id"), "their heartbeat details go with them");
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void anAgentWhoseHeartbeatLandsDuringTheSweepIsKept(StoreKind kind) {
    fill(kind);
    // The longest silent go first: the last silent agent is in the last batch. It reports after the first one.
    String late = silent(silentCount - 1);
    AtomicInteger asked = new AtomicInteger();
    SilentAgentSweep.Outcome outcome = Await.of(new SilentAgentSweep(new AgentRepository(store))
        .run(NOW, tookMs -> asked.getAndIncrement() > 0 ? Future.succeededFuture(true)
            : store.query("UPDATE agents SET last_seen = $1, heartbeats = heartbeats + 1 WHERE id = $2",
                Tuple.of(NOW + 5, late)).map(true)));

    assertEquals(silentCount - 1, outcome.deleted());
    assertEquals(survivorsExpected(late), ids("agents", "id"));
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void stopsBetweenBatchesWhenToldTo(StoreKind kind) {
    fill(kind);
    SilentAgentSweep.Outcome outcome = Await.of(new SilentAgentSweep(new AgentRepository(store))
        .run(NOW, tookMs -> Future.succeededFuture(false)));

    int batch = SilentAgentSweep.batchSize(store.dialect());
    assertEquals(batch, outcome.deleted());
    assertFalse(outcome.finished());
    assertFalse(ids("agents", "id").contains(silent(0)), "the longest silent went first");
    assertTrue(ids("agents", "id").contains(silent(batch)));
  }
}
