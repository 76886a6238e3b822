package io.heartgate.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;

/**
 * A consistent copy of a SQLite store in a new file, made by {@code VACUUM INTO}: it reads the store in one
 * transaction, so it is safe while gateways read and write it, and the copy is a compact database of its own
 * (no write-ahead log beside it). PostgreSQL has {@code pg_dump} for this.
 */
public final class SqliteBackup {
  private SqliteBackup() {
  }

  /** Copies the store into {@code target}, which SQLite refuses to overwrite when it exists and is not empty. */
  public static Future<Void> copy(Store store, Path target) {
    if (store.dialect() != Dialect.SQLITE) {
      return Future.failedFuture(new IllegalStateException("only a SQLite store is copied this way; use pg_dump"));
    }
    return store.query("VACUUM INTO $1", Tuple.of(target.toAbsolutePath().toString())).mapEmpty();
  }
}
