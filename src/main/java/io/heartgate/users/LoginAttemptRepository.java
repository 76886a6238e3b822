package io.heartgate.users;

import io.heartgate.store.Sql;
import io.heartgate.store.Store;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.Optional;

/**
 * SQL for login attempt counters, the one owner of the login_attempts table. Counting is one upsert per counter
 * in one transaction, so concurrent attempts, on this node or on others sharing PostgreSQL, are counted one by one.
 */
public final class LoginAttemptRepository {
  /** The row lock the upsert takes makes concurrent counts of one counter queue up on PostgreSQL. */
  private static final String COUNT = "INSERT INTO login_attempts (scope, subject, attempts, ends_at) "
      + "VALUES ($1, $2, 1, $4) ON CONFLICT (scope, subject) DO UPDATE SET "
      + "attempts = CASE WHEN login_attempts.ends_at <= $3 THEN 1 ELSE login_attempts.attempts + 1 END, "
      + "ends_at = CASE WHEN login_attempts.ends_at <= $3 OR login_attempts.attempts + 1 = $5 THEN $4 "
      + "ELSE login_attempts.ends_at END "
      + "RETURNING attempts, ends_at";

  private final Store store;

  public LoginAttemptRepository(Store store) {
    this.store = store;
  }

  /** A row: what is counted (pair, address, user, known) and of whom. */
  record Key(String scope, String subject) {
  }

  /** A counter: its row, and its rule. */
  record Counter(Key key, int limit, long windowMillis) {
  }

  /** A counter that refused an attempt, and until when it refuses. */
  record Closed(Key key, long until) {
  }

  /** Rolls the transaction of a refused count back. */
  private static final class Refused extends RuntimeException {
    private final Closed closed;

    Refused(Closed closed) {
      super(null, null, false, false);
      this.closed = closed;
    }
  }

  /**
   * Counts one attempt on each counter, in order, in one transaction. A counter's window starts with its first
   * attempt; the attempt that reaches its limit starts a fresh window, during which any further attempt is refused.
   * A refused attempt counts nowhere (the transaction is rolled back).
   *
   * @return empty when admitted, else the counter that refused
   */
  public Future<Optional<Closed>> count(List<Counter> counters, long now) {
    return store.inTransaction(tx -> countFrom(tx, counters, 0, now))
        .map(admitted -> Optional.<Closed>empty())
        .recover(failure -> failure instanceof Refused refused ? Future.succeededFuture(Optional.of(refused.closed))
            : Future.failedFuture(failure));
  }

  private static Future<Void> countFrom(Sql tx, List<Counter> counters, int index, long now) {
    if (index == counters.size()) {
      return Future.succeededFuture();
    }
    Counter counter = counters.get(index);
    return tx.query(COUNT, Tuple.of(counter.key().scope(), counter.key().subject(), now,
            now + counter.windowMillis(), counter.limit()))
        .compose(rows -> {
          Row row = rows.iterator().next();
          if (row.getInteger("attempts") > counter.limit()) {
            return Future.failedFuture(new Refused(new Closed(counter.key(), row.getLong("ends_at"))));
          }
          return countFrom(tx, counters, index + 1, now);
        });
  }

  /**
   * After a successful login: the pair's counter starts over, its attempt is given back to the wider counters,
   * and the known row is kept until {@code knownUntil}.
   */
  public Future<Void> succeeded(Key pair, List<Key> wider, Key known, long knownUntil, long now) {
    return store.inTransaction(tx -> {
      Future<?> chain = tx.query("DELETE FROM login_attempts WHERE scope = $1 AND subject = $2",
          Tuple.of(pair.scope(), pair.subject()));
      for (Key counter : wider) {
        chain = chain.compose(ignored -> tx.query("UPDATE login_attempts SET attempts = attempts - 1 "
            + "WHERE scope = $1 AND subject = $2 AND attempts > 0 AND ends_at > $3",
            Tuple.of(counter.scope(), counter.subject(), now)));
      }
      return chain.compose(ignored -> tx.query("INSERT INTO login_attempts (scope, subject, attempts, ends_at) "
              + "VALUES ($1, $2, 0, $3) ON CONFLICT (scope, subject) DO UPDATE SET ends_at = excluded.ends_at",
              Tuple.of(known.scope(), known.subject(), knownUntil)))
          .mapEmpty();
    });
  }

  /** Whether the row's window is still open at {@code now} (for a known row: the user logged in from there lately). */
  public Future<Boolean> live(Key key, long now) {
    return store.query("SELECT 1 FROM login_attempts WHERE scope = $1 AND subject = $2 AND ends_at > $3",
        Tuple.of(key.scope(), key.subject(), now)).map(rows -> rows.size() > 0);
  }

  /** Deletes the rows whose window has ended: they would be reset by their next use anyway. */
  public Future<Void> purgeEnded(long now) {
    return store.query("DELETE FROM login_attempts WHERE ends_at <= $1", Tuple.of(now)).mapEmpty();
  }
}
