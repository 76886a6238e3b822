package io.heartgate.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heartgate.agents.AgentSearch;
import io.heartgate.testsupport.Await;
import io.heartgate.testsupport.StoreKind;
import io.heartgate.testsupport.TestStores;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * V8__agent_search upgrades a store the previous release (V7) wrote: every agent already there gets its search
 * text (id, hostname and ip), found through the index; PostgreSQL gets its trigram index, and its absence is
 * noticed.
 */
class AgentSearchMigrationTest {
  @TempDir
  Path tempDir;
  @RegisterExtension
  final TestStores stores = new TestStores();
  private Store store;

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aV7StoreUpgradesWithEveryAgentSearchable(StoreKind kind) {
    store = stores.fresh(kind, tempDir, 2);
    List<String> previousRelease = Migrations.NAMES.subList(0, Migrations.NAMES.indexOf("V8__agent_search"));
    Await.of(Migrations.apply(store, Clock.systemUTC(), previousRelease));
    String[][] agents = {{"web-1", "Frontend.EU", "10.0.0.1"}, {"web-2", null, null}, {"db-1", "backend", "10.9.8.7"}};
    for (String[] agent : agents) {
      Await.of(store.query("INSERT INTO agents (id, hostname, ip, first_seen, last_seen) VALUES ($1, $2, $3, 1, 1)",
          Tuple.of(agent[0], agent[1], agent[2])));
    }

    assertEquals(Migrations.NAMES.size() - previousRelease.size(),
        Await.of(Migrations.apply(store, Clock.systemUTC())));

    assertEquals(List.of("web-1"), found("frontend.eu"));
    assertEquals(List.of("db-1"), found("9.8.7"));
    assertEquals(List.of("web-1", "web-2"), found("web-"));
    assertEquals(List.of(), found("nowhere"));
    assertTrue(Await.of(AgentSearch.indexed(store)), "the trigram index is there");
    if (kind == StoreKind.POSTGRES) {
      Await.of(store.query("DROP INDEX agent_search_trigrams", Tuple.tuple()));
      assertFalse(Await.of(AgentSearch.indexed(store)), "what start-up warns of, where pg_trgm cannot be had");
    }
  }

  /** The agents whose search text holds the (lower-case) term, by id, looked up as AgentSearch does. */
  private List<String> found(String term) {
    String sql = store.dialect() == Dialect.SQLITE
        ? "SELECT k.agent_id FROM agent_search JOIN agent_search_keys k ON k.search_rowid = agent_search.rowid "
            + "WHERE agent_search.text LIKE $1 ORDER BY 1"
        : "SELECT agent_id FROM agent_search WHERE text LIKE $1 ORDER BY 1";
    List<String> ids = new ArrayList<>();
    Await.of(store.query(sql, Tuple.of("%" + term + "%"))).forEach(row -> ids.add(row.getString(0)));
    return ids;
  }
}
