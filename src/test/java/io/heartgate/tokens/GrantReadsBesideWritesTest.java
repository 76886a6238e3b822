package io.heartgate.tokens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heartgate.auth.Grant;
import io.heartgate.store.Store;
import io.heartgate.testsupport.Await;
import io.heartgate.testsupport.Poll;
import io.heartgate.testsupport.StoreKind;
import io.heartgate.testsupport.TestStores;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A token's first use reads its grant while SQLite's one writing connection is busy: while every new agent of a
 * fleet's first round was both a grant read and a heartbeat write on that connection, each waited for the other.
 * The grant is read on a reading connection of its own, which sees what was committed before the read began and
 * nothing of a transaction still open.
 */
class GrantReadsBesideWritesTest {
  private static final Duration DEADLINE = Duration.ofSeconds(10);

  @TempDir
  Path tempDir;
  @RegisterExtension
  final TestStores stores = new TestStores();

  @Test
  void aGrantIsReadWhileAWriteTransactionHoldsTheWritingConnection() {
    Store store = stores.migrated(StoreKind.SQLITE, tempDir, 4);
    Await.of(store.query("INSERT INTO users (id, username, password_hash, role, created_at, updated_at) "
        + "VALUES ('u', 'u', 'x', 'manager', 0, 0)", Tuple.tuple()));
    insertToken(store, "committed");
    Promise<Void> halfway = Promise.promise();
    Promise<Void> goOn = Promise.promise();
    Future<Void> transaction = store.inTransaction(tx -> tx.query(insertTokenSql(), Tuple.of("uncommitted"))
        .compose(inserted -> {
          halfway.complete();
          return goOn.future();
        })
        .mapEmpty());
    Await.of(halfway.future());

    Future<Map<String, Grant>> read = new TokenRepository(store, Clock.systemUTC())
        .grantsByHash(List.of("committed", "uncommitted"));
    try {
      Poll.until(DEADLINE, "the grant read to finish while the write transaction is open", read::isComplete);
    } finally {
      goOn.complete();
    }
    Await.of(transaction);
    Map<String, Grant> grants = Await.of(read);
    assertTrue(grants.containsKey("committed"), "a token committed before the read is found");
    assertFalse(grants.containsKey("uncommitted"), "a token of a transaction still open is not");
    assertEquals(2, Await.of(new TokenRepository(store, Clock.systemUTC())
        .grantsByHash(List.of("committed", "uncommitted"))).size(), "once committed, both are found");
  }

  @Test
  void theReadingConnectionWritesNothing() {
    Store store = stores.migrated(StoreKind.SQLITE, tempDir, 4);
    Throwable refused = Await.failureOf(store.reads().query("INSERT INTO users (id, username, password_hash, role, "
        + "created_at, updated_at) VALUES ('r', 'r', 'x', 'viewer', 0, 0)", Tuple.tuple()));
    assertTrue(String.valueOf(refused.getMessage()).contains("SQLITE_READONLY"), String.valueOf(refused));
    assertEquals(0L, Await.of(store.query("SELECT COUNT(*) FROM users WHERE id = 'r'", Tuple.tuple())).iterator()
        .next().getLong(0));
  }

  private static void insertToken(Store store, String id) {
    Await.of(store.query(insertTokenSql(), Tuple.of(id)));
  }

  private static String insertTokenSql() {
    return "INSERT INTO tokens (id, name, token_hash, user_id, permissions, source, created_at) "
        + "VALUES ($1, $1, $1, 'u', 'configs:read', 'api', 0)";
  }
}
