package io.heartgate.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

/**
 * Which node of a cluster runs a job: the holder of a PostgreSQL session advisory lock, kept on a connection of
 * its own. When the leader stops or dies its connection closes, the lock is freed, and the next node to ask
 * takes over. On SQLite there is one node, which always leads. Used from one event loop (a verticle's).
 */
public final class Leadership {
  private final Vertx vertx;
  private final Store store;
  private final AdvisoryLock lock;
  private SqlConnection held;

  public Leadership(Vertx vertx, Store store, AdvisoryLock lock) {
    this.vertx = vertx;
    this.store = store;
    this.lock = lock;
  }

  /** Whether this node leads now, taking the lead when nobody holds it. */
  public Future<Boolean> tryLead() {
    if (store.postgresOptions() == null) {
      return Future.succeededFuture(true);
    }
    if (held != null) {
      return Future.succeededFuture(true);
    }
    return PgConnection.connect(vertx, store.postgresOptions()).compose(connection ->
        connection.preparedQuery("SELECT pg_try_advisory_lock($1)").execute(Tuple.of(lock.key()))
            .map(rows -> rows.iterator().next().getBoolean(0))
            .compose(acquired -> {
              if (!acquired) {
                return connection.close().map(false);
              }
              held = connection;
              connection.closeHandler(ignored -> {
                if (held == connection) {
                  held = null;
                }
              });
              return Future.succeededFuture(true);
            }, failure -> connection.close().transform(ignored -> Future.failedFuture(failure))));
  }

  /** Whether this node holds the lead now (it may have lost it since it last asked, with its connection). */
  public boolean leads() {
    return store.postgresOptions() == null || held != null;
  }

  /** Gives the lead up (closing its connection frees the lock at once). */
  public Future<Void> release() {
    SqlConnection connection = held;
    held = null;
    return connection == null ? Future.succeededFuture() : connection.close();
  }
}
