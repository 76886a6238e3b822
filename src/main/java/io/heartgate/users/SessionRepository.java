package io.heartgate.users;

import io.heartgate.auth.Account;
import io.heartgate.auth.Role;
import io.heartgate.store.Store;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.Optional;

/** SQL for login sessions, the one owner of the sessions table. A session is known by its id's SHA-256 only. */
public final class SessionRepository {
  private final Store store;
  /**
   * Where a session is looked up on every console request ({@link Store#reads}): on SQLite the reading connection,
   * so that a console page waits for no heartbeat batch or other write. A session ended (logout, password change,
   * user disabled) is committed before that request is answered, so every lookup that begins after it sees it gone.
   */
  private final Store reads;

  public SessionRepository(Store store) {
    this.store = store;
    this.reads = store.reads();
  }

  /**
   * Opens a session for the user if they are still active with the password hash {@code user} holds; false,
   * opening none, otherwise: a password changed (or the user disabled) since the login read them ended every
   * session the user had, and a session opened after that with the old password would outlive it.
   */
  public Future<Boolean> insert(String idHash, User user, long createdAt, long expiresAt) {
    return store.query("INSERT INTO sessions (id_hash, user_id, created_at, expires_at) SELECT CAST($1 AS TEXT), id, "
            + "CAST($3 AS BIGINT), CAST($4 AS BIGINT) FROM users WHERE id = $2 AND password_hash = $5 "
            + "AND status = 'active'",
        Tuple.of(idHash, user.id(), createdAt, expiresAt, user.passwordHash())).map(rows -> rows.rowCount() > 0);
  }

  /** The active user of a session that has not expired at {@code now}; empty otherwise. */
  public Future<Optional<Account>> activeUser(String idHash, long now) {
    return reads.query("SELECT u.id, u.username, u.role FROM sessions s JOIN users u ON u.id = s.user_id "
            + "WHERE s.id_hash = $1 AND s.expires_at > $2 AND u.status = 'active'", Tuple.of(idHash, now))
        .map(rows -> {
          if (rows.size() == 0) {
            return Optional.empty();
          }
          Row row = rows.iterator().next();
          return Optional.of(new Account(row.getString("id"), row.getString("username"),
              Role.of(row.getString("role")), true));
        });
  }

  public Future<Void> delete(String idHash) {
    return store.query("DELETE FROM sessions WHERE id_hash = $1", Tuple.of(idHash)).mapEmpty();
  }

  public Future<Void> deleteAllOf(String userId) {
    return store.query("DELETE FROM sessions WHERE user_id = $1", Tuple.of(userId)).mapEmpty();
  }

  public Future<Void> deleteAllOfExcept(String userId, String keptIdHash) {
    return store.query("DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2", Tuple.of(userId, keptIdHash))
        .mapEmpty();
  }
}
