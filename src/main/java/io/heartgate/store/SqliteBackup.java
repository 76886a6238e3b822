package io.heartgate.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A consistent copy of a SQLite store in a new file, made by {@code VACUUM INTO}: it reads the store in one
 * transaction, so it is safe while gateways read and write it, and the copy is a compact database of its own
 * (no write-ahead log beside it). PostgreSQL has {@code pg_dump} for this.
 */
public final class SqliteBackup {
  private SqliteBackup() {
  }

  /**
   * Copies the store into {@code target}, a new file readable and writable by its owner only (the copy holds
   * password and token hashes and the session secret), created here before SQLite fills it; it fails when the
   * file exists. Blocks for the file's creation: call it off the event loops.
   */
  public static Future<Void> copy(Store store, Path target) {
    if (store.dialect() != Dialect.SQLITE) {
      return Future.failedFuture(new IllegalStateException("only a SQLite store is copied this way; use pg_dump"));
    }
    Path file = target.toAbsolutePath();
    try {
      OwnerOnly.createFile(file);
    } catch (IOException e) {
      return Future.failedFuture(e);
    }
    return store.query("VACUUM INTO $1", Tuple.of(file.toString())).<Void>mapEmpty()
        .onFailure(e -> file.toFile().delete());
  }
}
