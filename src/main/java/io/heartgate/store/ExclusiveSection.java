package io.heartgate.store;

import io.heartgate.core.Unavailable;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnection;
import io.vertx.pgclient.PgException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Runs work one run at a time across every node sharing the store: for a check and the write it allows, when a
 * change written between the two could make the check wrong. The runs of this node queue on a local lock; on
 * PostgreSQL a run then holds its advisory lock too, on a connection of its own (the work itself uses the pool), and
 * gives it back when the work is done. That connection is kept for the next run for {@value #KEEP_MS} ms, then
 * closed: a new one for each run cost PostgreSQL a new session, a server process, most of a change's time. A run
 * that waits longer than {@value #WAIT_MS} ms in all for both locks fails with 503 {@code unavailable}, and so does
 * one that finds {@value #MAX_WAITING} others waiting on this node already; a store that cannot be reached, with 503
 * {@code store_unavailable}. Runs do not nest: work must not start another run of the same lock.
 */
public final class ExclusiveSection {
  static final long WAIT_MS = 10_000;
  /**
   * Runs of one lock waiting on this node at most; more are refused at once (503 {@code unavailable}): each may hold
   * a request of up to 1 MiB, parsed, while it waits.
   */
  static final int MAX_WAITING = 16;
  /** How long the lock connection is kept idle after a run, for the next one. */
  static final long KEEP_MS = 5_000;
  /** As the pool's (see {@link Store}): a store that does not take a connection in this time is unavailable. */
  private static final long CONNECT_MS = 5_000;
  /**
   * Work still running after this long (a query lost on a connection that went dead without closing) gives the
   * locks up, so that one lost query does not block every later change; it may still complete afterwards.
   */
  private static final long WORK_MS = 60_000;
  private static final String POSTGRES_LOCK_NOT_AVAILABLE = "55P03";
  private static final Logger LOG = Logger.getLogger(ExclusiveSection.class.getName());

  private final Vertx vertx;
  private final Store store;
  private final AdvisoryLock lock;
  private final String busy;
  /** Runs that asked for the local lock and have not got it (or given up) yet. */
  private final AtomicInteger waiting = new AtomicInteger();
  /** The lock connection between runs (null: none), holding no lock; guarded by this. */
  private PgConnection kept;
  private long closeKeptTimer;

  /** @param busy the 503's message for a run that waited too long, such as "Another change … is being saved" */
  public ExclusiveSection(Vertx vertx, Store store, AdvisoryLock lock, String busy) {
    this.vertx = vertx;
    this.store = store;
    this.lock = lock;
    this.busy = busy;
  }

  /** The work's outcome, once it ran with no other run of this lock at the same time on any node. */
  public <T> Future<T> run(Supplier<Future<T>> work) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
    if (waiting.incrementAndGet() > MAX_WAITING) {
      waiting.decrementAndGet();
      return Future.failedFuture(new Unavailable("unavailable", busy));
    }
    return vertx.sharedData().getLocalLockWithTimeout("heartgate." + lock.name(), WAIT_MS)
        .andThen(taken -> waiting.decrementAndGet())
        .recover(timedOut -> Future.failedFuture(new Unavailable("unavailable", busy)))
        // Through compose, so that work throwing at once still gives the lock back.
        .compose(local -> Future.succeededFuture().compose(start -> acrossNodes(work, deadline))
            .onComplete(done -> local.release()));
  }

  private <T> Future<T> acrossNodes(Supplier<Future<T>> work, long deadline) {
    if (store.dialect() == Dialect.SQLITE) {
      return bounded(work);  // SQLite: one node
    }
    Context caller = Vertx.currentContext();
    PgConnection reused = unkeep(null);
    Future<PgConnection> locked = reused == null ? connect().compose(fresh -> lockOn(fresh, deadline))
        // One ended since it was kept (its close not seen yet) fails at its first statement: another is opened.
        : lockOn(reused, deadline).recover(e -> e instanceof Unavailable || System.nanoTime() >= deadline
            ? Future.failedFuture(e) : connect().compose(fresh -> lockOn(fresh, deadline)));
    return locked.compose(connection -> on(caller)
        .compose(start -> bounded(work))
        .eventually(() -> giveBack(connection)));
  }

  /** The connection holding the lock; or failed, the connection kept if it still serves, else closed. */
  private Future<PgConnection> lockOn(PgConnection connection, long deadline) {
    long waitMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    return connection.query("SET lock_timeout = " + waitMs).execute()
        .compose(set -> {
          // The wait for the lock is silent by design: PostgreSQL answers once it is granted or lock_timeout passed.
          SocketTimeout.allowSilence(connection, waitMs);
          return connection.query("SELECT pg_advisory_lock(" + lock.key() + ")").execute();
        })
        .andThen(done -> SocketTimeout.allowSilence(connection, 0))
        .map(connection)
        .recover(e -> {
          if (e instanceof PgException pg && POSTGRES_LOCK_NOT_AVAILABLE.equals(pg.getSqlState())) {
            keep(connection);
            return Future.failedFuture(new Unavailable("unavailable", busy));
          }
          connection.close();
          return Future.failedFuture(e);
        });
  }

  /** Gives the lock back and keeps the connection for the next run; closes it if the lock could not be given back. */
  private Future<Void> giveBack(PgConnection connection) {
    return connection.query("SELECT pg_advisory_unlock(" + lock.key() + ")").execute()
        .map(rows -> Boolean.TRUE.equals(rows.iterator().next().getBoolean(0)))
        .otherwise(false)
        .compose(unlocked -> {
          if (unlocked) {
            keep(connection);
            return Future.succeededFuture();
          }
          return connection.close().otherwiseEmpty();
        });
  }

  private synchronized void keep(PgConnection connection) {
    if (kept != null) {  // cannot be while runs are one at a time; closed rather than lost
      connection.close();
      return;
    }
    kept = connection;
    closeKeptTimer = vertx.setTimer(KEEP_MS, fired -> {
      PgConnection idle = unkeep(connection);
      if (idle != null) {
        idle.close();
      }
    });
  }

  /** The kept connection, no longer kept; null if none is, or another than the one expected (unless null). */
  private synchronized PgConnection unkeep(PgConnection expected) {
    PgConnection taken = kept;
    if (taken == null || expected != null && taken != expected) {
      return null;
    }
    kept = null;
    vertx.cancelTimer(closeKeptTimer);
    return taken;
  }

  private Future<PgConnection> connect() {
    Future<PgConnection> connecting = store.connectApart();
    return connecting.timeout(CONNECT_MS, TimeUnit.MILLISECONDS)
        .map(connection -> {
          // Held to the socket timeout: closing the connection waits for the server's goodbye, which a server fallen
          // silent never sends.
          SocketTimeout.install(connection, store.socketTimeoutMs());
          connection.closeHandler(closed -> unkeep(connection));
          // The server ending it while kept (a restart, an administrator) is no news: the next run opens another.
          connection.exceptionHandler(e -> LOG.fine("the connection of " + lock.name() + ": " + e));
          return connection;
        })
        .recover(e -> {
          connecting.onSuccess(PgConnection::close);  // one that comes too late is not kept
          return Future.failedFuture(new StoreUnavailableException("cannot reach the store " + store.description()
              + ": " + Store.rootMessage(e), e));
        });
  }

  /** Completes on the caller's context, so that the work runs where it would have without the lock connection. */
  private static Future<Void> on(Context caller) {
    if (caller == null || caller == Vertx.currentContext()) {
      return Future.succeededFuture();
    }
    Promise<Void> there = Promise.promise();
    caller.runOnContext(ignored -> there.complete());
    return there.future();
  }

  private <T> Future<T> bounded(Supplier<Future<T>> work) {
    return work.get().timeout(WORK_MS, TimeUnit.MILLISECONDS).onFailure(e -> {
      if (e instanceof TimeoutException) {
        LOG.warning("a change held " + lock.name() + " for " + WORK_MS / 1000 + " s; the lock is given up");
      }
    });
  }
}
