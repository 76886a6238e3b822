package io.heartgate.store;

import io.heartgate.core.Unavailable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnection;
import io.vertx.pgclient.PgException;
import java.util.function.Supplier;

/**
 * Runs work one run at a time across every node sharing the store: for a check and the write it allows, when a
 * change written between the two could make the check wrong. The runs of this node queue on a local lock; on
 * PostgreSQL a run then holds its advisory lock too, on a connection of its own (the work itself uses the pool),
 * until the work is done. A run that waits longer than {@value #WAIT_MS} ms fails with 503 {@code unavailable}.
 * Runs do not nest: work must not start another run of the same lock.
 */
public final class ExclusiveSection {
  static final long WAIT_MS = 10_000;
  private static final String POSTGRES_LOCK_NOT_AVAILABLE = "55P03";

  private final Vertx vertx;
  private final Store store;
  private final AdvisoryLock lock;
  private final String busy;

  /** @param busy the 503's message for a run that waited too long, such as "Another change … is being saved" */
  public ExclusiveSection(Vertx vertx, Store store, AdvisoryLock lock, String busy) {
    this.vertx = vertx;
    this.store = store;
    this.lock = lock;
    this.busy = busy;
  }

  /** The work's outcome, once it ran with no other run of this lock at the same time on any node. */
  public <T> Future<T> run(Supplier<Future<T>> work) {
    return vertx.sharedData().getLocalLockWithTimeout("heartgate." + lock.name(), WAIT_MS)
        .recover(timedOut -> Future.failedFuture(new Unavailable("unavailable", busy)))
        // Through compose, so that work throwing at once still gives the lock back.
        .compose(local -> Future.succeededFuture().compose(start -> acrossNodes(work))
            .onComplete(done -> local.release()));
  }

  private <T> Future<T> acrossNodes(Supplier<Future<T>> work) {
    if (store.postgresOptions() == null) {
      return work.get();  // SQLite: one node
    }
    // Closing the connection ends its session, which gives the lock back whatever the work did.
    return PgConnection.connect(vertx, store.postgresOptions()).compose(connection -> connection
        .query("SET lock_timeout = " + WAIT_MS).execute()
        .compose(set -> connection.query("SELECT pg_advisory_lock(" + lock.key() + ")").execute())
        .recover(e -> Future.failedFuture(e instanceof PgException pg
            && POSTGRES_LOCK_NOT_AVAILABLE.equals(pg.getSqlState()) ? new Unavailable("unavailable", busy) : e))
        .compose(locked -> work.get())
        .onComplete(done -> connection.close()));
  }
}
