package io.heartgate.testsupport;

import io.heartgate.store.Store;
import io.vertx.core.Promise;

/**
 * A PostgreSQL table locked by a transaction of its own until closed: whatever reads or writes it meanwhile waits,
 * as it would for a server that stands still.
 */
public final class LockedTable implements AutoCloseable {
  private final Promise<Void> release = Promise.promise();

  private LockedTable() {
  }

  /** Returns once the lock is held, on a connection of the store's own. */
  public static LockedTable lock(Store store, String table) {
    LockedTable locked = new LockedTable();
    Promise<Void> held = Promise.promise();
    store.inTransaction(connection -> connection.query("LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE")
        .onSuccess(ignored -> held.complete())
        .compose(ignored -> locked.release.future()));
    Await.of(held.future());
    return locked;
  }

  @Override
  public void close() {
    release.tryComplete();
  }
}
