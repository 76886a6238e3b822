package io.heartgate.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heartgate.settings.DatabaseUrl;
import io.heartgate.testsupport.Await;
import io.heartgate.testsupport.TestPostgres;
import io.heartgate.testsupport.TestStores;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every connection of the PostgreSQL pool busy for longer than a request may wait for one. Today a transaction (or a
 * batch) that waited that long failed with the pool's own bare "Timeout", which is no outage the gateway knows: a 500
 * where the client should be told to retry (503). And that wait's timer, in vertx-sql-client 5.0.10, could fire for a
 * waiter that had already been given its connection and throw inside the pool ("Promise already completed", in 2 of
 * 44 benchmark runs), dropping whatever the pool had queued behind it. The wait is now the store's own.
 */
class PoolWaitTest {
  @RegisterExtension
  final TestStores stores = new TestStores();

  @Test
  void workThatWaitsTooLongForAConnectionIsAnOutageAndNeverRuns() {
    DatabaseUrl url = TestPostgres.shared().newDatabase();
    Store store = stores.open(url, 1);
    Await.of(store.query("CREATE TABLE marks (n INT)", Tuple.tuple()));
    Promise<Void> holding = Promise.promise();
    Promise<Void> release = Promise.promise();
    Future<Void> holder = store.inTransaction(sql -> sql.query("SELECT 1", Tuple.tuple()).compose(ignored -> {
      holding.complete();
      return release.future();
    }));
    Await.of(holding.future());

    AtomicBoolean ran = new AtomicBoolean();
    Future<?> transaction = store.inTransaction(sql -> {
      ran.set(true);
      return sql.query("INSERT INTO marks VALUES (1)", Tuple.tuple());
    });
    Future<?> batch = store.batch("INSERT INTO marks VALUES ($1)", List.of(Tuple.of(2)));
    Future<?> statement = store.query("INSERT INTO marks VALUES (3)", Tuple.tuple());
    for (Future<?> waiting : List.of(transaction, batch, statement)) {
      Throwable failure = Await.failureOf(waiting);
      assertTrue(StoreOutage.in(failure), "work that waited too long is an outage: " + failure);
    }

    release.complete();
    Await.of(holder);
    // The connection came back to the pool, and none of the work that gave up waiting ran when it did.
    assertEquals(0L, Await.of(store.query("SELECT COUNT(*) AS n FROM marks", Tuple.tuple())).iterator().next()
        .getLong("n"));
    assertFalse(ran.get(), "the transaction's work never started");
  }
}
