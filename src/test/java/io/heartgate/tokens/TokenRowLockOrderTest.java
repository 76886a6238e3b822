package io.heartgate.tokens;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.heartgate.auth.Role;
import io.heartgate.store.Store;
import io.heartgate.testsupport.Await;
import io.heartgate.testsupport.HalfwayTransaction;
import io.heartgate.testsupport.StoreKind;
import io.heartgate.testsupport.TestStores;
import io.heartgate.users.UserRepository;
import io.vertx.core.Future;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * On PostgreSQL the write of the tokens' last use locks a chunk of token rows in id order. Whatever else changes
 * several tokens at once must take them in that order: narrowing a user's tokens to a new role, and deleting a
 * user (whose tokens the foreign key's cascade deletes), updated them in the order they were found, and a write
 * holding token a and waiting for b met them holding b (found first) and waiting for a: a deadlock.
 */
class TokenRowLockOrderTest {
  @TempDir
  Path tempDir;
  @RegisterExtension
  final TestStores stores = new TestStores();
  private Store store;

  @Test
  void narrowingAUsersTokensWaitsForALastUseWrite() {
    fill();
    whileALastUseWriteIsHalfway(() -> new TokenRepository(store, Clock.systemUTC())
        .clampToRole("u", Role.VIEWER, "owner"));
    assertEquals(2L, count("SELECT COUNT(*) FROM tokens WHERE permissions = 'configs:read' AND last_used_at = 2"),
        "both narrowed, both uses written");
  }

  @Test
  void deletingAUserWaitsForALastUseWrite() {
    fill();
    UserRepository users = new UserRepository(store, Clock.systemUTC());
    whileALastUseWriteIsHalfway(() -> users.byId("u").compose(user -> users.delete(user.orElseThrow())));
    assertEquals(0L, count("SELECT COUNT(*) FROM tokens"), "the user's tokens went with them");
  }

  /** A manager with two tokens, t-b before t-a in the table, so that a scan finds t-b first. */
  private void fill() {
    store = stores.migrated(StoreKind.POSTGRES, tempDir, 4);
    Await.of(store.query("INSERT INTO users (id, username, password_hash, role, created_at, updated_at) "
        + "VALUES ('u', 'u', 'x', 'manager', 0, 0)", Tuple.tuple()));
    for (String id : new String[] {"t-b", "t-a"}) {
      Await.of(store.query("INSERT INTO tokens (id, name, token_hash, user_id, permissions, source, created_at) "
          + "VALUES ($1, $1, $1, 'u', 'configs:read,configs:write', 'api', 0)", Tuple.of(id)));
    }
  }

  /** Runs the change while a last-use write holds t-a and is about to take t-b; both must succeed. */
  private <T> void whileALastUseWriteIsHalfway(Supplier<Future<T>> change) {
    HalfwayTransaction.around(store, "UPDATE tokens SET last_used_at = 2 WHERE id = 't-a'",
        "UPDATE tokens SET last_used_at = 2 WHERE id = 't-b'", change);
  }

  private long count(String sql) {
    return Await.of(store.query(sql, Tuple.tuple())).iterator().next().getLong(0);
  }
}
