package io.heartgate.testsupport;

import io.heartgate.store.Store;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Lock order on PostgreSQL, shown without timing luck: a transaction (standing for a heartbeat batch or a last-use
 * write) runs its first statement and stops there, holding those rows; the change under test starts and is seen
 * waiting on a lock; the transaction then runs its second statement, on rows the change may hold, and commits.
 * Taken in the same order, the change waits and both succeed; in another, PostgreSQL finds a deadlock and fails
 * one of them.
 */
public final class HalfwayTransaction {
  private static final Duration DEADLINE = Duration.ofSeconds(20);

  private HalfwayTransaction() {
  }

  /** The change's result; fails when the transaction or the change fails. */
  public static <T> T around(Store store, String first, String then, Supplier<Future<T>> change) {
    Outcome<T> outcome = run(store, first, then, change);
    Await.of(outcome.transaction());
    return Await.of(outcome.change());
  }

  /** The transaction, which has run its second statement or failed there, and the change, which may still run. */
  public record Outcome<T>(Future<Void> transaction, Future<T> change) {
  }

  /** Runs the transaction and the change as described above, and hands both back, whatever became of them. */
  public static <T> Outcome<T> run(Store store, String first, String then, Supplier<Future<T>> change) {
    Promise<Void> halfway = Promise.promise();
    Promise<Void> goOn = Promise.promise();
    Future<Void> transaction = store.inTransaction(tx -> tx.query(first, Tuple.tuple())
        .compose(held -> {
          halfway.complete();
          return goOn.future();
        })
        .compose(ignored -> tx.query(then, Tuple.tuple()))
        .mapEmpty());
    Await.of(halfway.future());

    Future<T> changed = change.get();
    Poll.until(DEADLINE, "the change to wait for the transaction", () -> Await.of(store.query(
        "SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database() "
            + "AND pid <> pg_backend_pid()", Tuple.tuple())).iterator().next().getLong(0) == 1);
    goOn.complete();
    return new Outcome<>(transaction, changed);
  }
}
