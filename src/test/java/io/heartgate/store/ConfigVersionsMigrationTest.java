package io.heartgate.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.heartgate.testsupport.Await;
import io.heartgate.testsupport.StoreKind;
import io.heartgate.testsupport.TestStores;
import io.vertx.sqlclient.Row;
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
 * V4__config_versions upgrades a store the previous release wrote, in place, on both stores: every config keeps
 * its row and gets version 1 holding its current TOML, dated when that TOML was written, with no author.
 */
class ConfigVersionsMigrationTest {
  @TempDir
  Path tempDir;
  @RegisterExtension
  final TestStores stores = new TestStores();
  private Store store;

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void existingConfigsGetVersionOneAndKeepEveryRow(StoreKind kind) {
    store = stores.fresh(kind, tempDir, 2);
    List<String> previousRelease = List.of("V1__initial_schema", "V2__login_attempts");
    assertEquals(2, Await.of(Migrations.apply(store, Clock.systemUTC(), previousRelease)));
    Await.of(store.query("INSERT INTO users (id, username, password_hash, role, created_at, updated_at) "
        + "VALUES ('u1', 'alice', 'x', 'manager', 0, 0)", Tuple.tuple()));
    String crlf = "[agent]\r\n  interval = \"10s\"\r\n";
    insertConfig("c1", "one", crlf, 1_000L, "u1");
    insertConfig("c2", "two", "", 2_500L, null);
    List<String> before = dump();

    assertEquals(Migrations.NAMES.size() - previousRelease.size(),
        Await.of(Migrations.apply(store, Clock.systemUTC())));

    assertEquals(before, dump(), "every config row kept as it was");
    List<Row> versions = new ArrayList<>();
    Await.of(store.query("SELECT c.id, c.version AS current, v.version, v.toml, v.created_at, v.author_type, "
        + "v.author_id, v.author_name, v.note FROM configs c JOIN config_versions v ON v.config_id = c.id "
        + "ORDER BY c.id", Tuple.tuple())).forEach(versions::add);
    assertEquals(2, versions.size());
    assertEquals(List.of("c1", "c2"), versions.stream().map(r -> r.getString("id")).toList());
    assertEquals(List.of(crlf, ""), versions.stream().map(r -> r.getString("toml")).toList());
    assertEquals(List.of(1_000L, 2_500L), versions.stream().map(r -> r.getLong("created_at")).toList());
    for (Row row : versions) {
      assertEquals(1, row.getInteger("current"));
      assertEquals(1, row.getInteger("version"));
      assertNull(row.getString("author_type"));
      assertNull(row.getString("author_id"));
      assertNull(row.getString("note"));
    }
    Await.of(store.query("DELETE FROM configs WHERE id = 'c1'", Tuple.tuple()));
    assertEquals(1L, Await.of(store.query("SELECT COUNT(*) FROM config_versions", Tuple.tuple()))
        .iterator().next().getLong(0), "deleting a config deletes its versions");
  }

  private void insertConfig(String id, String name, String toml, long changedAt, String createdBy) {
    Await.of(store.query("INSERT INTO configs (id, name, description, toml, toml_changed_at, created_at, "
        + "updated_at, created_by) VALUES ($1, $2, 'd', $3, $4, 1, $4, $5)",
        Tuple.of(id, name, toml, changedAt, createdBy)));
  }

  private List<String> dump() {
    List<String> rows = new ArrayList<>();
    Await.of(store.query("SELECT id, name, description, toml, toml_changed_at, created_at, updated_at, created_by "
        + "FROM configs ORDER BY id", Tuple.tuple())).forEach(row -> rows.add(row.toJson().encode()));
    return rows;
  }
}
