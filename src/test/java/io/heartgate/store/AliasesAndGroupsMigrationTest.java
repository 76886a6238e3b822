package io.heartgate.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heartgate.testsupport.Await;
import io.heartgate.testsupport.StoreKind;
import io.heartgate.testsupport.TestStores;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * V6__aliases_and_config_groups upgrades a store the previous release (V4) wrote, in place, on both stores: every
 * row of configs, versions, agents and labels is kept; the new tables start empty and hold their rules.
 */
class AliasesAndGroupsMigrationTest {
  private static final List<String> TABLES = List.of("configs", "config_versions", "agents", "labels",
      "agent_labels", "config_labels", "users");

  @TempDir
  Path tempDir;
  @RegisterExtension
  final TestStores stores = new TestStores();
  private Store store;

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void aV4StoreUpgradesKeepingEveryRow(StoreKind kind) {
    store = stores.fresh(kind, tempDir, 2);
    List<String> previousRelease = List.of("V1__initial_schema", "V2__login_attempts", "V3__labels",
        "V4__config_versions");
    assertEquals(4, Await.of(Migrations.apply(store, Clock.systemUTC(), previousRelease)));
    sql("INSERT INTO users (id, username, password_hash, role, created_at, updated_at) "
        + "VALUES ('u1', 'alice', 'x', 'manager', 0, 0)");
    sql("INSERT INTO configs (id, name, description, toml, toml_changed_at, created_at, updated_at, created_by, "
        + "version) VALUES ('c1', 'one', 'd', '[agent]\r\n', 1000, 1, 1000, 'u1', 2)");
    sql("INSERT INTO config_versions (config_id, version, toml, created_at) VALUES ('c1', 1, '', 1)");
    sql("INSERT INTO config_versions (config_id, version, toml, created_at, author_type, author_id, author_name, "
        + "note) VALUES ('c1', 2, '[agent]\r\n', 1000, 'user', 'u1', 'alice', 'n')");
    sql("INSERT INTO agents (id, hostname, ip, version, reported_status, first_seen, last_seen, heartbeats, "
        + "statistics, reporting_rule_id, labels) VALUES ('a1', 'h', '10.0.0.1', '1.37.0', 'ok', 5, 6, 3, NULL, "
        + "NULL, '[]')");
    sql("INSERT INTO labels (id, name, description, color, created_at) VALUES ('l1', 'eu', '', '#3b82f6', 1)");
    sql("INSERT INTO agent_labels (agent_id, label_id) VALUES ('a1', 'l1')");
    sql("INSERT INTO config_labels (config_id, label_id) VALUES ('c1', 'l1')");
    Map<String, List<JsonObject>> before = StoredRows.of(store, TABLES);

    assertEquals(Migrations.NAMES.size() - previousRelease.size(),
        Await.of(Migrations.apply(store, Clock.systemUTC())));

    StoredRows.assertKept(before, StoredRows.of(store, TABLES));
    for (String table : List.of("config_groups", "config_group_members", "aliases")) {
      assertEquals(0L, count(table), table + " starts empty");
    }
    sql("INSERT INTO config_groups (id, name, description, content_changed_at, created_at, updated_at) "
        + "VALUES ('g1', 'group', '', 1, 1, 1)");
    sql("INSERT INTO config_group_members (group_id, position, config_id) VALUES ('g1', 0, 'c1')");
    sql("INSERT INTO aliases (alias, config_id) VALUES ('one', 'c1')");
    assertTrue(fails("INSERT INTO aliases (alias, group_id) VALUES ('one', 'g1')"), "one namespace");
    assertTrue(fails("INSERT INTO aliases (alias) VALUES ('nobody')"), "an alias names exactly one owner");
    assertTrue(fails("INSERT INTO aliases (alias, config_id, group_id) VALUES ('both', 'c1', 'g1')"));
    assertTrue(fails("INSERT INTO config_group_members (group_id, position, config_id) VALUES ('g1', 1, 'c1')"),
        "a member appears once");
    assertTrue(fails("DELETE FROM configs WHERE id = 'c1'"), "a member cannot be deleted");
    sql("DELETE FROM config_groups WHERE id = 'g1'");
    assertEquals(0L, count("config_group_members"), "members go with their group");
    sql("DELETE FROM configs WHERE id = 'c1'");
    assertEquals(0L, count("aliases"), "an alias goes with its config");
  }

  private void sql(String statement) {
    Await.of(store.query(statement, Tuple.tuple()));
  }

  private boolean fails(String statement) {
    try {
      sql(statement);
      return false;
    } catch (RuntimeException expected) {
      return true;
    }
  }

  private long count(String table) {
    return Await.of(store.query("SELECT COUNT(*) FROM " + table, Tuple.tuple())).iterator().next().getLong(0);
  }
}
