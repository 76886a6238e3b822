package io.heartgate.configgroups;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.heartgate.store.Store;
import io.heartgate.testsupport.Await;
import io.heartgate.testsupport.StoreKind;
import io.heartgate.testsupport.TestStores;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The groups of changed configs move their content time, on both stores, however many configs changed: a constant
 * may be used by more configs than one statement takes parameters (PostgreSQL takes 65,535).
 */
class GroupMembershipTest {
  private static final long CHANGED_AT = 1_000;

  @TempDir
  Path tempDir;
  @RegisterExtension
  final TestStores stores = new TestStores();
  private Store store;

  private void config(String id) {
    Await.of(store.query("INSERT INTO configs (id, name, description, toml, toml_changed_at, created_at, updated_at) "
        + "VALUES ($1, $1, '', '[agent]', 0, 0, 0)", Tuple.of(id)));
  }

  private void group(String id, String... members) {
    Await.of(store.query("INSERT INTO config_groups (id, name, description, content_changed_at, created_at, "
        + "updated_at) VALUES ($1, $1, '', $2, 0, 0)", Tuple.of(id, CHANGED_AT)));
    for (int position = 0; position < members.length; position++) {
      Await.of(store.query("INSERT INTO config_group_members (group_id, position, config_id) VALUES ($1, $2, $3)",
          Tuple.of(id, position, members[position])));
    }
  }

  private long contentChangedAt(String group) {
    return Await.of(store.query("SELECT content_changed_at FROM config_groups WHERE id = $1", Tuple.of(group)))
        .iterator().next().getLong(0);
  }

  @ParameterizedTest
  @EnumSource(StoreKind.class)
  void everyGroupOfSeventyThousandChangedConfigsMovesOnce(StoreKind kind) {
    store = stores.migrated(kind, tempDir, 2);
    config("first");
    config("last");
    config("other");
    group("one", "first");
    group("both", "first", "last");
    group("untouched", "other");
    List<String> changed = new ArrayList<>();
    changed.add("first");
    for (int i = 0; i < 70_000; i++) {
      changed.add("unknown-" + i);
    }
    changed.add("last");

    Await.of(store.inTransaction(sql -> new ConfigGroupRepository(store)
        .membersChanged(sql, changed, CHANGED_AT + 500)));

    // The next second after the group's own time (later than the change's): once, not once per changed member.
    assertEquals(2_000, contentChangedAt("one"));
    assertEquals(2_000, contentChangedAt("both"));
    assertEquals(CHANGED_AT, contentChangedAt("untouched"));
  }
}
