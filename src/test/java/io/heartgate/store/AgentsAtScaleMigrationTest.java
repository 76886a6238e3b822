package io.heartgate.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.heartgate.testsupport.Await;
import io.heartgate.testsupport.StoreKind;
import io.heartgate.testsupport.TestStores;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * V7__agents_at_scale upgrades a store the previous release (V6) wrote, in place, on both stores: every agent row
 * is kept, and the index on last_seen alone gives way to (last_seen, id). (The summary index V7 gave SQLite is gone
 * again with V9, whose tally the summary reads instead; the index on hostname, which no query could use and every
 * heartbeat rewrote, with V10.)
 */
class AgentsAtScaleMigrationTest {
  @TempDir
  Path tempDir;
  @RegisterExtension
  final TestStores stores = new TestStores();
  private Store store;

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aV6StoreUpgradesKeepingEveryAgent(StoreKind kind) {
    store = stores.fresh(kind, tempDir, 2);
    List<String> previousRelease = Migrations.NAMES.subList(0, Migrations.NAMES.indexOf("V7__agents_at_scale"));
    assertEquals(6, Await.of(Migrations.apply(store, Clock.systemUTC(), previousRelease)));
    for (int i = 0; i < 3; i++) {
      Await.of(store.query("INSERT INTO agents (id, hostname, ip, version, reported_status, first_seen, last_seen, "
          + "heartbeats, statistics, reporting_rule_id, labels) VALUES ($1, 'h', '10.0.0.1', '1.37.0', 'ok', 5, $2, "
          + "3, NULL, NULL, '[]')", Tuple.of("a" + i, 100L - i)));
      Await.of(store.query("INSERT INTO agent_heartbeats (agent_id, payload, received_at) VALUES ($1, '{}', 1)",
          Tuple.of("a" + i)));
    }
    Map<String, List<JsonObject>> before = StoredRows.of(store, List.of("agents", "agent_heartbeats"));
    Set<String> indexesBefore = agentIndexes();

    assertEquals(Migrations.NAMES.size() - previousRelease.size(),
        Await.of(Migrations.apply(store, Clock.systemUTC())));

    StoredRows.assertKept(before, StoredRows.of(store, List.of("agents", "agent_heartbeats")));
    Set<String> expected = new TreeSet<>(indexesBefore);
    expected.remove("agents_last_seen");
    expected.remove("agents_hostname");
    expected.add("agents_last_seen_id");
    assertEquals(expected, agentIndexes());
  }

  private Set<String> agentIndexes() {
    String sql = store.dialect() == Dialect.SQLITE
        ? "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'agents' AND sql IS NOT NULL"
        : "SELECT indexname FROM pg_indexes WHERE tablename = 'agents' AND indexname NOT LIKE '%_pkey'";
    Set<String> names = new TreeSet<>();
    Await.of(store.query(sql, Tuple.tuple())).forEach(row -> names.add(row.getString(0)));
    return names;
  }
}
