package io.heartgate.users;

import io.heartgate.auth.Account;
import io.heartgate.auth.Accounts;
import io.heartgate.auth.Role;
import io.heartgate.core.Conflict;
import io.heartgate.store.Dialect;
import io.heartgate.store.RowLocks;
import io.heartgate.store.Sql;
import io.heartgate.store.Store;
import io.heartgate.store.UniqueViolation;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** SQL for users, the one owner of the users table; what other features may know of users, as {@link Accounts}. */
public final class UserRepository implements Accounts {
  private static final String COLUMNS = "id, username, password_hash, role, status, created_at";
  private final Store store;
  /**
   * Listings and single items: on SQLite the reading connection, which waits for no write (see {@link Store#reads}).
   */
  private final Store reads;
  /** Stamps updated_at. */
  private final Clock clock;

  public UserRepository(Store store, Clock clock) {
    this.store = store;
    this.reads = store.reads();
    this.clock = clock;
  }

  @Override
  public Future<Optional<Account>> account(String id) {
    return byId(id).map(user -> user.map(User::account));
  }

  @Override
  public Future<Boolean> holds(Sql tx, String userId, Role role) {
    return tx.query("SELECT role, status FROM users WHERE id = $1"
            + (tx.dialect() == Dialect.POSTGRES ? " FOR SHARE" : ""), Tuple.of(userId))
        .map(rows -> {
          if (rows.size() == 0) {
            return false;
          }
          Row row = rows.iterator().next();
          return role.wireName().equals(row.getString("role")) && User.ACTIVE.equals(row.getString("status"));
        });
  }

  public Future<Optional<User>> byId(String id) {
    return reads.query("SELECT " + COLUMNS + " FROM users WHERE id = $1", Tuple.of(id)).map(UserRepository::first);
  }

  public Future<Optional<User>> byUsername(String username) {
    return reads.query("SELECT " + COLUMNS + " FROM users WHERE username = $1", Tuple.of(username))
        .map(UserRepository::first);
  }

  @Override
  public Future<Optional<Account>> owner() {
    return store.query("SELECT " + COLUMNS + " FROM users WHERE role = 'owner'")
        .map(rows -> first(rows).map(User::account));
  }

  public Future<List<User>> all() {
    return reads.query("SELECT " + COLUMNS + " FROM users ORDER BY created_at, username").map(rows -> {
      List<User> users = new ArrayList<>();
      rows.forEach(row -> users.add(toUser(row)));
      return users;
    });
  }

  /**
   * Inserts; fails with a {@link Conflict} when the username is taken, or when an owner exists and this is one (a
   * request that checked first may have lost the race to another).
   */
  public Future<Void> insert(User user) {
    return store.query("INSERT INTO users (id, username, password_hash, role, status, created_at, updated_at) "
            + "VALUES ($1, $2, $3, $4, $5, $6, $6)",
            Tuple.of(user.id(), user.username(), user.passwordHash(), user.role().wireName(), user.status(),
                user.createdAt()))
        .<Void>mapEmpty()
        .recover(UniqueViolation.asConflict(constraint -> constraint.contains("username") ? usernameTaken()
            : ownerExists()));
  }

  public static Conflict usernameTaken() {
    return new Conflict("username_conflict", "A user with this username already exists");
  }

  public static Conflict ownerExists() {
    return new Conflict("setup_complete", "An owner already exists");
  }

  /**
   * Writes role, status and password over the user as {@code before} holds it; false, writing nothing, when the user
   * changed since (or is gone): whatever the caller decided on what it read, it decided on another user.
   */
  public Future<Boolean> update(User before, Role role, String status, String passwordHash) {
    return store.query("UPDATE users SET role = $2, status = $3, password_hash = $4, updated_at = $5 "
                + "WHERE id = $1 AND role = $6 AND status = $7 AND password_hash = $8",
            Tuple.of(before.id(), role.wireName(), status, passwordHash, clock.millis(), before.role().wireName(),
                before.status(), before.passwordHash()))
        .map(rows -> rows.rowCount() > 0);
  }

  public Future<Void> setPassword(String id, String passwordHash) {
    return store.query("UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1",
            Tuple.of(id, passwordHash, clock.millis()))
        .mapEmpty();
  }

  /**
   * Deletes the user if their role is still the one {@code before} holds (false otherwise, or when they are gone);
   * their tokens and sessions go with them (foreign keys cascade). On PostgreSQL their tokens are
   * locked first, in id order: the cascade deletes them in the order it finds them, and the write of the tokens'
   * last use locks them in id order (see TokenRepository), so the two could each hold a row the other waited for, a
   * deadlock. This lock, the only SQL here on tokens, is part of what deleting a user does to them.
   */
  public Future<Boolean> delete(User before) {
    Tuple user = Tuple.of(before.id());
    return store.inTransaction(tx -> (tx.dialect() == Dialect.POSTGRES
            ? tx.query(RowLocks.inOrder("tokens", "user_id = $1", "id", RowLocks.Strength.UPDATE), user)
            : Future.succeededFuture())
        .compose(locked -> tx.query("DELETE FROM users WHERE id = $1 AND role = $2",
            Tuple.of(before.id(), before.role().wireName())))
        .map(rows -> rows.rowCount() > 0));
  }

  private static Optional<User> first(RowSet<Row> rows) {
    return rows.size() == 0 ? Optional.empty() : Optional.of(toUser(rows.iterator().next()));
  }

  private static User toUser(Row row) {
    return new User(row.getString("id"), row.getString("username"), row.getString("password_hash"),
        Role.of(row.getString("role")), row.getString("status"), row.getLong("created_at"));
  }
}
