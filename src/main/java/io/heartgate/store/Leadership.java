package io.heartgate.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

/**
 * Which node of a cluster runs a job: the holder of a PostgreSQL session advisory lock, kept on a connection of
 * its own. When the leader stops or dies its connection closes, the lock is freed, and the next node to ask
 * takes over. On SQLite there is one node, which always leads. Used from one event loop (a verticle's).
 *
 * <p>Each time the leader asks, its connection must answer, within the store's socket timeout ({@link
 * SocketTimeout}): a lead connection that fell silent (a NAT or firewall that forgot it, the server's host gone)
 * would otherwise go on leading here after PostgreSQL ended its session and gave the lock to another node, and
 * the job would run on both. The question also keeps the idle connection alive for whatever on the way forgets
 * idle connections.
 */
public final class Leadership {
  private final Store store;
  private final AdvisoryLock lock;
  private SqlConnection held;

  public Leadership(Store store, AdvisoryLock lock) {
    this.store = store;
    this.lock = lock;
  }

  /** Whether this node leads now, taking the lead when nobody holds it. */
  public Future<Boolean> tryLead() {
    if (store.dialect() == Dialect.SQLITE) {
      return Future.succeededFuture(true);
    }
    if (held != null) {
      SqlConnection connection = held;
      return store.socketTimeoutMs() == 0 ? Future.succeededFuture(true)
          : connection.query("SELECT 1").execute().map(true).recover(lost -> {
            if (held == connection) {
              held = null;
            }
            return connection.close().transform(closed -> Future.succeededFuture(false));
          });
    }
    return store.connectApart().compose(connection ->
        connection.preparedQuery("SELECT pg_try_advisory_lock($1)").execute(Tuple.of(lock.key()))
            .map(rows -> rows.iterator().next().getBoolean(0))
            .compose(acquired -> {
              if (!acquired) {
                return connection.close().map(false);
              }
              held = connection;
              SocketTimeout.install(connection, store.socketTimeoutMs());
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
    return store.dialect() == Dialect.SQLITE || held != null;
  }

  /** Gives the lead up (closing its connection frees the lock at once). */
  public Future<Void> release() {
    SqlConnection connection = held;
    held = null;
    return connection == null ? Future.succeededFuture() : connection.close();
  }
}
